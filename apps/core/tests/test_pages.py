"""The pages of each role, rendered through the real URLs, middleware and templates (Thai by default)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.organisations.tests.factories import UserFactory
from apps.registry.models import Building
from apps.registry.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    OwnershipFactory,
    ParcelFactory,
    TaxMapZoneFactory,
)

pytestmark = pytest.mark.django_db

LOGIN_ERROR_TH = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"


def page(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_anonymous_visitor_sees_the_organisation_landing_in_thai(client, org):
    html = page(client)
    assert '<html lang="th">' in html
    assert org.name_th in html
    assert 'href="/login/"' in html
    assert "เข้าสู่ระบบ" in html


def test_login_page_is_thai_with_labelled_inputs(client, org):
    html = page(client, reverse("login"))
    assert "ชื่อผู้ใช้" in html and "รหัสผ่าน" in html
    assert '<label for="id_username">' in html and '<label for="id_password">' in html


def test_bad_password_shows_a_clear_thai_error(client, surveyor):
    response = client.post(reverse("login"), {"username": surveyor.username, "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert LOGIN_ERROR_TH in html
    assert 'role="alert"' in html


def test_good_password_lands_on_the_role_home_and_logout_returns_to_login(client, surveyor):
    response = client.post(reverse("login"), {"username": surveyor.username, "password": "pass-1234"},
                           follow=True)
    assert "งานแผนที่" in response.content.decode()
    assert client.get(reverse("logout")).status_code == 405  # logout is a POST form, never a link
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "งานแผนที่" not in page(client)


def test_surveyor_home_counts_and_recent_edits_in_buddhist_era(client, org, surveyor):
    zone = TaxMapZoneFactory(organisation=org, zone_no=1, name="ตลาด")
    edited = ParcelFactory.create_batch(3, organisation=org)[0]
    BuildingFactory(organisation=org)
    surveyor.first_name, surveyor.last_name = "สมหมาย", "รังวัด"
    surveyor.save()
    edited.road = "ถนนทรายทอง"
    edited._history_user = surveyor  # what HistoryRequestMiddleware sets for an edit made in a request
    edited.save()
    client.force_login(surveyor)
    response = client.get("/")
    html = response.content.decode()
    assert "<h1>งานแผนที่</h1>" in html
    assert '<span class="num">4</span> แปลงที่ดิน' in html  # 3 + the parcel under the building
    assert '<span class="num">1</span> สิ่งปลูกสร้าง' in html
    assert 'id="org-map" type="application/json"' in html
    labels = [f["properties"]["label"] for f in response.context["map_features"]["features"]]
    assert labels == [org.name_th, f"01 {zone.name}"]
    edits = response.context["recent_edits"]
    assert edits[0].parcel_code == edited.parcel_code and edits[0].history_type == "~"
    assert "สมหมาย รังวัด" in html and "แก้ไข" in html
    assert "vendor/leaflet/leaflet.js" in html
    # The parcels were just created: the history shows this year in B.E. (C.E. + 543).
    from django.utils import timezone

    assert str(timezone.localdate().year + 543) in html
    assert str(timezone.localdate().year) + " " not in html


def test_tax_officer_sees_registry_problems(client, org, tax_officer):
    lonely = ParcelFactory(organisation=org, parcel_code="01A101")
    half = ParcelFactory(organisation=org, parcel_code="01A102")
    OwnershipFactory(organisation=org, parcel=half, share_numerator=1, share_denominator=2)
    whole = ParcelFactory(organisation=org, parcel_code="01A103")
    OwnershipFactory(organisation=org, parcel=whole, share_numerator=1, share_denominator=3)
    OwnershipFactory(organisation=org, parcel=whole, share_numerator=2, share_denominator=3)
    untyped = BuildingFactory(organisation=org, parcel=whole)
    Building.objects.filter(pk=untyped.pk).update(building_type="")  # as an old import leaves it
    client.force_login(tax_officer)
    response = client.get("/")
    html = response.content.decode()
    assert "<h1>ทะเบียนทรัพย์สิน</h1>" in html
    problems = {p.code: p for p in response.context["problems"]}
    assert [p.parcel_code for p in problems["no_owner"].rows] == [lonely.parcel_code]
    assert [p.parcel_code for p in problems["shares"].rows] == [half.parcel_code]  # 1/3 + 2/3 is whole
    assert problems["shares"].rows[0].share_total == Decimal("0.5")
    assert [b.pk for b in problems["building_no_type"].rows] == [untyped.pk]
    assert problems["no_deed_area"].count == 0
    assert "แปลงที่ดินที่ยังไม่มีเจ้าของ" in html


def test_resident_sees_only_their_own_parcels(client, org, resident):
    owner = OwnerFactory(organisation=org, user=resident)
    mine = ParcelFactory(organisation=org, parcel_code="02B007", deed_area_sq_wa=Decimal("935.5"),
                         document_no="12345")
    OwnershipFactory(organisation=org, owner=owner, parcel=mine, share_numerator=1, share_denominator=2)
    BuildingFactory(organisation=org, parcel=mine, building_type="103")
    theirs = ParcelFactory(organisation=org, parcel_code="02B008")
    OwnershipFactory(organisation=org, parcel=theirs)
    client.force_login(resident)
    html = page(client)
    assert "<h1>ที่ดินของฉัน</h1>" in html
    assert "02B007" in html and "02B008" not in html
    assert "2-1-35.5" in html
    assert "โฉนดที่ดิน" in html and "12345" in html
    assert "1/2" in html
    assert "ตึกชั้นเดียว" in html


def test_resident_home_query_count_does_not_grow_with_parcels(
    client, org, resident, django_assert_max_num_queries
):
    owner = OwnerFactory(organisation=org, user=resident)
    for _ in range(5):
        parcel = ParcelFactory(organisation=org)
        OwnershipFactory(organisation=org, owner=owner, parcel=parcel)
        BuildingFactory(organisation=org, parcel=parcel)
    client.force_login(resident)
    with django_assert_max_num_queries(8):
        html = page(client)
    assert html.count('class="card parcel-card"') == 5


def test_resident_parcel_detail_is_404_for_a_parcel_they_do_not_own(client, org, other_org, resident):
    owner = OwnerFactory(organisation=org, user=resident)
    mine = OwnershipFactory(organisation=org, owner=owner).parcel
    neighbour = OwnershipFactory(organisation=org).parcel
    # The same person is also an owner in another organisation: still not visible from this one.
    elsewhere_owner = OwnerFactory(organisation=other_org, user=resident)
    elsewhere = OwnershipFactory(organisation=other_org, owner=elsewhere_owner).parcel
    client.force_login(resident)
    assert mine.parcel_code in page(client, reverse("my-parcel-detail", args=[mine.pk]))
    assert client.get(reverse("my-parcel-detail", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("my-parcel-detail", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("my-parcel-detail", args=[999999])).status_code == 404


def test_parcel_detail_needs_a_login(client, org):
    parcel = ParcelFactory(organisation=org)
    response = client.get(reverse("my-parcel-detail", args=[parcel.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_admin_sees_the_members_of_their_organisation_only(client, org, other_org, org_admin, surveyor):
    from apps.organisations.models import Role
    from apps.organisations.services import membership_grant

    stranger = UserFactory(username="stranger-elsewhere")
    membership_grant(user=stranger, org=other_org, role=Role.SURVEYOR)
    client.force_login(org_admin)
    html = page(client)
    assert "<h1>ผู้ใช้และบทบาท</h1>" in html
    assert surveyor.username in html and org_admin.username in html
    assert stranger.username not in html
    assert "ช่างสำรวจ" in html  # the role name is translated


def test_user_with_no_membership_gets_a_polite_page(client, org):
    client.force_login(UserFactory(username="newcomer"))
    html = page(client)
    assert "ยังไม่ได้สังกัดหน่วยงาน" in html
    assert "newcomer" in html


@pytest.mark.parametrize(("role_fixture", "menu_item", "absent"), [
    ("resident", "ที่ดินของฉัน", "ผู้ใช้งาน"),
    ("org_admin", "ผู้ใช้งาน", "ที่ดินของฉัน"),
])
def test_the_menu_depends_on_the_role(client, request, role_fixture, menu_item, absent):
    client.force_login(request.getfixturevalue(role_fixture))
    html = page(client)
    nav = html[html.index('<nav class="role-nav"'):html.index("</nav>")]
    assert menu_item in nav and absent not in nav


def test_header_shows_name_role_language_switch_and_logout(client, org, tax_officer):
    tax_officer.first_name, tax_officer.last_name = "สมศรี", "ใจงาม"
    tax_officer.save()
    client.force_login(tax_officer)
    html = page(client)
    assert "สมศรี ใจงาม" in html
    assert "เจ้าหน้าที่จัดเก็บภาษี" in html
    assert 'action="/i18n/setlang/"' in html and 'value="en"' in html
    assert 'action="/logout/" method="post"' in html


def test_language_switch_to_english_and_back(client, org, surveyor):
    client.force_login(surveyor)
    assert "<h1>งานแผนที่</h1>" in page(client)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = page(client)
    assert '<html lang="en">' in html
    assert "<h1>Mapping work</h1>" in html
    assert org.name_en in html
    client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    assert "<h1>งานแผนที่</h1>" in page(client)


def test_no_page_loads_anything_from_another_host(client, org, resident):
    OwnershipFactory(organisation=org, owner=OwnerFactory(organisation=org, user=resident))
    pages = [page(client), page(client, reverse("login"))]
    client.force_login(resident)
    pages.append(page(client))
    for html in pages:
        assert "https://" not in html and "http://" not in html and 'src="//' not in html


def test_admin_links_degrade_to_nothing_when_an_admin_is_not_registered():
    from apps.core.templatetags.nav import url_or_empty

    assert url_or_empty("admin:index") == "/admin/"
    assert url_or_empty("admin:nothing_here_changelist") == ""


def test_admin_menu_links_to_the_admin_site(client, org, org_admin):
    client.force_login(org_admin)
    html = page(client)
    nav = html[html.index('<nav class="role-nav"'):html.index("</nav>")]
    assert 'href="/admin/"' in nav
    assert 'aria-current="page"' in nav  # the home item is marked as the current page
