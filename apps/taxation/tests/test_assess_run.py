"""The yearly assessment run on a small registry whose tax is worked out by hand (tax year 2569).

Prices (round 2566-2569): block 01A 1,000 baht/sq wa; building type 101 7,500 baht/m². 2569 has no general
reduction. The registry is dated 1 December 2025 (its history rows), so it stood like this on 1 January 2569.

- A (individual): 01A001, 400 sq wa residential, own wooden house 80 m² built 2559 (age 10 → 40% off),
  named in the house registration → R1: 400,000 + 360,000 = 760,000 ≤ 50 M allowance → 0.00;
  01A002, 200 sq wa commerce → other: 200,000 × 0.3% = 600.00.                            A = 600.00
- B (juristic): 01A003, 1,000 sq wa vacant since 2565 → 5 vacant years → +0.3 → 0.6%:
  1,000,000 × 0.6% = 6,000.00.                                                              B = 6,000.00
- C and D, ½ each: 01A004, 400 sq wa other residence + the same house, nobody registered → R3:
  (400,000 + 360,000) / 2 = 380,000 × 0.02% = 76.00 each.                         C = D = 76.00
Total 6,752.00. Problems: 02B001 has no price (E), 01A006's building has no type (F), 01A007's shares add
up to 5/6 (G, H), I is registered in two homes (01A008, 01A009): E, F, G, H and I are not assessed.
"""

import datetime as dt
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation

from apps.registry.models import BuildingUse, LandUse, Owner, Ownership, Parcel
from apps.registry.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    OwnershipFactory,
    ParcelFactory,
    TaxMapBlockFactory,
    TaxMapZoneFactory,
)
from apps.taxation.domain import LandInput, PropertyInput, QuoteInput, TaxpayerType, Use, assess
from apps.taxation.models import Assessment, AssessmentProblem, AssessmentRun, RateOrdinance
from apps.taxation.services import assessment_run, assessments_issue
from apps.valuation.models import AppraisalRound, BlockLandPrice, BuildingPrice

YEAR = 2569
BEFORE_JAN_1 = dt.datetime(2025, 12, 1, 10, 0, tzinfo=dt.UTC)


def backdate(when: dt.datetime = BEFORE_JAN_1) -> None:
    """Pretend every registry and price row was recorded at ``when`` (history rows carry the dates)."""
    with connection.cursor() as cursor:
        for label in ("registry", "valuation"):
            for model in django_apps.get_app_config(label).get_models():
                if model.__name__.startswith("Historical"):
                    cursor.execute(f"UPDATE {model._meta.db_table} SET history_date = %s", [when])  # noqa: S608


def house(org, parcel, *, building_type="101", year_built_be=2559):
    building = BuildingFactory(
        organisation=org,
        parcel=parcel,
        building_no=1,
        building_type=building_type,
        construction="wood",
        floor_area_m2=Decimal("80.00"),
        year_built_be=year_built_be,
    )
    BuildingUse.objects.create(
        organisation=org, building=building, use_code=1, floor_area_m2=Decimal("80.00")
    )
    return building


def land_use(org, parcel, code, area, since=None):
    return LandUse.objects.create(
        organisation=org, parcel=parcel, use_code=code, area_sq_wa=Decimal(area), vacant_since_year_be=since
    )


@pytest.fixture
def registry(org):
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

    def parcel(code, area, block=block_a):
        return ParcelFactory(organisation=org, parcel_code=code, block=block, deed_area_sq_wa=Decimal(area))

    def own(owner, target, num=1, den=1, in_house=False):
        return OwnershipFactory(
            organisation=org,
            owner=owner,
            parcel=target,
            share_numerator=num,
            share_denominator=den,
            in_house_registration=in_house,
        )

    people = {name: OwnerFactory(organisation=org) for name in "ACDEFGHIJ"}
    people["B"] = OwnerFactory(
        organisation=org,
        owner_type=Owner.OwnerType.JURISTIC,
        id_number="0465500000011",
        first_name="บจก.ทดสอบ",
    )
    p = {}
    p[1] = parcel("01A001", "400")
    land_use(org, p[1], 2, "400")
    house(org, p[1])
    own(people["A"], p[1], in_house=True)
    p[2] = parcel("01A002", "200")
    land_use(org, p[2], 5, "200")
    own(people["A"], p[2])
    p[3] = parcel("01A003", "1000")
    land_use(org, p[3], 6, "1000", since=2565)
    own(people["B"], p[3])
    p[4] = parcel("01A004", "400")
    land_use(org, p[4], 4, "400")
    house(org, p[4])
    own(people["C"], p[4], 1, 2)
    own(people["D"], p[4], 1, 2)
    # the problems
    p[5] = parcel("02B001", "100", block=block_b)
    land_use(org, p[5], 1, "100")
    own(people["E"], p[5])
    p[6] = parcel("01A006", "100")
    land_use(org, p[6], 2, "100")
    house(org, p[6], building_type="")
    own(people["F"], p[6])
    p[7] = parcel("01A007", "100")
    land_use(org, p[7], 1, "100")
    own(people["G"], p[7], 1, 2)
    own(people["H"], p[7], 1, 3)
    for n in (8, 9):
        p[n] = parcel(f"01A00{n}", "100")
        land_use(org, p[n], 2, "100")
        house(org, p[n])
        own(people["I"], p[n], in_house=True)
    backdate()
    return {"people": people, "parcels": p, "round": round_}


def current(org, owner) -> Assessment:
    return Assessment.objects.get(
        organisation=org, tax_year=YEAR, owner=owner, status=Assessment.Status.DRAFT
    )


def test_run_assesses_the_small_registry_as_worked_out_by_hand(org, registry, tax_officer):
    run = assessment_run(org=org, tax_year=YEAR, by=tax_officer)
    people = registry["people"]

    assert run.status == AssessmentRun.Status.DONE
    totals = {name: current(org, people[name]).total_satang for name in "ABCD"}
    assert totals == {"A": 60000, "B": 600000, "C": 7600, "D": 7600}
    assert run.total_satang == 675200
    assert run.taxpayers_count == 4
    summary = run.summary
    assert summary["tax_by_use_satang"] == {"residential": 15200, "other": 60000, "vacant": 600000}
    assert summary["exemptions"]["allowance_by_table_satang"] == {"R1": 76000000}
    assert summary["against_last_year"]["new"] == 4


def test_the_frozen_input_is_the_contract_document_given_to_the_engine(org, registry):
    assessment_run(org=org, tax_year=YEAR)
    a = current(org, registry["people"]["A"])

    home, shop = a.input_document["properties"]
    assert a.input_document["taxpayer"] == {"type": "individual"}
    assert home["land"] == {"area": {"sq_wa": "400"}, "price_per_sq_wa": "1000"}
    assert home["buildings"] == [
        {"floor_area_sqm": "80", "price_per_sqm": "7500", "construction": "wood", "age_years": 10}
    ]
    assert home["residence"] == "main_house"
    assert shop["uses"] == {"other": "1"}
    assert a.result["total_satang"] == 60000
    assert a.provenance["properties"][0]["land_price_source"] == "block"
    assert a.provenance["properties"][0]["block"] == "01A"
    c = current(org, registry["people"]["C"])
    assert c.input_document["properties"][0]["land"]["area"] == {"sq_wa": "200"}  # half of 400
    assert "residence" not in c.input_document["properties"][0]


def test_problems_are_listed_with_links_and_the_rest_assessed(org, registry):
    run = assessment_run(org=org, tax_year=YEAR)
    people, parcels = registry["people"], registry["parcels"]

    kinds = {(problem.kind, problem.parcel_id, problem.owner_id) for problem in run.problems.all()}
    assert ("no_land_price", parcels[5].pk, None) in kinds
    assert ("shares_not_one", parcels[7].pk, None) in kinds
    assert ("two_main_houses", None, people["I"].pk) in kinds
    no_type = run.problems.get(kind="building_no_type")
    assert no_type.parcel_id == parcels[6].pk and no_type.building_id is not None
    with translation.override("en"):
        assert "01A006-B001" in no_type.message
        assert "5/6" in run.problems.get(kind="shares_not_one").message
    assert not Assessment.objects.filter(owner__in=[people[n] for n in "EFGHI"]).exists()
    assert run.summary["problems_by_kind"]["two_main_houses"] == 1


def test_rerun_before_issue_replaces_the_drafts(org, registry):
    first = assessment_run(org=org, tax_year=YEAR)
    second = assessment_run(org=org, tax_year=YEAR)

    drafts = Assessment.objects.filter(organisation=org, tax_year=YEAR)
    assert drafts.count() == 4
    assert set(drafts.values_list("version", flat=True)) == {1}
    assert set(drafts.values_list("run_id", flat=True)) == {second.pk}
    assert first.pk != second.pk


def test_issued_assessment_never_changes_and_a_rerun_makes_a_new_version(org, registry, tax_officer):
    assessment_run(org=org, tax_year=YEAR)
    assert assessments_issue(org=org, tax_year=YEAR, by=tax_officer) == 4
    a_issued = Assessment.objects.get(owner=registry["people"]["A"], status=Assessment.Status.ISSUED)
    frozen_document, frozen_total = a_issued.input_document, a_issued.total_satang

    # The registry is corrected (recorded before 1 January): the shop plot is really 300 sq wa.
    shop = registry["parcels"][2]
    shop.deed_area_sq_wa = Decimal("300")
    shop.save()
    backdate()
    rerun = assessment_run(org=org, tax_year=YEAR)

    a_issued.refresh_from_db()
    assert a_issued.status == Assessment.Status.ISSUED
    assert a_issued.input_document == frozen_document and a_issued.total_satang == frozen_total == 60000
    a_new = Assessment.objects.get(owner=registry["people"]["A"], status=Assessment.Status.DRAFT)
    assert a_new.version == 2
    assert a_new.total_satang == 90000  # 300,000 × 0.3%
    assert rerun.drafts_written == 1 and rerun.unchanged_count == 3

    assessments_issue(org=org, tax_year=YEAR, by=tax_officer)
    a_issued.refresh_from_db()
    assert a_issued.status == Assessment.Status.SUPERSEDED
    assert a_issued.input_document == frozen_document
    assert Assessment.objects.get(owner=registry["people"]["A"], status=Assessment.Status.ISSUED).version == 2


def test_an_ownership_change_on_5_january_does_not_move_the_tax(org, registry):
    people = registry["people"]
    buyer = people["J"]
    sale = Ownership.objects.get(parcel=registry["parcels"][2])
    sale.owner = buyer
    sale.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_historicalownership SET history_date = %s WHERE id = %s AND owner_id = %s",
            [dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC), sale.pk, buyer.pk],
        )

    assessment_run(org=org, tax_year=YEAR)

    assert current(org, people["A"]).total_satang == 60000
    assert not Assessment.objects.filter(owner=buyer).exists()


def test_a_registry_recorded_after_1_january_is_not_seen_unless_asked(org, registry):
    late = ParcelFactory(organisation=org, parcel_code="01A010", deed_area_sq_wa=Decimal("100"))
    land_use(org, late, 5, "100")
    OwnershipFactory(organisation=org, owner=registry["people"]["J"], parcel=late)

    assessment_run(org=org, tax_year=YEAR)
    assert not Assessment.objects.filter(owner=registry["people"]["J"]).exists()

    assessment_run(org=org, tax_year=YEAR, registry_now=True)
    assert current(org, registry["people"]["J"]).total_satang == 30000  # 100,000 × 0.3%


def test_no_appraisal_round_is_one_problem_and_no_assessment(org, registry):
    AppraisalRound.objects.filter(pk=registry["round"].pk).update(valid_from=dt.date(2027, 1, 1))

    run = assessment_run(org=org, tax_year=YEAR)

    assert run.taxpayers_count == 0
    assert run.problems.filter(kind="no_appraisal_round").count() == 1
    assert not AssessmentProblem.objects.filter(run=run, kind="no_land_price").exists()


def test_the_parallel_path_gives_the_same_answers(org, registry, monkeypatch):
    module = importlib.import_module("apps.taxation.services.assessment_run")
    monkeypatch.setattr(module, "INLINE_BELOW_TAXPAYERS", 0)
    monkeypatch.setattr(module, "CHUNK_TAXPAYERS", 1)
    run = assessment_run(org=org, tax_year=YEAR, workers=2)

    assert run.total_satang == 675200
    assert run.problems.filter(kind="two_main_houses").count() == 1


def test_the_command_prints_progress_and_the_summary(org, registry):
    out = io.StringIO()
    with translation.override("en"):
        call_command("assess", "--year", str(YEAR), "--org", org.slug, stdout=out)

    text = out.getvalue()
    assert "reading" in text and "writing" in text
    assert "Total tax: 6,752.00 baht" in text
    assert "shares_not_one 1" in text
    assert "two_main_houses" in text


# --- local rate ordinances (s.37 paras 6-7) -----------------------------------------------------------------

ORDINANCE = "ข้อบัญญัติ อบต.ทรายทอง เรื่อง อัตราภาษี 2569"


def test_a_rate_ordinance_raises_table_o_and_the_run_follows_it(org, registry):
    RateOrdinance.objects.create(
        organisation=org,
        tax_year=YEAR,
        table="O",
        bands=[{"up_to_baht": None, "rate_pct": "0.7"}],
        reference=ORDINANCE,
    )
    run = assessment_run(org=org, tax_year=YEAR)

    a = current(org, registry["people"]["A"])
    assert a.total_satang == 140000  # 01A002: 200,000 × 0.7% instead of 0.3%
    shop = next(line for line in a.result["lines"] if line["table"] == "O")
    assert any(ORDINANCE in rule for rule in shop["rules"])
    assert current(org, registry["people"]["B"]).total_satang == 600000  # table V is the decree's
    assert run.summary["rate_ordinances"] == {"O": ORDINANCE}
    assert not run.problems.filter(kind="rate_ordinance_refused").exists()


def test_an_illegal_rate_ordinance_is_one_problem_and_the_decree_applies(org, registry):
    illegal = RateOrdinance(
        organisation=org,
        tax_year=YEAR,
        table="O",
        bands=[{"up_to_baht": None, "rate_pct": "1.5"}],  # the s.37 ceiling for other use is 1.2%
        reference=ORDINANCE,
    )
    with pytest.raises(ValidationError) as refused:
        illegal.full_clean()
    assert "bands" in refused.value.message_dict
    illegal.save()  # as an import or an older rule set could have left it

    run = assessment_run(org=org, tax_year=YEAR)

    assert run.status == AssessmentRun.Status.DONE
    problem = run.problems.get(kind="rate_ordinance_refused")
    with translation.override("en"):
        assert "ceiling" in problem.message and "O" in problem.message
    assert current(org, registry["people"]["A"]).total_satang == 60000
    assert run.summary["rate_ordinances"] == {}


def test_rate_ordinance_clean_refuses_malformed_bands_and_the_run_reports_them(org, registry):
    ordinance = RateOrdinance(
        organisation=org, tax_year=YEAR, table="O", bands=[{"rate": "0.5"}], reference=ORDINANCE
    )
    with pytest.raises(ValidationError) as refused:
        ordinance.full_clean()
    assert "bands" in refused.value.message_dict
    ordinance.save()

    run = assessment_run(org=org, tax_year=YEAR)

    assert run.problems.filter(kind="rate_ordinance_refused").count() == 1
    assert current(org, registry["people"]["A"]).total_satang == 60000


# --- s.8 exemptions -----------------------------------------------------------------------------------------


def test_every_exempt_ground_of_the_parcel_is_one_the_engine_knows():
    grounds = [value for value, _label in Parcel._meta.get_field("exempt_ground").choices]
    assert len(grounds) == 12
    result = assess(
        QuoteInput(
            tax_year=YEAR,
            taxpayer_type=TaxpayerType.JURISTIC,
            properties=tuple(PropertyInput(ref=ground, exempt=ground) for ground in grounds),
        )
    )
    assert [line.exempt for line in result.lines] == grounds
    assert result.total_satang == 0


def test_an_exempt_parcel_is_listed_as_exempt_and_not_taxed(org, registry, client, tax_officer):
    parcels, people = registry["parcels"], registry["people"]
    Parcel.objects.filter(pk=parcels[2].pk).update(exempt_ground="s8(5)")
    # 02B001 has no land price (E's problem), which an exempt parcel does not need
    Parcel.objects.filter(pk=parcels[5].pk).update(exempt_ground="s8(1)")
    parcels[2].refresh_from_db()
    parcels[2].save()  # a history row carrying the ground
    parcels[5].refresh_from_db()
    parcels[5].save()
    backdate()

    run = assessment_run(org=org, tax_year=YEAR)

    a = current(org, people["A"])
    _home, shop = a.input_document["properties"]
    assert shop == {"ref": "01A002", "exempt": "s8(5)"}
    assert a.total_satang == 0  # the home is within the R1 allowance, the shop is exempt
    exempt_line = next(line for line in a.result["lines"] if line["exempt"])
    assert exempt_line["refs"] == ["01A002"] and exempt_line["tax_satang"] == 0
    assert a.provenance["properties"][1]["exempt_ground"] == "s8(5)"
    assert current(org, people["E"]).input_document["properties"] == [{"ref": "02B001", "exempt": "s8(1)"}]
    assert not run.problems.filter(kind="no_land_price").exists()
    assert run.summary["exemptions"]["exempt_lines"] == 2
    client.force_login(tax_officer)
    with translation.override("en"):
        page = client.get(
            reverse("taxation:taxpayer", args=[people["A"].pk, YEAR]), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert page.status_code == 200
    assert "s8(5)" in page.content.decode()


# --- adjoining parcels of one owner (s.42 para 2) -----------------------------------------------------------


def _box(x: float, y: float, size: float = 0.0004) -> MultiPolygon:
    # far east of the factory's squares, so only these touch each other
    return MultiPolygon(Polygon.from_bbox((x, y, x + size, y + size)), srid=4326)


def test_adjoining_parcels_of_one_owner_are_one_base_and_a_corner_is_not_enough(
    org, registry, client, tax_officer
):
    owner = registry["people"]["J"]
    x, y, size = 103.30, 16.80, 0.0004
    shapes = {
        "01A020": _box(x, y),
        "01A021": _box(x + size, y),  # shares 01A020's east edge
        "01A022": _box(x + 2 * size, y + size),  # meets 01A021 at one corner only
    }
    for code, geom in shapes.items():
        parcel = ParcelFactory(
            organisation=org,
            parcel_code=code,
            block=registry["parcels"][1].block,
            deed_area_sq_wa=Decimal("30000"),
            geom=geom,
        )
        land_use(org, parcel, 5, "30000")
        OwnershipFactory(organisation=org, owner=owner, parcel=parcel)
    # shares 01A020's west edge, but J holds only half of it: not part of the group
    shared = ParcelFactory(
        organisation=org,
        parcel_code="01A023",
        block=registry["parcels"][1].block,
        deed_area_sq_wa=Decimal("30000"),
        geom=_box(x - size, y),
    )
    land_use(org, shared, 5, "30000")
    for holder in (owner, registry["people"]["C"]):
        OwnershipFactory(
            organisation=org, owner=holder, parcel=shared, share_numerator=1, share_denominator=2
        )
    backdate()

    assessment_run(org=org, tax_year=YEAR)

    j = current(org, owner)
    groups = {prop["ref"]: prop.get("adjoining_group") for prop in j.input_document["properties"]}
    assert groups == {"01A020": "01A020", "01A021": "01A020", "01A022": None, "01A023": None}
    merged, alone, half = j.result["lines"]
    assert merged["refs"] == ["01A020", "01A021"] and merged["base"] == "60000000.00"
    assert alone["refs"] == ["01A022"]
    assert half["refs"] == ["01A023"] and half["base"] == "15000000.00"
    # 60 M as one base crosses the 50 M band: 150,000 + 40,000; the corner parcel 90,000; the half 45,000
    expected = assess(
        QuoteInput(
            tax_year=YEAR,
            taxpayer_type=TaxpayerType.INDIVIDUAL,
            properties=(
                PropertyInput(
                    ref="merged",
                    use_weights=((Use.OTHER, Decimal(1)),),
                    land=LandInput(Decimal("60000"), Decimal("1000")),
                ),
                PropertyInput(
                    ref="alone",
                    use_weights=((Use.OTHER, Decimal(1)),),
                    land=LandInput(Decimal("30000"), Decimal("1000")),
                ),
                PropertyInput(
                    ref="half",
                    use_weights=((Use.OTHER, Decimal(1)),),
                    land=LandInput(Decimal("15000"), Decimal("1000")),
                ),
            ),
        )
    )
    assert j.total_satang == expected.total_satang == 32500000
    assert [line["tax_satang"] for line in j.result["lines"]] == [19000000, 9000000, 4500000]
    client.force_login(tax_officer)
    page = client.get(reverse("taxation:taxpayer", args=[owner.pk, YEAR]))
    assert page.status_code == 200
    assert "01A020, 01A021" in page.content.decode()
