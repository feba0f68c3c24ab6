"""A surveyor's import in headless Chromium: upload a real file, read the Thai preview, check it in the
background (the page polls and reloads itself), read the report, commit without the bad features, undo."""

import os
import re

import pytest

from apps.imports.models import ImportJob
from apps.imports.tests.files import THAI_OWNER, lonlat_square, parcel_rows, shapefile_zip, write_xlsx
from apps.registry.models import Owner, Parcel

from .conftest import LAPTOP, PHONE, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The check and the commit run in a thread of the live server; the page polls every 1.5 s, then reloads.
JOB_TIMEOUT_MS = 20_000
REPORT = "h2:has-text('3. รายงานผลการตรวจสอบ')"
UNDO_FORM = "form[action$='/undo/']"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Uploads land in this test's folder; jobs run in a thread of the live server, as in production.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.GIS_PORTAL_IMPORT_RUN_IN_THREAD = True


def _upload(page, live_server, path) -> None:
    page.goto(f"{live_server.url}/imports/")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="อัปโหลดและตรวจดู").click()
    page.wait_for_load_state("domcontentloaded")


def _press_and_wait(page, button, done: str) -> None:
    """Press a button that starts a job, then wait as a user does: the page polls and reloads itself on the
    result, where ``done`` (a selector) shows up, or the job's own error does."""
    with page.expect_navigation():
        button.click()
    page.wait_for_selector(f"{done}, p.error[role=alert]", timeout=JOB_TIMEOUT_MS)
    failed = page.locator("p.error[role=alert]")
    assert not failed.count(), failed.inner_text()


def _job_id(page) -> int:
    return int(re.search(r"/imports/(\d+)/$", page.url).group(1))


@pytest.fixture
def thai_shapefile(tmp_path):
    """Six parcels in a cp874 DBF with no .cpg: four good, one broken code, one code given twice."""
    rows = parcel_rows(6)
    rows["PCODE"][4] = "ABC"  # not zone-block-lot
    rows["PCODE"][5] = "02B002"  # the second feature's code again
    geoms = [lonlat_square(n) for n in range(1, 7)]
    return shapefile_zip(tmp_path, geoms, rows, encoding="cp874", keep_cpg=False, name="แปลงทรายทอง")


def test_surveyor_checks_commits_and_undoes_a_thai_shapefile(
    new_page, live_server, org, surveyor, thai_shapefile, foreign_requests
):
    page = new_page(LAPTOP)
    login(page, live_server, surveyor.username)
    _upload(page, live_server, thai_shapefile)
    assert re.search(r"/imports/\d+/$", page.url), page.url
    job_url = page.url

    # 1. The preview: the DBF's TIS-620 bytes read as Thai, the .prj's CRS and a first guess of the columns.
    preview = page.locator("table.preview")
    header = preview.locator("thead th").all_inner_texts()
    first_row = dict(
        zip(header, preview.locator("tbody tr").first.locator("td").all_inner_texts(), strict=True)
    )
    # Each value under its own column (the stored preview's keys come back from jsonb in another order).
    assert first_row == {
        "PCODE": "02B001",
        "DEED_NO": "5000",
        "OWNER": f"{THAI_OWNER} 0",
        "AREA": "1-0-20.5",
        "USE": "2",
    }
    main_text = page.locator("main").inner_text()
    assert "cp874" in main_text
    # Where the encoding came from, and the coordinate operation, in words: no internal codes on a Thai page.
    assert "(ตรวจพบจาก: guess)" not in main_text and "no transformation" not in main_text
    assert "EPSG:4326" in page.locator("dl.facts").inner_text()
    assert page.locator("#id_source_srid").input_value() == "4326"
    guessed = {
        key: page.locator(f"#id_map_{key}").input_value()
        for key in ("parcel_code", "document_no", "owner_name", "land_use", "owner_id")
    }
    assert guessed == {
        "parcel_code": "PCODE",
        "document_no": "DEED_NO",
        "owner_name": "OWNER",
        "land_use": "USE",
        "owner_id": "",
    }
    page.locator("#id_map_deed_area").select_option("AREA")  # not guessed: the surveyor picks it
    _press_and_wait(page, page.get_by_role("button", name="ตรวจสอบไฟล์"), REPORT)

    # 2. The report: the counts, one whole-file warning (names without an ID column), the error features.
    section = page.locator("section", has=page.get_by_role("heading", name="3. รายงานผลการตรวจสอบ"))
    counts = section.locator("p").first.inner_text()
    assert "ตรวจสอบแล้ว 6 รายการ: มีข้อผิดพลาด 3 รายการ" in counts, counts
    rows = [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("table.issues tbody tr").all()
    ]
    whole_file = [row for row in rows if row[0] == "ทั้งไฟล์"]
    assert len(whole_file) == 1, rows
    assert whole_file[0][1] == "คำเตือน"
    assert "เลขประจำตัว" in whole_file[0][2]
    assert rows[0] == whole_file[0]  # file-level issues come first
    errors = {int(row[0]): row[2] for row in rows if row[1] == "ข้อผิดพลาด"}
    assert set(errors) == {2, 5, 6}, rows
    assert "'ABC'" in errors[5]
    assert "มากกว่าหนึ่งครั้ง" in errors[2] and "มากกว่าหนึ่งครั้ง" in errors[6]
    page.wait_for_selector(".minimap[data-ready] .leaflet-interactive", state="attached")
    screenshot(page, "import-report-laptop")

    phone = new_page(PHONE)
    login(phone, live_server, surveyor.username)
    phone.goto(job_url)
    phone.wait_for_selector(".minimap[data-ready] .leaflet-interactive", state="attached")
    assert phone.locator("table.issues tbody tr").count() == len(rows)
    screenshot(phone, "import-report-phone")
    # The report and its map fit a phone's width. (The whole page does not: the coordinate system <select>
    # above it is as wide as its longest option.)
    for part in ("table.issues", ".minimap"):
        assert phone.locator(part).evaluate("e => e.getBoundingClientRect().right <= window.innerWidth"), part

    # 3. Commit without the three bad features; the page reloads on the result.
    page.get_by_label("ข้ามรายการที่มีข้อผิดพลาด").check()
    _press_and_wait(page, page.get_by_role("button", name=re.compile("^ยืนยัน")), UNDO_FORM)
    assert "การนำเข้านี้สร้างแปลงที่ดิน 3 แปลง" in page.locator("main").inner_text()
    written = set(Parcel.objects.filter(organisation=org).values_list("parcel_code", "document_no"))
    assert written == {("02B001", "5000"), ("02B003", "5002"), ("02B004", "5003")}
    assert not Owner.objects.filter(organisation=org).exists()  # names without an ID number are not owners
    screenshot(page, "import-committed-laptop")

    # 4. Undo from the page: the parcels are gone.
    page.get_by_role("button", name=re.compile("^ยกเลิกการนำเข้านี้")).click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("#job-status").inner_text() == ImportJob.Status.UNDONE.label
    assert not Parcel.objects.filter(organisation=org).exists()
    assert ImportJob.objects.get(pk=_job_id(page)).status == ImportJob.Status.UNDONE
    assert foreign_requests == []


def test_random_bytes_named_gpkg_get_a_thai_error_on_a_phone(new_page, live_server, surveyor, tmp_path):
    junk = tmp_path / "แปลง.gpkg"
    junk.write_bytes(os.urandom(16 * 1024))
    page = new_page(PHONE)
    login(page, live_server, surveyor.username)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/imports/")) as answer:
        _upload(page, live_server, junk)
    assert answer.value.status == 400
    error = page.locator("form .errorlist").inner_text()
    assert error.startswith("ระบบอ่านไฟล์นี้เป็นข้อมูลแผนที่ไม่ได้"), error
    assert "'แปลง.gpkg'" in error and "/media/" not in error  # the file's name, not the server's folders
    screenshot(page, "import-rejected-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert not ImportJob.objects.exists()
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]  # the upload was not kept


def test_xlsx_of_lonlat_wkt_boundaries_imports(new_page, live_server, org, surveyor, tmp_path):
    rows = [["PCODE", "DEED_NO", "WKT"]]
    rows += [[f"02B{n:03d}", 5000 + n, lonlat_square(n).wkt] for n in (11, 12)]
    book = write_xlsx(tmp_path / "แปลง.xlsx", {"แปลงที่ดิน": rows})
    page = new_page(LAPTOP)
    login(page, live_server, surveyor.username)
    _upload(page, live_server, book)
    assert "02B011" in page.locator("table.preview").inner_text()
    # A sheet does not say its coordinate system: the page asks, and the surveyor chooses lon/lat.
    assert page.locator("section p.warning").count() == 1
    page.locator("#id_source_srid").select_option("4326")
    _press_and_wait(page, page.get_by_role("button", name="ตรวจสอบไฟล์"), REPORT)
    assert "มีข้อผิดพลาด 0 รายการ" in page.locator("main").inner_text()
    assert page.get_by_label("ข้ามรายการที่มีข้อผิดพลาด").count() == 0  # no errors: nothing to leave out
    _press_and_wait(page, page.get_by_role("button", name=re.compile("^ยืนยัน")), UNDO_FORM)
    assert "การนำเข้านี้สร้างแปลงที่ดิน 2 แปลง" in page.locator("main").inner_text()
    written = set(Parcel.objects.filter(organisation=org).values_list("parcel_code", "document_no"))
    assert written == {("02B011", "5011"), ("02B012", "5012")}
