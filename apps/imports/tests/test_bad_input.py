"""Each kind of bad file gets a clear message, the registry is unchanged, and nothing crashes."""

import os
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from shapely.geometry import LineString, Point

from apps.imports import services
from apps.imports.models import ImportIssue, ImportJob
from apps.imports.readers import ImportRejected
from apps.registry.models import Parcel

from .files import lonlat_square, parcel_rows, shapefile_zip, write_layer

FIELD_MAP = {"parcel_code": "PCODE"}


def _rejected(org, user, path) -> ImportRejected:
    before = (Parcel.objects.count(), ImportJob.objects.count())
    with pytest.raises(ImportRejected) as caught:
        services.job_create_from_path(org=org, user=user, path=path)
    assert (Parcel.objects.count(), ImportJob.objects.count()) == before
    return caught.value


@pytest.mark.django_db
def test_random_bytes(org, surveyor, tmp_path):
    path = tmp_path / "parcels.gpkg"
    path.write_bytes(os.urandom(64 * 1024))
    assert _rejected(org, surveyor, path).code == "unreadable"


@pytest.mark.django_db
def test_zip_without_shp(org, surveyor, tmp_path):
    shp = shapefile_zip(tmp_path, [lonlat_square(1)], parcel_rows(1))
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(shp) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            if not name.endswith(".shp"):
                dst.writestr(name, src.read(name))
    error = _rejected(org, surveyor, broken)
    assert error.code == "zip_without_shp" and ".shp" in error.message


@pytest.mark.django_db
def test_shp_without_dbf(org, surveyor, tmp_path):
    shp = shapefile_zip(tmp_path, [lonlat_square(1)], parcel_rows(1))
    broken = tmp_path / "nodbf.zip"
    with zipfile.ZipFile(shp) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            if not name.endswith(".dbf"):
                dst.writestr(name, src.read(name))
    error = _rejected(org, surveyor, broken)
    assert error.code == "shapefile_incomplete" and ".dbf" in error.message


@pytest.mark.django_db
def test_zip_bomb_is_refused_from_its_directory(org, surveyor, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("parcels.shp", b"\0" * (50 * 1024 * 1024))  # 50 MB of zeros → ~50 KB
    assert bomb.stat().st_size < 1024 * 1024
    assert _rejected(org, surveyor, bomb).code == "zip_bomb"
    assert not any((tmp_path / "media").rglob("parcels.shp"))  # never extracted


@pytest.mark.django_db
def test_two_gigabyte_file_is_refused_before_reading(org, surveyor, tmp_path):
    huge = tmp_path / "huge.gpkg"
    with huge.open("wb") as fh:
        fh.truncate(2 * 1024**3)  # a real 2 GB file (sparse: no disk used)
    error = _rejected(org, surveyor, huge)
    assert error.code == "too_large" and "MB" in error.message


@pytest.mark.django_db
def test_mixed_geometry_types_are_reported_per_feature(org, surveyor, tmp_path):
    geoms = [lonlat_square(1), Point(103.16, 16.73), LineString([(103.16, 16.73), (103.17, 16.74)])]
    path = write_layer(tmp_path / "mixed.geojson", geoms, parcel_rows(3), driver="GeoJSON")
    job = services.job_create_from_path(org=org, user=surveyor, path=path)
    services.job_configure(job=job, source_srid=None, field_map=FIELD_MAP)
    job = services.job_run(job=job)
    assert job.error_count == 2
    assert set(
        ImportIssue.objects.filter(job=job, code="not_polygon").values_list("feature_no", flat=True)
    ) == {2, 3}


@pytest.mark.django_db
def test_wrong_crs_lands_in_the_sea_with_a_hint(org, surveyor, tmp_path):
    # UTM 48N metres of Sai Thong declared as UTM 47N: they land ~650 km west, in the Andaman Sea.
    from .files import KNOWN_E, KNOWN_N, utm_square

    path = shapefile_zip(tmp_path, [utm_square(KNOWN_E, KNOWN_N)], parcel_rows(1), crs="EPSG:32647")
    job = services.job_create_from_path(org=org, user=surveyor, path=path)
    services.job_configure(job=job, source_srid=None, field_map=FIELD_MAP)
    job = services.job_run(job=job)
    assert job.error_count == 1
    assert "coordinate system" in job.message and "EPSG:32647" in job.message
    with pytest.raises(services.ImportRefused):
        services.job_commit(job=job, by=surveyor)
    assert not Parcel.objects.exists()


@pytest.mark.django_db
def test_csv_with_broken_quoting(org, surveyor, tmp_path):
    path = tmp_path / "parcels.csv"
    path.write_text(
        'PCODE,WKT\n02B001,"POLYGON((103.16 16.73,103.161 16.73,103.161 16.731,103.16 16.73))"\n'
        '02B002,"POLYGON((1 1, 2 2)"oops",x\n',
        encoding="utf-8",
    )
    error = _rejected(org, surveyor, path)
    assert error.code in ("csv_bad_quoting", "csv_bad_row")
    assert "line" in error.message


@pytest.mark.django_db
def test_unreadable_file_through_the_page_gives_a_message_not_a_500(client, org, surveyor, tmp_path):
    client.force_login(surveyor)
    path = tmp_path / "junk.zip"
    path.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    with path.open("rb") as fh:
        response = client.post(reverse("imports:index"), {"file": fh})
    assert response.status_code == 400
    assert "zip" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_oversized_upload_is_refused_from_content_length(client, org, surveyor, settings, tmp_path):
    settings.GIS_PORTAL_IMPORT_MAX_UPLOAD_BYTES = 1000
    client.force_login(surveyor)
    path = tmp_path / "big.geojson"
    path.write_bytes(b" " * 5000)
    with path.open("rb") as fh:
        response = client.post(reverse("imports:index"), {"file": fh})
    assert response.status_code == 400
    assert "largest file" in response.content.decode()


@pytest.mark.django_db
def test_command_without_crs_asks_for_srid(org, surveyor, tmp_path):
    path = write_layer(
        tmp_path / "p.csv",
        [lonlat_square(1)],
        parcel_rows(1),
        driver="CSV",
        layer_options={"GEOMETRY": "AS_WKT"},
        crs=None,
    )
    with pytest.raises(CommandError, match="--srid"):
        call_command("import_layer", "parcels", str(path), "--user", surveyor.username)
    call_command("import_layer", "parcels", str(path), "--srid", "4326", "--user", surveyor.username)
    assert Parcel.objects.filter(organisation=org, parcel_code="02B001").exists()


@pytest.mark.django_db
def test_messages_speak_thai(org, surveyor, tmp_path):
    from django.utils import translation

    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with translation.override("th"), pytest.raises(ImportRejected) as caught:
        services.job_create_from_path(org=org, user=surveyor, path=path)
    message = caught.value.message
    # Thai once locale/ has the string; never a crash, and always naming the offending extension.
    assert ".txt" in message
