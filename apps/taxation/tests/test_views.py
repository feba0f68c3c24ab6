"""The tax officer's screens: assessment list with filters, taxpayer page, the yearly run in the background,
issuing drafts, documents to print; who may see them (tax officer and admin of the organisation only).

The registry (tax year 2569, prices: block 01A 1,000 baht/sq wa, type 101 7,500 baht/m²):
- A (individual, village 1): 01A001 400 sq wa + own wooden house 80 m² (2559, registered) → R1, 0.00;
  01A002 200 sq wa commerce → 200,000 × 0.3% = 600.00.                                           A = 600.00
- B (juristic, village 2): 01A003 1,000 sq wa vacant since 2565 → 1,000,000 × 0.6% = 6,000.00.
- C (individual, village 2): 01A004 400 sq wa farm → 0.00 (s.40 allowance).
- E: 02B001 has no price (no block price in zone 2): a problem, E is not assessed.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection
from django.urls import reverse

from apps.registry.models import BuildingUse, LandUse, Owner
from apps.registry.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    OwnershipFactory,
    ParcelFactory,
    TaxMapBlockFactory,
    TaxMapZoneFactory,
    VillageFactory,
)
from apps.taxation import views
from apps.taxation.models import Assessment, AssessmentRun
from apps.taxation.services import assessment_run
from apps.valuation.models import AppraisalRound, BlockLandPrice, BuildingPrice

YEAR = 2569
X0, Y0, SIDE = 103.150, 16.710, 0.0004  # ~43 m squares side by side: every parcel has neighbours


def tile(col: int, row: int = 0) -> MultiPolygon:
    x, y = X0 + col * SIDE, Y0 + row * SIDE
    return MultiPolygon(Polygon.from_bbox((x, y, x + SIDE, y + SIDE)), srid=4326)


def build_registry(org) -> dict:
    org.district_th, org.province_th = "ห้วยเม็ก", "กาฬสินธุ์"
    org.save()
    zone1 = TaxMapZoneFactory(organisation=org, zone_no=1)
    zone2 = TaxMapZoneFactory(organisation=org, zone_no=2)
    block_a = TaxMapBlockFactory(organisation=org, zone=zone1, block_letter="A")
    block_b = TaxMapBlockFactory(organisation=org, zone=zone2, block_letter="B")
    round_ = AppraisalRound.objects.create(organisation=org, name="2566-2569", valid_from=dt.date(2023, 1, 1))
    BlockLandPrice.objects.create(
        organisation=org, appraisal_round=round_, block=block_a, price_per_sq_wa=Decimal("1000")
    )
    BuildingPrice.objects.create(
        organisation=org, appraisal_round=round_, building_type="101", price_per_sqm=Decimal("7500")
    )
    v1 = VillageFactory(organisation=org, moo_no=1, name_th="บ้านทรายทอง")
    v2 = VillageFactory(organisation=org, moo_no=2, name_th="บ้านโนนสวรรค์")

    def parcel(code, area, col, village, block=block_a, row=0):
        return ParcelFactory(
            organisation=org,
            parcel_code=code,
            block=block,
            village=village,
            deed_area_sq_wa=Decimal(area),
            geom=tile(col, row),
        )

    def use(p, code, area, since=None):
        LandUse.objects.create(
            organisation=org, parcel=p, use_code=code, area_sq_wa=Decimal(area), vacant_since_year_be=since
        )

    a = OwnerFactory(
        organisation=org, first_name="มานี", last_name="มีนา", address_house_no="12", address_moo=1
    )
    b = OwnerFactory(
        organisation=org,
        owner_type=Owner.OwnerType.JURISTIC,
        id_number="0465500000011",
        title="",
        first_name="บริษัท ทดสอบ จำกัด",
        last_name="",
    )
    c = OwnerFactory(organisation=org, first_name="ชูใจ", last_name="ใจงาม")
    e = OwnerFactory(organisation=org, first_name="ปิติ", last_name="พอใจ")
    p1 = parcel("01A001", "400", 0, v1)
    use(p1, 2, "400")
    house = BuildingFactory(
        organisation=org,
        parcel=p1,
        building_no=1,
        building_type="101",
        construction="wood",
        floor_area_m2=Decimal("80.00"),
        year_built_be=2559,
    )
    BuildingUse.objects.create(organisation=org, building=house, use_code=1, floor_area_m2=Decimal("80.00"))
    OwnershipFactory(organisation=org, owner=a, parcel=p1, in_house_registration=True)
    p2 = parcel("01A002", "200", 1, v1)
    use(p2, 5, "200")
    OwnershipFactory(organisation=org, owner=a, parcel=p2)
    p3 = parcel("01A003", "1000", 2, v2)
    use(p3, 6, "1000", since=2565)
    OwnershipFactory(organisation=org, owner=b, parcel=p3)
    p4 = parcel("01A004", "400", 3, v2)
    use(p4, 1, "400")
    OwnershipFactory(organisation=org, owner=c, parcel=p4)
    p5 = parcel("02B001", "100", 0, v2, block=block_b, row=1)
    use(p5, 1, "100")
    OwnershipFactory(organisation=org, owner=e, parcel=p5)
    return {"A": a, "B": b, "C": c, "E": e, "v1": v1, "v2": v2, "p1": p1, "p2": p2, "p5": p5, "house": house}


@pytest.fixture
def taxdata(org):
    data = build_registry(org)
    data["run"] = assessment_run(org=org, tax_year=YEAR, registry_now=True)
    data["a"] = Assessment.objects.get(organisation=org, owner=data["A"], tax_year=YEAR)
    return data


def list_url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"year": YEAR, **params}.items())
    return f"{reverse('taxation:list')}?{query}"


# --- access -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["surveyor", "resident"])
def test_other_roles_are_refused(request, client, taxdata, role):
    client.force_login(request.getfixturevalue(role))
    urls = [
        list_url(),
        reverse("taxation:taxpayer", args=[taxdata["A"].pk, YEAR]),
        reverse("taxation:notice-pdf", args=[taxdata["a"].pk]),
        reverse("taxation:run", args=[taxdata["run"].pk]),
        reverse("taxation:progress") + f"?year={YEAR}",
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("taxation:run-start"), {"year": YEAR}).status_code == 403
    assert client.post(reverse("taxation:issue"), {"year": YEAR}).status_code == 403


def test_anonymous_goes_to_login(client, taxdata):
    response = client.get(list_url())
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_another_organisations_rows_are_404(client, org, other_org, taxdata):
    from apps.organisations.models import Role
    from apps.organisations.services import membership_grant
    from apps.organisations.tests.factories import UserFactory

    outsider = UserFactory(username="officer-other")
    membership_grant(user=outsider, org=other_org, role=Role.TAX_OFFICER)
    client.force_login(outsider)
    assert client.get(reverse("taxation:taxpayer", args=[taxdata["A"].pk, YEAR])).status_code == 404
    assert client.get(reverse("taxation:notice-pdf", args=[taxdata["a"].pk])).status_code == 404
    assert client.get(reverse("taxation:list-pdf", args=[taxdata["a"].pk])).status_code == 404
    assert client.get(reverse("taxation:run", args=[taxdata["run"].pk])).status_code == 404
    page = client.get(list_url())
    assert page.status_code == 200
    assert "มานี" not in page.content.decode()


# --- the list -----------------------------------------------------------------------------------------------


def _owners_listed(response) -> set[str]:
    return {row.owner.first_name for row in response.context["page_obj"].object_list}


def test_list_shows_the_year_with_totals(client, tax_officer, taxdata):
    client.force_login(tax_officer)
    response = client.get(list_url())
    assert response.status_code == 200
    assert _owners_listed(response) == {"มานี", "บริษัท ทดสอบ จำกัด", "ชูใจ"}
    assert response.context["totals"] == {"count": 3, "total_satang": 660_000}
    html = response.content.decode()
    assert "6,600.00" in html
    assert reverse("taxation:taxpayer", args=[taxdata["A"].pk, YEAR]) in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"village": "v1"}, {"มานี"}),
        ({"village": "v2"}, {"บริษัท ทดสอบ จำกัด", "ชูใจ"}),
        ({"use": "vacant"}, {"บริษัท ทดสอบ จำกัด"}),
        ({"use": "agriculture"}, {"ชูใจ"}),
        ({"min_baht": "500", "max_baht": "1000"}, {"มานี"}),
        ({"min_baht": "1000"}, {"บริษัท ทดสอบ จำกัด"}),
        ({"status": "issued"}, set()),
        ({"q": "01A002"}, {"มานี"}),
        ({"q": "ชูใจ"}, {"ชูใจ"}),
    ],
)
def test_list_filters(client, tax_officer, taxdata, params, expected):
    client.force_login(tax_officer)
    if "village" in params:
        params = {**params, "village": taxdata[params["village"]].pk}
    response = client.get(list_url(**params))
    assert response.status_code == 200
    assert _owners_listed(response) == expected


def test_list_refuses_a_bad_amount_without_crashing(client, tax_officer, taxdata):
    client.force_login(tax_officer)
    response = client.get(list_url(min_baht="abc"))
    assert response.status_code == 200
    assert response.context["form"].errors


def test_list_query_count_does_not_grow_with_rows(
    client, tax_officer, org, taxdata, django_assert_max_num_queries
):
    for n in range(30):
        owner = OwnerFactory(organisation=org)
        Assessment.objects.create(
            organisation=org,
            tax_year=YEAR,
            owner=owner,
            input_document=taxdata["a"].input_document,
            provenance=taxdata["a"].provenance,
            result=taxdata["a"].result,
            total_satang=100 * n,
        )
    client.force_login(tax_officer)
    client.get(list_url())  # warm the session and the membership
    with django_assert_max_num_queries(12):
        response = client.get(list_url())
    assert len(response.context["page_obj"].object_list) == 33


# --- the taxpayer page --------------------------------------------------------------------------------------


def test_taxpayer_page_has_properties_breakdown_and_price_reason(client, tax_officer, taxdata):
    client.force_login(tax_officer)
    response = client.get(reverse("taxation:taxpayer", args=[taxdata["A"].pk, YEAR]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("01A001", "01A002", "600.00", "760,000.00", "s.41 para 1", "s.94(5)", "01A", "2566-2569"):
        assert text in html, text
    assert "<svg" in html  # the small map of each parcel
    assert 'id="whatif"' in html
    document = response.context["assessment"].input_document
    assert json.loads(response.context["whatif_document"]) == document
    assert response.context["rows"][0].price_source == "block"


def test_taxpayer_without_assessment_is_404(client, tax_officer, taxdata):
    client.force_login(tax_officer)
    assert client.get(reverse("taxation:taxpayer", args=[taxdata["E"].pk, YEAR])).status_code == 404


# --- documents ----------------------------------------------------------------------------------------------


def test_notice_and_list_pdfs_download(client, tax_officer, taxdata):
    client.force_login(tax_officer)
    for name in ("taxation:notice-pdf", "taxation:list-pdf"):
        response = client.get(reverse(name, args=[taxdata["a"].pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert response["Cache-Control"] == "private, no-store"


def test_village_batch_is_one_pdf(client, tax_officer, taxdata):
    client.force_login(tax_officer)
    response = client.get(
        reverse("taxation:batch-pdf") + f"?year={YEAR}&village={taxdata['v2'].pk}&doc=notice"
    )
    assert response.status_code == 200
    from apps.core.testing import pdf_text

    text = pdf_text(response.content)
    assert "01A003" in text and "01A004" in text
    assert "01A001" not in text


def test_village_batch_with_nothing_says_so(client, tax_officer, org, taxdata):
    empty = VillageFactory(organisation=org, moo_no=9)
    client.force_login(tax_officer)
    response = client.get(reverse("taxation:batch-pdf") + f"?year={YEAR}&village={empty.pk}&doc=notice")
    assert response.status_code == 302


# --- the run ------------------------------------------------------------------------------------------------


def test_run_button_starts_the_run_after_commit(
    client, tax_officer, org, taxdata, monkeypatch, django_capture_on_commit_callbacks
):
    started = []
    # Run the thread's work inline, in the test's transaction (the real thread is tested further down).
    monkeypatch.setattr(
        views, "_start_thread", lambda target, *args: started.append(target) or views._run(*args)
    )
    client.force_login(tax_officer)
    known = taxdata["run"].pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("taxation:run-start"), {"year": YEAR, "registry_now": "on"})
    assert response.status_code == 302
    assert f"after={known}" in response["Location"]
    assert len(callbacks) == 1 and len(started) == 1
    new_run = AssessmentRun.objects.filter(organisation=org).latest("pk")
    assert new_run.pk > known
    assert new_run.status == AssessmentRun.Status.DONE
    assert new_run.started_by == tax_officer
    progress = client.get(reverse("taxation:progress") + f"?year={YEAR}&after={known}").json()
    assert progress["status"] == "done"
    assert progress["run_url"] == reverse("taxation:run", args=[new_run.pk])


def test_progress_before_the_thread_has_begun(client, tax_officer, taxdata):
    client.force_login(tax_officer)
    data = client.get(reverse("taxation:progress") + f"?year={YEAR}&after={taxdata['run'].pk}").json()
    assert data == {"status": "starting", "percent": 0}


def test_a_second_run_is_refused_while_one_runs(client, tax_officer, org, taxdata, monkeypatch):
    AssessmentRun.objects.filter(pk=taxdata["run"].pk).update(status=AssessmentRun.Status.RUNNING)
    monkeypatch.setattr(views, "_start_thread", lambda *a: pytest.fail("must not start"))
    client.force_login(tax_officer)
    response = client.post(reverse("taxation:run-start"), {"year": YEAR}, follow=True)
    assert AssessmentRun.objects.filter(organisation=org).count() == 1
    assert response.context["running"].pk == taxdata["run"].pk


def test_progress_json_while_running(client, tax_officer, taxdata):
    AssessmentRun.objects.filter(pk=taxdata["run"].pk).update(
        status=AssessmentRun.Status.RUNNING, stage="assessing", progress_done=30, progress_total=120
    )
    client.force_login(tax_officer)
    data = client.get(reverse("taxation:progress") + f"?year={YEAR}").json()
    assert data["status"] == "running"
    assert data["stage"] == "assessing"
    assert data["percent"] == 25


def test_run_page_has_summary_and_problem_links(client, tax_officer, taxdata):
    client.force_login(tax_officer)
    response = client.get(reverse("taxation:run", args=[taxdata["run"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "6,600.00" in html  # total
    assert "02B001" in html  # the problem message
    assert reverse("admin:registry_parcel_change", args=[taxdata["p5"].pk]) in html
    summary = response.context["run"].summary
    assert summary["tax_by_use_satang"]["vacant"] == 600_000


def test_issue_drafts(client, tax_officer, org, taxdata):
    client.force_login(tax_officer)
    response = client.post(reverse("taxation:issue"), {"year": YEAR})
    assert response.status_code == 302
    statuses = set(
        Assessment.objects.filter(organisation=org, tax_year=YEAR).values_list("status", flat=True)
    )
    assert statuses == {Assessment.Status.ISSUED}
    issued = Assessment.objects.get(pk=taxdata["a"].pk)
    assert issued.issued_by == tax_officer


def test_issue_one_taxpayer(client, org_admin, org, taxdata):
    client.force_login(org_admin)
    client.post(reverse("taxation:issue"), {"year": YEAR, "owner": taxdata["A"].pk})
    issued = Assessment.objects.filter(organisation=org, status=Assessment.Status.ISSUED)
    assert list(issued.values_list("owner_id", flat=True)) == [taxdata["A"].pk]


@pytest.mark.django_db(transaction=True)
def test_the_run_really_runs_in_a_background_thread(client, org, tax_officer):
    build_registry(org)
    client.force_login(tax_officer)
    threads_before = threading.active_count()
    response = client.post(reverse("taxation:run-start"), {"year": YEAR, "registry_now": "on"})
    assert response.status_code == 302
    deadline = time.monotonic() + 30
    data = {}
    while time.monotonic() < deadline:
        data = client.get(reverse("taxation:progress") + f"?year={YEAR}&after=0").json()
        if data["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert data["status"] == "done", data
    assert data["percent"] == 100
    assert Assessment.objects.filter(organisation=org, tax_year=YEAR).count() == 3
    deadline = time.monotonic() + 5
    while threading.active_count() > threads_before and time.monotonic() < deadline:
        time.sleep(0.05)
    connection.close()
