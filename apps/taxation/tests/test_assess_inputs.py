"""inputs.py without the database: the registry → contract mapping on hand-made snapshots."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from apps.taxation.domain import EngineSettings, assess, quote, quote_input_from_document, result_to_dict
from apps.taxation.inputs import (
    BuildingRow,
    ParcelRow,
    ShareRow,
    Snapshot,
    TaxpayerProblem,
    build_document,
    check_snapshot,
    taxpayer_input,
)

OWNER, OTHER_OWNER = 1, 2


def snapshot(**kwargs) -> Snapshot:
    snap = Snapshot(tax_year=2569, as_of=dt.datetime(2026, 1, 2, tzinfo=dt.UTC), round_id=1, round_name="R")
    snap.owner_types = {OWNER: "individual", OTHER_OWNER: "individual"}
    for key, value in kwargs.items():
        setattr(snap, key, value)
    return snap


def shophouse_snapshot() -> Snapshot:
    """Example 8 of land-building-tax.md §12: shop on the ground floor, the owner's home upstairs."""
    snap = snapshot()
    snap.parcels = {10: ParcelRow(10, "01A010", 1, 1, "A", Decimal("20"))}
    snap.land_uses = {10: [(7, Decimal("20"), None)]}  # mixed: follows the building's floors
    shop = BuildingRow(100, 10, "01A010-B001", "402", "masonry", Decimal("192"), 2557)  # age 12 → 14%
    snap.buildings = {100: shop}
    snap.buildings_by_parcel = {10: [shop]}
    snap.building_uses = {100: [(3, Decimal("64")), (1, Decimal("128"))]}
    snap.parcel_shares = {10: [ShareRow(OWNER, Fraction(1), True)]}
    snap.land_prices = {10: (Decimal("100000"), "block", "01A")}
    snap.building_prices = {"402": Decimal("8200")}
    return snap


def test_mixed_use_shophouse_is_split_by_floor_area_like_example_8():
    snap = shophouse_snapshot()
    problems, blocked = check_snapshot(snap)
    document, provenance = build_document(snap, OWNER)

    assert problems == [] and blocked == set()
    (prop,) = document["properties"]
    assert prop["uses"] == {"other": "1", "residential": "2"}
    assert prop["residence"] == "main_house"
    assert prop["buildings"][0]["age_years"] == 12
    assert quote(document)["total"] == "3353.98"
    assert provenance["properties"][0]["buildings"][0]["code"] == "01A010-B001"


def test_a_third_share_is_cut_at_ten_places_and_the_share_is_kept():
    snap = shophouse_snapshot()
    snap.parcel_shares = {
        10: [ShareRow(OWNER, Fraction(1, 3), False), ShareRow(OTHER_OWNER, Fraction(2, 3), False)]
    }
    check_snapshot(snap)
    document, provenance = build_document(snap, OWNER)

    assert document["properties"][0]["land"]["area"] == {"sq_wa": "6.6666666667"}
    assert document["properties"][0]["buildings"][0]["floor_area_sqm"] == "64"
    assert provenance["properties"][0]["land_share"] == "1/3"
    assert "residence" not in document["properties"][0]


def test_owner_of_the_building_alone_is_building_only():
    snap = shophouse_snapshot()
    snap.building_shares = {100: [ShareRow(OTHER_OWNER, Fraction(1), True)]}
    snap.parcel_shares = {10: [ShareRow(OWNER, Fraction(1), False)]}
    check_snapshot(snap)

    land_doc, _ = build_document(snap, OWNER)
    house_doc, _ = build_document(snap, OTHER_OWNER)
    assert "buildings" not in land_doc["properties"][0]
    assert house_doc["properties"][0]["residence"] == "building_only"
    assert "land" not in house_doc["properties"][0]


def test_vacant_years_count_from_vacant_since_or_the_code():
    snap = shophouse_snapshot()
    snap.buildings_by_parcel = {}
    snap.land_uses = {10: [(6, Decimal("20"), 2563)]}
    check_snapshot(snap)
    assert build_document(snap, OWNER)[0]["properties"][0]["vacant_years"] == 7
    snap.land_uses = {10: [(9, Decimal("20"), None)]}
    assert build_document(snap, OWNER)[0]["properties"][0]["vacant_years"] == 6


def test_two_homes_raise_a_problem_for_the_owner():
    snap = shophouse_snapshot()
    snap.parcels[11] = ParcelRow(11, "01A011", 1, 1, "A", Decimal("20"))
    second = BuildingRow(101, 11, "01A011-B001", "402", "masonry", Decimal("100"), 2560)
    snap.buildings[101] = second
    snap.buildings_by_parcel[11] = [second]
    snap.building_uses[101] = [(1, Decimal("100"))]
    snap.land_uses[11] = [(2, Decimal("20"), None)]
    snap.parcel_shares[11] = [ShareRow(OWNER, Fraction(1), True)]
    snap.land_prices[11] = (Decimal("100000"), "block", "01A")
    check_snapshot(snap)

    with pytest.raises(TaxpayerProblem) as caught:
        build_document(snap, OWNER)
    assert caught.value.problem.kind == "two_main_houses"
    assert caught.value.problem.params["parcels"] == "01A010, 01A011"


def test_building_without_price_blocks_its_owners():
    snap = shophouse_snapshot()
    snap.building_prices = {}
    problems, blocked = check_snapshot(snap)
    assert [p.kind for p in problems] == ["building_no_price"]
    assert blocked == {OWNER}


@pytest.mark.parametrize("share", [Fraction(1), Fraction(1, 3), Fraction(1, 2)])
@pytest.mark.parametrize("land_use", [1, 4, 5, 6, 7])
def test_the_typed_input_built_beside_the_document_is_the_contracts_parse_of_it(share, land_use):
    snap = shophouse_snapshot()
    snap.land_uses = {10: [(land_use, Decimal("20"), 2560)]}
    snap.parcel_shares = {10: [ShareRow(OWNER, share, True), ShareRow(OTHER_OWNER, 1 - share, False)]}
    check_snapshot(snap)
    cache: dict = {}
    document, _, typed = taxpayer_input(snap, OWNER, cache)

    assert typed == quote_input_from_document(document)
    assert taxpayer_input(snap, OTHER_OWNER, cache).quote_input == quote_input_from_document(
        build_document(snap, OTHER_OWNER)[0]
    )  # the co-owner reuses the parcel's cached uses and still gets his own share
    for settings in (EngineSettings(), EngineSettings(rounding_quantum_satang=100)):
        assert result_to_dict(assess(typed, settings=settings), settings=settings) == quote(
            document, settings=settings
        )
