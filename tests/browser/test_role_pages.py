"""Log in through the real form as each role and see the right home page, in Thai, on a phone and a laptop."""

from decimal import Decimal

import pytest

from apps.registry.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    OwnershipFactory,
    ParcelFactory,
    TaxMapZoneFactory,
)

from .conftest import LAPTOP, PHONE, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry(org, resident):
    TaxMapZoneFactory(organisation=org, zone_no=1, name="ตลาด")
    owner = OwnerFactory(organisation=org, user=resident, first_name="มานี", last_name="มีนา")
    mine = ParcelFactory(organisation=org, parcel_code="01A007", deed_area_sq_wa=Decimal("935.5"))
    OwnershipFactory(organisation=org, owner=owner, parcel=mine)
    BuildingFactory(organisation=org, parcel=mine, building_type="103", house_no="12/3")
    neighbour = ParcelFactory(organisation=org, parcel_code="01A008")
    OwnershipFactory(organisation=org, parcel=neighbour)
    ParcelFactory(organisation=org, parcel_code="01A009")  # no owner: a problem for the tax officer
    return {"mine": mine, "neighbour": neighbour}


ROLES = [
    # fixture, heading, text that must show, text that must not
    ("surveyor", "งานแผนที่", "แปลงที่ดินที่แก้ไขล่าสุด", "ผู้ใช้ของหน่วยงาน"),
    ("tax_officer", "ทะเบียนทรัพย์สิน", "01A009", "แปลงที่ดินที่แก้ไขล่าสุด"),
    ("resident", "ที่ดินของฉัน", "01A007", "01A008"),
    ("org_admin", "ผู้ใช้และบทบาท", "resident-sai-thong", "01A007"),
]


@pytest.mark.parametrize(("role", "heading", "shown", "hidden"), ROLES, ids=[r[0] for r in ROLES])
def test_each_role_logs_in_and_sees_its_home(request, new_page, live_server, registry, foreign_requests,
                                             role, heading, shown, hidden):
    user = request.getfixturevalue(role)
    for viewport, size in ((PHONE, "phone"), (LAPTOP, "laptop")):
        page = new_page(viewport)
        login(page, live_server, user.username)
        assert page.url == f"{live_server.url}/"
        assert page.locator("h1").first.inner_text() == heading
        body = page.locator("main").inner_text()
        assert shown in body
        assert hidden not in body
        assert page.locator("html").get_attribute("lang") == "th"
        # The Thai webfont is the one actually used, served from /static/vendor/sarabun/.
        assert page.evaluate("document.fonts.check('16px Sarabun', 'ทดสอบ')")
        if page.locator(".minimap").count():
            page.wait_for_selector(".minimap[data-ready] .leaflet-interactive", state="attached")
        screenshot(page, f"{role}-{size}")
        # No horizontal scrolling on a phone: the page fits its width.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert foreign_requests == []


def test_resident_opens_own_parcel_and_cannot_open_a_neighbours(new_page, live_server, resident, registry):
    page = new_page()
    login(page, live_server, resident.username)
    page.get_by_role("link", name="แปลงที่ดิน 01A007").click()
    assert page.locator("h1").inner_text() == "แปลงที่ดิน 01A007"
    assert "2-1-35.5" in page.locator("main").inner_text()
    response = page.goto(f"{live_server.url}/my/parcels/{registry['neighbour'].pk}/")
    assert response.status == 404


def test_bad_password_shows_the_thai_error(new_page, live_server, surveyor):
    page = new_page()
    login(page, live_server, surveyor.username, password="not-the-password")
    assert page.get_by_role("alert").inner_text().startswith("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    assert page.url.startswith(f"{live_server.url}/login/")
    screenshot(page, "login-bad-password-phone")


def test_language_switch_to_english_and_logout(new_page, live_server, tax_officer, registry):
    page = new_page(LAPTOP)
    login(page, live_server, tax_officer.username)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").first.inner_text() == "Property registry"
    assert "Parcels with no owner" in page.locator("main").inner_text()
    screenshot(page, "tax_officer-laptop-english")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(f"{live_server.url}/login/")
    assert page.locator("h1").inner_text() == "Log in"


def test_visitor_sees_the_landing_with_a_login_button(new_page, live_server, org):
    page = new_page()
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == org.name_th
    page.get_by_role("link", name="เข้าสู่ระบบ").click()
    assert page.url.startswith(f"{live_server.url}/login/")
    screenshot(page, "login-phone")
