"""Excel workbooks import like the CSV a clerk would save from them; bad workbooks get a clear message."""

import datetime as dt
import os
import zipfile
from pathlib import Path

import pytest
import shapely
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pyproj import Transformer
from shapely.geometry import Polygon

from apps.imports import crs, readers, services
from apps.imports.models import ImportIssue, ImportJob
from apps.imports.readers import ImportRejected
from apps.imports.spreadsheets import OLE2_MAGIC, cell_text
from apps.registry.models import Parcel

from .files import THAI_OWNER, lonlat_square, write_csv, write_xlsx, zip_files

TO_UTM47 = Transformer.from_crs(4326, 32647, always_xy=True)
THAI_HEADER = ["รหัสแปลง", "ชื่อเจ้าของ", "เลขที่ดิน", "เลขโฉนด", "easting", "northing"]
THAI_MAP = {"parcel_code": "รหัสแปลง", "owner_name": "ชื่อเจ้าของ", "land_no": "เลขที่ดิน", "document_no": "เลขโฉนด"}


def _utm47(lon: float, lat: float) -> tuple[float, float]:
    e, n = TO_UTM47.transform(lon, lat)
    return round(e, 2), round(n, 2)  # what a surveyor's sheet holds: centimetres


def _utm47_wkt(square: Polygon) -> str:
    return Polygon([_utm47(x, y) for x, y in square.exterior.coords]).wkt


def _lonlat_rows(count: int, *, start: int = 1) -> list[list]:
    rows = [["PCODE", "DEED_NO", "WKT"]]
    for i in range(start, start + count):
        rows.append([f"02B{i:03d}", 5000 + i, lonlat_square(i).wkt])
    return rows


def _rejected(org, user, path: Path) -> ImportRejected:
    before = (Parcel.objects.count(), ImportJob.objects.count())
    with pytest.raises(ImportRejected) as caught:
        services.job_create_from_path(org=org, user=user, path=path)
    assert (Parcel.objects.count(), ImportJob.objects.count()) == before
    # Nothing left behind either: not the upload, not a half-written CSV of a sheet.
    assert not [p for p in (services.imports_root()).rglob("*") if p.is_file()]
    return caught.value


def _import(org, user, path: Path, *, srid: int, field_map: dict, **configure) -> ImportJob:
    job = services.job_create_from_path(org=org, user=user, path=path)
    services.job_configure(job=job, source_srid=srid, field_map=field_map, **configure)
    return services.job_run(job=job)


# ------------------------------------------------------------------------------------------- cells
@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("02B001", "02B001"),
        ("0012", "0012"),  # a text cell keeps its leading zeros
        (1001, "1001"),
        (1001.0, "1001"),  # a whole number never becomes "1001.0"
        (3100600123458, "3100600123458"),  # a 13-digit ID number typed as a number
        (305862.83, "305862.83"),
        (0.1 + 0.2, "0.3"),  # Excel's 15 digits, not the binary noise
        (1e20, "100000000000000000000"),
        (True, "TRUE"),
        # Excel's dates have no time zone, and openpyxl gives a date cell as a naive datetime at midnight.
        (dt.datetime(2024, 1, 5), "2024-01-05"),  # noqa: DTZ001
        (dt.datetime(2024, 1, 5, 10, 30), "2024-01-05T10:30:00"),  # noqa: DTZ001
        (dt.date(2024, 1, 5), "2024-01-05"),
        (dt.time(8, 15), "08:15:00"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


# ------------------------------------------------------------------------------------------- imports
@pytest.mark.django_db
def test_thai_sheet_in_utm47_reads_exactly_as_the_same_csv(org, surveyor, tmp_path):
    rows = [THAI_HEADER]
    for i in (1, 2):
        e, n = _utm47(*lonlat_square(i).exterior.coords[0])
        rows.append([f"02B{i:03d}", f"{THAI_OWNER} {i}", f"00{i}2", 1000 + i, e, n])
    xlsx = write_xlsx(tmp_path / "แปลง.xlsx", {"แปลงที่ดิน": rows})
    csv = write_csv(tmp_path / "แปลง.csv", rows)

    jobs = [_import(org, surveyor, path, srid=32647, field_map=THAI_MAP) for path in (xlsx, csv)]
    from_xlsx, from_csv = jobs
    assert from_xlsx.file_format == "XLSX" and from_xlsx.source_layer == "แปลงที่ดิน"
    assert from_xlsx.inspection["fields"] == from_csv.inspection["fields"] == THAI_HEADER[:4]
    assert from_xlsx.inspection["preview"] == from_csv.inspection["preview"]
    assert from_xlsx.inspection["preview"][0]["เลขที่ดิน"] == "0012"
    assert from_xlsx.inspection["preview"][0]["เลขโฉนด"] == "1001"
    assert from_xlsx.inspection["preview"][1]["ชื่อเจ้าของ"] == f"{THAI_OWNER} 2"

    # Easting/northing make points, the same points from both files, where the UTM 47N numbers say...
    to_storage = crs.to_storage(32647).transformer
    points = []
    for job in jobs:
        dataset = Path(settings.MEDIA_ROOT) / job.inspection["dataset"]
        [(_start, geoms, _columns)] = readers.read_batches(readers.open_source(dataset, job.file_format))
        points.append([tuple(g.coords[0]) for g in geoms])
    assert points[0] == points[1]
    lon, lat = to_storage.transform(*points[0][0])
    assert (lon, lat) == pytest.approx(lonlat_square(1).exterior.coords[0], abs=1e-6)
    # ... and a parcel must be a polygon, which both reports say the same way.
    issues = [list(ImportIssue.objects.filter(job=job).values_list("feature_no", "code")) for job in jobs]
    assert issues[0] == issues[1]
    assert [no for no, code in issues[0] if code == "not_polygon"] == [1, 2]
    assert (None, "owner_id_not_mapped") in issues[0]  # names, but no ID column: one warning for the file


@pytest.mark.django_db
def test_thai_sheet_of_utm47_boundaries_lands_where_the_csv_lands(org, surveyor, tmp_path):
    rows = [["รหัสแปลง", "ชื่อเจ้าของ", "เลขที่ดิน", "เลขโฉนด", "wkt"]]
    for i in (1, 2, 3):
        rows.append([f"02B{i:03d}", f"{THAI_OWNER} {i}", f"00{i}", 1000 + i, _utm47_wkt(lonlat_square(i))])
    landed = {}
    for path in (
        write_csv(tmp_path / "p.csv", rows),
        write_xlsx(tmp_path / "p.xlsx", {"ทะเบียน": rows}),
    ):
        job = _import(org, surveyor, path, srid=32647, field_map=THAI_MAP)
        assert job.status == ImportJob.Status.VALIDATED and job.error_count == 0, job.message
        job = services.job_commit(job=job, by=surveyor)
        assert job.created_count == 3
        landed[path.suffix] = {
            p.parcel_code: (p.geom.wkb.hex(), p.land_no, p.document_no)
            for p in Parcel.objects.filter(organisation=org)
        }
        services.job_undo(job=job, by=surveyor)  # so the second file's codes are new again
    assert landed[".xlsx"] == landed[".csv"]
    assert landed[".xlsx"]["02B001"][1:] == ("001", "1001")  # text keeps its zeros; 1001 is no "1001.0"
    parcel_geom = shapely.from_wkb(bytes.fromhex(landed[".xlsx"]["02B002"][0]))
    assert shapely.hausdorff_distance(parcel_geom, lonlat_square(2)) < 2e-7  # ~2 cm: the sheet's centimetres


@pytest.mark.django_db
def test_a_sheet_picked_out_of_two(org, surveyor, tmp_path):
    path = write_xlsx(
        tmp_path / "two.xlsx",
        {"หมู่ 1": _lonlat_rows(2, start=1), "หมู่ 2": _lonlat_rows(3, start=11)},
    )
    job = services.job_create_from_path(org=org, user=surveyor, path=path)
    assert job.inspection["layers"] == ["หมู่ 1", "หมู่ 2"]
    assert job.source_layer == "หมู่ 1" and job.inspection["feature_count"] == 2  # the first sheet by default
    assert services.job_preview(job=job, layer="หมู่ 2")["preview"][0]["PCODE"] == "02B011"

    services.job_configure(job=job, source_srid=4326, field_map={"parcel_code": "PCODE"}, layer="หมู่ 2")
    job = services.job_commit(job=services.job_run(job=job), by=surveyor)
    assert job.source_layer == "หมู่ 2" and job.created_count == 3
    assert set(Parcel.objects.filter(organisation=org).values_list("parcel_code", flat=True)) == {
        "02B011",
        "02B012",
        "02B013",
    }
    with pytest.raises(ImportRejected):
        services.job_preview(job=job, layer="หมู่ 3")


@pytest.mark.django_db
def test_notes_sheet_title_rows_and_blank_rows_do_not_stop_the_import(org, surveyor, tmp_path):
    title = ["บัญชีแปลงที่ดิน ต.ทรายทอง ปี 2568", None, None, "หน้า 1"]
    header, *rows = _lonlat_rows(2)
    # A title and a blank row above the header, a blank row between parcels, a column without a name, and a
    # note right of the last named column (it has no name to map to: left out).
    parcels = [
        title,
        [None],
        [*header, None, "หมายเหตุ"],
        [*rows[0], "x", "ดี", "โน้ตนอกตาราง"],
        [None, None],
        rows[1],
    ]
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {"คำอธิบาย": [["แปลงที่ดิน ต.ทรายทอง ปี 2568"]], "ว่าง": [], "แปลง": parcels},
    )
    job = services.job_create_from_path(org=org, user=surveyor, path=path)
    # The empty sheet is not offered; the notes sheet is, but the sheet with coordinates is the default.
    assert job.inspection["layers"] == ["คำอธิบาย", "แปลง"]
    assert job.source_layer == "แปลง" and job.inspection["feature_count"] == 2
    assert job.inspection["fields"] == ["PCODE", "DEED_NO", "field_4", "หมายเหตุ"]
    assert [row["PCODE"] for row in job.inspection["preview"]] == ["02B001", "02B002"]
    assert job.inspection["preview"][0]["หมายเหตุ"] == "ดี" and job.inspection["preview"][1]["หมายเหตุ"] == ""
    with pytest.raises(ImportRejected) as caught:
        services.job_preview(job=job, layer="คำอธิบาย")
    assert caught.value.code == "csv_no_geometry"


@pytest.mark.django_db
def test_xlsx_inside_a_zip(org, surveyor, tmp_path):
    book = write_xlsx(tmp_path / "parcels.xlsx", {"Sheet1": _lonlat_rows(2)})
    job = services.job_create_from_path(org=org, user=surveyor, path=zip_files(tmp_path / "p.zip", [book]))
    assert job.file_format == "XLSX" and job.inspection["feature_count"] == 2


@pytest.mark.django_db
def test_command_imports_a_chosen_sheet(org, surveyor, tmp_path):
    path = write_xlsx(
        tmp_path / "p.xlsx", {"เก่า": _lonlat_rows(1, start=21), "ใหม่": _lonlat_rows(2, start=31)}
    )
    with pytest.raises(CommandError, match="--srid"):
        call_command("import_layer", "parcels", str(path), "--user", surveyor.username)
    call_command(
        "import_layer", "parcels", str(path), "--srid", "4326", "--layer", "ใหม่", "--user", surveyor.username
    )
    assert set(Parcel.objects.filter(organisation=org).values_list("parcel_code", "document_no")) == {
        ("02B031", "5031"),
        ("02B032", "5032"),
    }


@pytest.mark.django_db
def test_upload_page_reads_a_workbook(client, org, surveyor, tmp_path):
    client.force_login(surveyor)
    assert "xlsx" in client.get(reverse("imports:index")).content.decode()
    path = write_xlsx(tmp_path / "p.xlsx", {"แปลง 1": _lonlat_rows(1), "แปลง 2": _lonlat_rows(2, start=41)})
    with path.open("rb") as fh:
        assert client.post(reverse("imports:index"), {"file": fh}).status_code == 302
    job = ImportJob.objects.get(organisation=org)
    page = client.get(reverse("imports:detail", args=[job.pk]), {"layer": "แปลง 2"}).content.decode()
    assert "02B041" in page and 'value="แปลง 2" selected' in page
    form = {"layer": "แปลง 2", "source_srid": 4326, "encoding": "", "map_parcel_code": "PCODE"}
    assert client.post(reverse("imports:configure", args=[job.pk]), form).status_code == 302
    services.job_run_next()
    client.post(reverse("imports:commit", args=[job.pk]), {})
    services.job_run_next()
    assert Parcel.objects.filter(organisation=org).count() == 2


# ------------------------------------------------------------------------------------------- bad input
@pytest.mark.django_db
def test_random_bytes_named_xlsx(org, surveyor, tmp_path):
    path = tmp_path / "parcels.xlsx"
    path.write_bytes(os.urandom(64 * 1024))
    error = _rejected(org, surveyor, path)
    assert error.code == "xlsx_damaged" and ".xlsx" in error.message


@pytest.mark.django_db
def test_a_zip_that_is_no_workbook_named_xlsx(org, surveyor, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a workbook")
    path = zip_files(tmp_path / "parcels.xlsx", [notes])
    assert _rejected(org, surveyor, path).code == "xlsx_damaged"


@pytest.mark.django_db
def test_truncated_workbook(org, surveyor, tmp_path):
    whole = write_xlsx(tmp_path / "whole.xlsx", {"Sheet1": _lonlat_rows(50)}).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert _rejected(org, surveyor, path).code == "xlsx_damaged"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["parcels.xls", "locked.xlsx"])
def test_old_binary_excel_or_password_protected(org, surveyor, tmp_path, name):
    # Both are OLE2 compound files: an .xls, or an .xlsx that Excel encrypted.
    path = tmp_path / name
    path.write_bytes(OLE2_MAGIC + os.urandom(8 * 1024))
    error = _rejected(org, surveyor, path)
    assert error.code == "xls_old_excel"
    assert ".xlsx" in error.message and "CSV" in error.message and name in error.message


@pytest.mark.django_db
def test_xls_inside_a_zip(org, surveyor, tmp_path):
    xls = tmp_path / "parcels.xls"
    xls.write_bytes(OLE2_MAGIC + os.urandom(1024))
    assert _rejected(org, surveyor, zip_files(tmp_path / "p.zip", [xls])).code == "xls_old_excel"


@pytest.mark.django_db
def test_workbook_without_a_usable_sheet(org, surveyor, tmp_path):
    path = write_xlsx(tmp_path / "empty.xlsx", {"Sheet1": [], "Sheet2": [[None, "  "], [None]]})
    error = _rejected(org, surveyor, path)
    assert error.code == "xlsx_no_sheet" and "sheet" in error.message


@pytest.mark.django_db
def test_sheet_without_coordinates_says_what_the_csv_path_says(org, surveyor, tmp_path):
    rows = [["PCODE", "OWNER"], ["02B001", THAI_OWNER]]
    from_xlsx = _rejected(org, surveyor, write_xlsx(tmp_path / "p.xlsx", {"Sheet1": rows}))
    from_csv = _rejected(org, surveyor, write_csv(tmp_path / "p.csv", rows))
    assert (
        (from_xlsx.code, from_xlsx.message)
        == (from_csv.code, from_csv.message)
        == (
            "csv_no_geometry",
            from_csv.message,
        )
    )
    assert "WKT" in from_xlsx.message


@pytest.mark.django_db
def test_zip_bomb_named_xlsx(org, surveyor, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (8 * 1024 * 1024))  # 48 MB → ~50 KB
    assert _rejected(org, surveyor, path).code == "zip_bomb"


@pytest.mark.django_db
def test_damaged_workbook_through_the_page_speaks_thai(client, org, surveyor, tmp_path):
    client.force_login(surveyor)
    path = tmp_path / "parcels.xls"
    path.write_bytes(OLE2_MAGIC + os.urandom(1024))
    with path.open("rb") as fh:
        response = client.post(reverse("imports:index"), {"file": fh}, HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 400
    assert not ImportJob.objects.exists()
    with translation.override("th"):
        expected = readers.spreadsheets.old_excel("parcels.xls").message
    assert "Excel" in expected and "ไฟล์" in expected  # the Thai catalogue has it
    assert escape(expected) in response.content.decode()
