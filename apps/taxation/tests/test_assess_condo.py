"""Condominium units in the yearly run (§9.5), tax year 2569, worked out by hand.

Round 2566-2569: block 01A 1,000 baht/sq wa; units of building 01A010-B001 30,000 baht/m²; building
01A010-B002 has no unit price. Units are never depreciated; residential use.
- K (individual), unit 101, 40 m², named in the house registration → R1 main house: 1,200,000 ≤ 50 M → 0.00
- L (individual), unit 102, 50 m², let → R3: 1,500,000 × 0.02% = 300.00
- N and O, ½ each of unit 103, 60 m² → 30 m² × 30,000 = 900,000 × 0.02% = 180.00 each
- M, unit 201 in B002: no unit price → a problem, M not assessed.
"""

import datetime as dt
from decimal import Decimal

import pytest

from apps.core.testing import pdf_text
from apps.registry.models import CondoUnit, Owner
from apps.registry.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    OwnershipFactory,
    ParcelFactory,
    TaxMapBlockFactory,
    TaxMapZoneFactory,
)
from apps.taxation.models import Assessment
from apps.taxation.pdfs import notice_pdf, property_list_pdf
from apps.taxation.selectors import assessment_breakdown
from apps.taxation.services import assessment_run
from apps.taxation.tests.test_assess_run import YEAR, backdate, land_use
from apps.valuation.models import AppraisalRound, BlockLandPrice, CondoPrice


@pytest.fixture
def condos(org):
    zone = TaxMapZoneFactory(organisation=org, zone_no=1)
    block = TaxMapBlockFactory(organisation=org, zone=zone, block_letter="A")
    round_ = AppraisalRound.objects.create(organisation=org, name="2566-2569", valid_from=dt.date(2023, 1, 1))
    BlockLandPrice.objects.create(
        organisation=org, appraisal_round=round_, block=block, price_per_sq_wa=Decimal("1000")
    )
    parcel = ParcelFactory(
        organisation=org, parcel_code="01A010", block=block, deed_area_sq_wa=Decimal("100")
    )
    land_use(org, parcel, 2, "100")
    people = {name: OwnerFactory(organisation=org) for name in "KLMNO"}
    people["J"] = OwnerFactory(
        organisation=org, owner_type=Owner.OwnerType.JURISTIC, id_number="0465500000011", first_name="นิติบุคคล"
    )
    OwnershipFactory(organisation=org, owner=people["J"], parcel=parcel)
    priced, unpriced = (
        BuildingFactory(organisation=org, parcel=parcel, building_no=no, is_condominium=True) for no in (1, 2)
    )
    CondoPrice.objects.create(
        organisation=org, appraisal_round=round_, building=priced, price_per_sqm=Decimal("30000")
    )

    def unit(building, unit_no, area, *holders, in_house=False):
        condo_unit = CondoUnit.objects.create(
            organisation=org, building=building, unit_no=unit_no, area_m2=Decimal(area)
        )
        for name in holders:
            OwnershipFactory(
                organisation=org,
                owner=people[name],
                parcel=None,
                condo_unit=condo_unit,
                share_denominator=len(holders),
                in_house_registration=in_house,
            )
        return condo_unit

    units = {
        "101": unit(priced, "101", "40", "K", in_house=True),
        "102": unit(priced, "102", "50", "L"),
        "103": unit(priced, "103", "60", "N", "O"),
        "201": unit(unpriced, "201", "45", "M", in_house=True),
    }
    backdate()
    return {"people": people, "units": units, "parcel": parcel, "unpriced": unpriced}


def draft(org, owner) -> Assessment:
    return Assessment.objects.get(
        organisation=org, tax_year=YEAR, owner=owner, status=Assessment.Status.DRAFT
    )


def test_units_are_assessed_at_area_times_unit_price_without_depreciation(org, condos):
    assessment_run(org=org, tax_year=YEAR)
    people = condos["people"]

    totals = {name: draft(org, people[name]).total_satang for name in "KLNO"}
    assert totals == {"K": 0, "L": 30000, "N": 18000, "O": 18000}
    home = draft(org, people["K"]).input_document["properties"]
    assert home == [
        {
            "ref": "01A010-B001/101",
            "uses": {"residential": "1"},
            "condo_unit": {"area_sqm": "40", "price_per_sqm": "30000"},
            "residence": "main_house",
        }
    ]
    let = draft(org, people["L"]).input_document["properties"][0]
    assert "residence" not in let
    assert draft(org, people["N"]).input_document["properties"][0]["condo_unit"]["area_sqm"] == "30"
    assert draft(org, people["N"]).provenance["properties"][0]["share"] == "1/2"


def test_the_condominium_building_is_not_valued_as_a_building_of_the_land_owner(org, condos):
    assessment_run(org=org, tax_year=YEAR)

    land = draft(org, condos["people"]["J"]).input_document["properties"]
    assert [prop["ref"] for prop in land] == ["01A010"]
    assert "buildings" not in land[0]


def test_a_unit_without_a_price_is_a_problem_and_its_owner_is_skipped(org, condos):
    run = assessment_run(org=org, tax_year=YEAR)

    problem = run.problems.get(kind="condo_no_price")
    assert problem.building_id == condos["unpriced"].pk
    assert problem.parcel_id == condos["parcel"].pk
    assert "01A010-B002/201" in problem.message
    assert not Assessment.objects.filter(owner=condos["people"]["M"]).exists()


def test_the_notice_and_property_list_show_the_unit(org, condos):
    assessment_run(org=org, tax_year=YEAR)
    let = draft(org, condos["people"]["L"])

    (row,) = assessment_breakdown(let)
    assert row.is_condo
    assert (row.ref, row.condo_value_baht, row.total_value_baht) == (
        "01A010-B001/102",
        Decimal("1500000"),
        Decimal("1500000"),
    )
    assert "01A010-B001/102" in pdf_text(notice_pdf([let]))
    assert "01A010-B001/102" in pdf_text(property_list_pdf([let]))


def test_a_unit_bought_after_1_january_waits_for_next_year(org, condos):
    late_buyer = OwnerFactory(organisation=org)
    unit = condos["units"]["101"]
    OwnershipFactory(organisation=org, owner=late_buyer, parcel=None, condo_unit=unit)  # recorded today

    run = assessment_run(org=org, tax_year=YEAR)

    assert not Assessment.objects.filter(owner=late_buyer).exists()
    assert draft(org, condos["people"]["K"]).total_satang == 0
    assert not run.problems.filter(kind="shares_not_one").exists()  # K still held it whole on 1 January
