"""Land, building and condominium values of land-building-tax.md §9.2-9.5, from the worked examples of §12."""

from decimal import Decimal

import pytest

from apps.valuation.domain.values import building_valuation, building_value, condo_unit_value, land_value

D = Decimal


@pytest.mark.parametrize(
    ("area_sq_wa", "price", "value"),
    [
        (D("100"), D("30000"), D("3000000")),  # example 1
        (D("400"), D("5000"), D("2000000")),  # example 4: 1 rai
        (D("20"), D("100000"), D("2000000")),  # example 8
        (D("935.5"), D("1234.56"), D("1154930.880")),
    ],
)
def test_land_value(area_sq_wa, price, value):
    assert land_value(area_sq_wa=area_sq_wa, price_per_sq_wa_baht=price) == value


@pytest.mark.parametrize(
    ("area", "price", "construction", "age", "gross", "pct", "value"),
    [
        (D("80"), D("7500"), "wood", 10, D("600000"), D(40), D("360000")),  # example 1
        (D("700"), D("3550"), "wood", 4, D("2485000"), D(12), D("2186800")),  # example 4
        (D("192"), D("8200"), "masonry", 12, D("1574400"), D(14), D("1353984")),  # example 8
        (D("250"), D("7250"), "masonry", 25, D("1812500"), D(40), D("1087500")),  # example 9
        (D("10"), D("1000"), "half", 0, D("10000"), D(0), D("10000")),
    ],
)
def test_building_valuation(area, price, construction, age, gross, pct, value):
    result = building_valuation(
        floor_area_sqm=area, price_per_sqm_baht=price, construction=construction, age_years=age
    )
    assert result.gross_value_baht == gross
    assert result.depreciation_pct == pct
    assert result.value_baht == value
    assert result.gross_value_baht - result.depreciation_baht == value
    assert (
        building_value(
            floor_area_sqm=area, price_per_sqm_baht=price, construction=construction, age_years=age
        )
        == value
    )


def test_condo_unit_is_not_depreciated():
    # example 3: 30 m² x 25,000 = 750,000 whatever the age [25 p.62]
    assert condo_unit_value(area_sqm=D("30"), price_per_sqm_baht=D("25000")) == D("750000")


@pytest.mark.parametrize(("area", "error"), [(1.5, TypeError), (D("-1"), ValueError), ("12", TypeError)])
def test_values_refuse_bad_amounts(area, error):
    with pytest.raises(error):
        land_value(area_sq_wa=area, price_per_sq_wa_baht=D("1"))
