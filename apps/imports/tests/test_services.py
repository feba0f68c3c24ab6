from pathlib import Path

import pytest
import shapely
import shapely.affinity
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from shapely.geometry import Polygon

from apps.imports import services
from apps.imports.models import ImportIssue, ImportJob
from apps.registry.models import LandUse, Parcel
from apps.registry.services import parcel_update
from apps.registry.tests.factories import ParcelFactory, TaxMapBlockFactory, VillageFactory

from .files import (
    KNOWN_E,
    KNOWN_LAT,
    KNOWN_LON,
    KNOWN_N,
    THAI_OWNER,
    lonlat_square,
    parcel_rows,
    shapefile_zip,
    utm_square,
    write_layer,
)

BOWTIE = Polygon(
    [(103.16, 16.73), (103.1604, 16.7304), (103.1604, 16.73), (103.16, 16.7304), (103.16, 16.73)]
)
FIELD_MAP = {
    "parcel_code": "PCODE",
    "document_no": "DEED_NO",
    "owner_name": "OWNER",
    "deed_area": "AREA",
    "land_use": "USE",
}


def _import(org, user, path: Path, *, srid=None, field_map=None, make_valid=False, **configure):
    job = services.job_create_from_path(org=org, user=user, path=path)
    services.job_configure(
        job=job, source_srid=srid, field_map=field_map or FIELD_MAP, make_valid=make_valid, **configure
    )
    return services.job_run(job=job)


@pytest.mark.django_db
def test_indian_1975_shapefile_without_cpg_lands_on_the_known_point(org, surveyor, tmp_path):
    geoms = [utm_square(KNOWN_E, KNOWN_N), utm_square(KNOWN_E + 100, KNOWN_N)]
    path = shapefile_zip(tmp_path, geoms, parcel_rows(2), crs="EPSG:24048", encoding="cp874", keep_cpg=False)

    job = services.job_create_from_path(org=org, user=surveyor, path=path)
    assert job.source_srid == 24048  # from the .prj
    assert job.encoding == "cp874"  # no .cpg: guessed from the DBF bytes
    assert job.inspection["preview"][0]["OWNER"].startswith(THAI_OWNER)
    services.job_configure(job=job, source_srid=None, field_map=FIELD_MAP)
    job = services.job_run(job=job)
    assert job.status == ImportJob.Status.VALIDATED, job.message
    assert job.error_count == 0
    assert "+x=210.0 +y=814.0 +z=289.0" in job.transformation

    job = services.job_commit(job=job, by=surveyor)
    assert job.created_count == 2
    parcel = Parcel.objects.get(organisation=org, parcel_code="02B001")
    corner = Point(parcel.geom[0].exterior_ring[0], srid=4326).transform(32648, clone=True)
    expected = Point(KNOWN_LON, KNOWN_LAT, srid=4326).transform(32648, clone=True)
    assert corner.distance(expected) < 1.0  # metres
    # PROJ's default (EPSG:1812) would have put it ~189 m away: the datum shift really is the configured one.
    default = Point(103.173298, 16.740482, srid=4326).transform(32648, clone=True)
    assert 180 < corner.distance(default) < 200
    assert parcel.document_no == "5000"
    assert parcel.deed_area_sq_wa == 420.5
    assert parcel.geometry_source == Parcel.GeometrySource.IMPORT
    assert parcel.history.count() == 1 and parcel.history.first().history_user == surveyor
    assert LandUse.objects.get(parcel=parcel).use_code == 2


@pytest.mark.django_db
def test_validation_reports_each_problem_per_feature_and_writes_nothing(org, surveyor, tmp_path):
    ParcelFactory(
        organisation=org,
        parcel_code="02B009",
        geom=MultiPolygon(GEOSGeometry(lonlat_square(6).wkt), srid=4326),
    )
    sea = shapely.affinity.translate(lonlat_square(0), xoff=-3.0)  # the right numbers in the wrong place
    geoms = [lonlat_square(1), lonlat_square(2), BOWTIE, sea, lonlat_square(5), lonlat_square(6)]
    rows = parcel_rows(6)
    rows["PCODE"] = ["02B001", "02B001", "02B003", "02B004", "BAD", "02B009"]
    rows["AREA"][4] = "7-9-999"
    path = write_layer(tmp_path / "p.geojson", geoms, rows, driver="GeoJSON")
    before = Parcel.objects.count()

    job = _import(org, surveyor, path)

    assert job.status == ImportJob.Status.VALIDATED
    codes = {(i.feature_no, i.code) for i in ImportIssue.objects.filter(job=job)}
    assert {
        (1, "duplicate_in_file"),
        (2, "duplicate_in_file"),
        (3, "invalid_geometry"),
        (4, "outside_organisation"),
        (5, "bad_parcel_code"),
        (5, "bad_deed_area"),
        (6, "duplicate_in_registry"),
        (6, "overlaps_existing"),
    } <= codes
    assert job.error_count == 6
    with pytest.raises(services.ImportRefused):
        services.job_commit(job=job, by=surveyor)
    assert Parcel.objects.count() == before


@pytest.mark.django_db
def test_make_valid_repairs_a_bowtie_and_skip_invalid_commits_the_rest(org, surveyor, tmp_path):
    rows = parcel_rows(3)
    rows["PCODE"][2] = "nonsense"
    path = write_layer(tmp_path / "p.gpkg", [lonlat_square(1), BOWTIE, lonlat_square(3)], rows, driver="GPKG")
    job = _import(org, surveyor, path, make_valid=True)
    assert job.error_count == 1
    assert ImportIssue.objects.filter(job=job, feature_no=2, code="repaired_geometry").exists()
    services.job_request_commit(job=job, skip_invalid=True)
    job = services.job_run(job=ImportJob.objects.get(pk=job.pk))
    assert job.status == ImportJob.Status.COMMITTED, job.message
    assert job.created_count == 2
    assert Parcel.objects.get(organisation=org, parcel_code="02B002").geom.valid


@pytest.mark.django_db
def test_undo_removes_exactly_the_imported_parcels_unless_edited(org, surveyor, tmp_path):
    keep = ParcelFactory(organisation=org)
    path = write_layer(
        tmp_path / "p.geojson", [lonlat_square(1), lonlat_square(2)], parcel_rows(2), driver="GeoJSON"
    )
    job = services.job_commit(job=_import(org, surveyor, path), by=surveyor)
    edited = Parcel.objects.get(organisation=org, parcel_code="02B001")
    parcel_update(org=org, parcel_id=edited.pk, road="ถนนใหม่")
    with pytest.raises(services.ImportRefused):
        services.job_undo(job=job, by=surveyor)
    assert Parcel.objects.filter(organisation=org).count() == 3

    path2 = write_layer(tmp_path / "q.geojson", [lonlat_square(3)], parcel_rows(1, start=3), driver="GeoJSON")
    job2 = services.job_commit(job=_import(org, surveyor, path2), by=surveyor)
    undone = services.job_undo(job=job2, by=surveyor)
    assert undone.status == ImportJob.Status.UNDONE
    assert set(Parcel.objects.filter(organisation=org).values_list("parcel_code", flat=True)) == {
        keep.parcel_code,
        "02B001",
        "02B002",
    }
    history = Parcel.history.filter(parcel_code="02B003").order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"]


@pytest.mark.django_db
def test_commit_refuses_when_the_staged_rows_are_not_the_checked_ones(org, surveyor, tmp_path):
    path = write_layer(
        tmp_path / "two.gpkg", [lonlat_square(0), lonlat_square(1)], parcel_rows(2), driver="GPKG"
    )
    job = _import(org, surveyor, path)
    assert job.status == ImportJob.Status.VALIDATED, job.message
    job.staged.filter(feature_no=2).delete()  # as if staging had been lost or half cleaned up

    with pytest.raises(services.ImportRefused):
        services.job_commit(job=job, by=surveyor)
    assert not Parcel.objects.filter(organisation=org).exists()  # nothing half-written
    assert not Parcel.history.filter(organisation_id=org.pk).exists()


@pytest.mark.django_db
def test_parcels_get_the_registry_block_of_their_code_and_the_village_of_their_moo(org, surveyor, tmp_path):
    block = TaxMapBlockFactory(organisation=org, zone__zone_no=2, block_letter="B")
    village = VillageFactory(organisation=org, moo_no=4)
    rows = parcel_rows(2)  # 02B001, 02B002
    rows["PCODE"][1] = "03C001"  # a block the registry does not have
    rows["MOO"] = ["4", "9"]  # Moo 9 is not a village of the registry
    path = write_layer(tmp_path / "blocks.gpkg", [lonlat_square(0), lonlat_square(1)], rows, driver="GPKG")
    job = _import(org, surveyor, path, field_map={**FIELD_MAP, "village_no": "MOO"})
    assert job.status == ImportJob.Status.VALIDATED, job.message

    services.job_commit(job=job, by=surveyor)

    first, second = Parcel.objects.filter(organisation=org).order_by("parcel_code")
    assert (first.block, first.village) == (block, village)
    assert (second.block, second.village) == (None, None)
