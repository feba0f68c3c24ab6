"""Depreciation table of land-building-tax.md §9.4 (Treasury 2535 table)."""

from decimal import Decimal

import pytest

from apps.valuation.domain.depreciation import DEPRECIATION_PCT_BY_AGE, Construction, depreciation_pct


def _closed_form(construction: Construction, n: int) -> int:
    # The closed forms printed under the table in §9.4, used as an independent check of the data rows.
    if n == 0:
        return 0
    if construction is Construction.MASONRY:
        return min(n if n <= 10 else 2 * n - 10, 76)
    if construction is Construction.HALF:
        if n <= 5:
            return 2 * n
        return 10 + 4 * (n - 5) if n <= 15 else min(50 + 5 * (n - 15), 85)
    if n <= 5:
        return 3 * n
    return 15 + 5 * (n - 5) if n <= 15 else min(65 + 7 * (n - 15), 93)


@pytest.mark.parametrize(
    ("construction", "age_years", "pct"),
    [
        ("wood", 10, 40),  # manual: wooden house 10 years → 40% [25 p.59]
        ("wood", 4, 12),  # manual: wooden shed 4 years → 12% [25 p.58]
        ("masonry", 12, 14),  # example 8
        ("masonry", 25, 40),  # example 9
        ("masonry", 0, 0),
        ("masonry", 1, 1),
        ("masonry", 11, 12),
        ("masonry", 42, 74),
        ("masonry", 43, 76),
        ("masonry", 100, 76),
        ("half", 5, 10),
        ("half", 6, 14),
        ("half", 16, 55),
        ("half", 21, 80),
        ("half", 22, 85),
        ("half", 60, 85),
        ("wood", 16, 72),
        ("wood", 18, 86),
        ("wood", 19, 93),
        ("wood", 50, 93),
    ],
)
def test_depreciation_pct_table_rows(construction, age_years, pct):
    assert depreciation_pct(construction, age_years) == Decimal(pct)


@pytest.mark.parametrize("construction", list(Construction))
def test_table_matches_closed_forms_for_every_age(construction):
    for n in range(0, 61):
        assert depreciation_pct(construction, n) == _closed_form(construction, n), (construction, n)


@pytest.mark.parametrize("construction", list(Construction))
def test_table_never_decreases_with_age(construction):
    rows = DEPRECIATION_PCT_BY_AGE[construction]
    assert list(rows) == sorted(rows)


@pytest.mark.parametrize(
    ("construction", "age_years", "error"),
    [("steel", 1, ValueError), ("wood", -1, ValueError), ("wood", 1.5, TypeError), ("wood", True, TypeError)],
)
def test_depreciation_pct_refuses(construction, age_years, error):
    with pytest.raises(error):
        depreciation_pct(construction, age_years)
