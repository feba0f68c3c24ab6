import pytest
from django.urls import reverse

from apps.imports import services
from apps.imports.models import ImportJob
from apps.registry.models import Parcel

from .files import THAI_OWNER, lonlat_square, parcel_rows, shapefile_zip


@pytest.mark.django_db
def test_upload_check_commit_undo_through_the_pages(client, org, surveyor, tmp_path):
    client.force_login(surveyor)
    path = shapefile_zip(tmp_path, [lonlat_square(1), lonlat_square(2)], parcel_rows(2), keep_cpg=False)
    with path.open("rb") as fh:
        response = client.post(reverse("imports:index"), {"file": fh})
    assert response.status_code == 302
    job = ImportJob.objects.get(organisation=org)
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert THAI_OWNER in page  # the cp874 preview reads as Thai

    form = {
        "layer": job.source_layer,
        "source_srid": 4326,
        "encoding": "",
        "map_parcel_code": "PCODE",
        "map_document_no": "DEED_NO",
        "map_owner_name": "OWNER",
    }
    assert client.post(reverse("imports:configure", args=[job.pk]), form).status_code == 302
    progress = client.get(reverse("imports:progress", args=[job.pk])).json()
    assert progress["status"] == ImportJob.Status.QUEUED_VALIDATE and progress["running"]
    services.job_run_next()  # what the thread or `manage.py run_import_jobs` does
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "import-preview" in page  # the map preview
    report = client.get(reverse("imports:report", args=[job.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")

    client.post(reverse("imports:commit", args=[job.pk]), {})
    services.job_run_next()
    assert Parcel.objects.filter(organisation=org).count() == 2
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.created_by == surveyor

    client.post(reverse("imports:undo", args=[job.pk]))
    assert not Parcel.objects.filter(organisation=org).exists()


@pytest.mark.django_db
def test_other_organisations_jobs_are_404_and_residents_are_403(
    client, org, other_org, surveyor, resident, tmp_path
):
    from apps.organisations.tests.factories import UserFactory

    path = shapefile_zip(tmp_path, [lonlat_square(1)], parcel_rows(1))
    job = services.job_create_from_path(org=other_org, user=UserFactory(), path=path)
    client.force_login(surveyor)
    assert client.get(reverse("imports:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("imports:progress", args=[job.pk])).status_code == 404
    client.force_login(resident)
    assert client.get(reverse("imports:index")).status_code == 403


@pytest.mark.django_db
def test_worker_command_drains_the_queue(org, surveyor, tmp_path):
    from django.core.management import call_command

    path = shapefile_zip(tmp_path, [lonlat_square(1)], parcel_rows(1))
    job = services.job_create_from_path(org=org, user=surveyor, path=path)
    services.job_configure(job=job, source_srid=None, field_map={"parcel_code": "PCODE"})
    call_command("run_import_jobs", "--once")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED and job.feature_count == 1
