"""KMZ input and the GeoPackage layer picker: claimed on the upload page, checked here with real files."""

import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.imports import services
from apps.imports.models import ImportJob
from apps.registry.models import Parcel

from .files import lonlat_square, parcel_rows, write_layer


def _two_layer_gpkg(tmp_path):
    """A GeoPackage whose first layer is not the parcels, with other column names than the parcels."""
    path = tmp_path / "survey.gpkg"
    write_layer(path, [lonlat_square(20)], {"NOTE": ["a well"]}, driver="GPKG", layer="a_wells")
    rows = parcel_rows(2)
    write_layer(
        path,
        [lonlat_square(21), lonlat_square(22)],
        {"LOT_CODE": rows["PCODE"], "DEED": rows["DEED_NO"]},
        driver="GPKG",
        layer="b_parcels",
        append=False,
    )
    return path


@pytest.mark.django_db
def test_kmz_is_unzipped_and_imported(org, surveyor, tmp_path):
    kml = write_layer(
        tmp_path / "doc.kml", [lonlat_square(10), lonlat_square(11)], parcel_rows(2), driver="KML"
    )
    kmz = tmp_path / "field-survey.kmz"
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(kml, "doc.kml")

    job = services.job_create_from_path(org=org, user=surveyor, path=kmz)
    assert job.file_format == "KML"
    assert job.source_srid == 4326
    assert job.field_map["parcel_code"] == "PCODE"  # guessed from the KML's extended data
    services.job_configure(job=job, source_srid=None, field_map=job.field_map)
    job = services.job_commit(job=services.job_run(job=job), by=surveyor)
    assert job.status == ImportJob.Status.COMMITTED, job.message
    assert set(Parcel.objects.filter(organisation=org).values_list("parcel_code", flat=True)) == {
        "02B001",
        "02B002",
    }


@pytest.mark.django_db
def test_geopackage_page_lists_both_layers_and_imports_the_chosen_one(client, org, surveyor, tmp_path):
    path = _two_layer_gpkg(tmp_path)
    client.force_login(surveyor)
    with path.open("rb") as fh:
        assert client.post(reverse("imports:index"), {"file": fh}).status_code == 302
    job = ImportJob.objects.get(organisation=org)
    assert job.inspection["layers"] == ["a_wells", "b_parcels"]

    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert '<option value="a_wells"' in page and '<option value="b_parcels"' in page
    # Choosing the other layer previews it and offers its columns for the mapping.
    page = client.get(reverse("imports:detail", args=[job.pk]), {"layer": "b_parcels"}).content.decode()
    assert '<option value="LOT_CODE"' in page

    form = {"layer": "b_parcels", "source_srid": 4326, "encoding": "", "map_parcel_code": "LOT_CODE"}
    response = client.post(reverse("imports:configure", args=[job.pk]), form)
    assert response.status_code == 302
    services.job_run_next()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED, job.message
    assert job.source_layer == "b_parcels" and job.feature_count == 2
    client.post(reverse("imports:commit", args=[job.pk]), {})
    services.job_run_next()
    assert Parcel.objects.filter(organisation=org).count() == 2


@pytest.mark.django_db
def test_import_command_takes_the_layer(org, surveyor, tmp_path):
    path = _two_layer_gpkg(tmp_path)
    call_command(
        "import_layer",
        "parcels",
        str(path),
        "--layer",
        "b_parcels",
        "--map",
        "parcel_code=LOT_CODE",
        "--user",
        surveyor.username,
    )
    job = ImportJob.objects.get(organisation=org)
    assert job.source_layer == "b_parcels" and job.created_count == 2
    assert Parcel.objects.filter(organisation=org, parcel_code="02B002").exists()
