"""Building depreciation by age: the Treasury table (2535 regulation of the appraisal committee).

Source: land-building-tax.md §9.4 [27; 28], cross-checked with the practice manual's examples (wooden house
10 years → 40%, wooden shed 4 years → 12% [25 p.58-59]). Kept as data, one row per completed year of age, so a
reviewer can hold it against the published table line by line; the last row of each class is its cap.

How age is counted (completed years to 1 January, or tax year - year of completion) is UNCONFIRMED (§9.4): the
caller passes whole years and this module does not guess.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class Construction(StrEnum):
    """Construction class of the Treasury table; the values are the tax-quote contract's keys."""

    MASONRY = "masonry"  # ตึก (masonry / reinforced concrete)
    HALF = "half"  # ตึกครึ่งไม้ (half masonry, half wood)
    WOOD = "wood"  # ไม้


# Percent depreciated after age 1, 2, 3, … completed years; ages past the end keep the last value (the cap).
DEPRECIATION_PCT_BY_AGE: dict[Construction, tuple[int, ...]] = {
    # ตึก: n% to 10 years, then +2 per year, capped at 76% from age 43.
    Construction.MASONRY: (
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
        12, 14, 16, 18, 20, 22, 24, 26, 28, 30,
        32, 34, 36, 38, 40, 42, 44, 46, 48, 50,
        52, 54, 56, 58, 60, 62, 64, 66, 68, 70,
        72, 74, 76,
    ),
    # ตึกครึ่งไม้: 2 per year to 5, 4 per year to 15, then 5 per year, capped at 85% from age 22.
    Construction.HALF: (
        2, 4, 6, 8, 10, 14, 18, 22, 26, 30,
        34, 38, 42, 46, 50, 55, 60, 65, 70, 75,
        80, 85,
    ),
    # ไม้: 3 per year to 5, 5 per year to 15, then 7 per year, capped at 93% from age 19.
    Construction.WOOD: (
        3, 6, 9, 12, 15, 20, 25, 30, 35, 40,
        45, 50, 55, 60, 65, 72, 79, 86, 93,
    ),
}  # fmt: skip


def depreciation_pct(construction: Construction | str, age_years: int) -> Decimal:
    """Percent of the building's value lost to age, e.g. ``depreciation_pct("wood", 10) == Decimal(40)``.

    ``age_years`` is whole completed years; 0 (new) → 0%. Unknown construction classes raise ``ValueError``.
    """
    construction = Construction(construction)
    if isinstance(age_years, bool) or not isinstance(age_years, int):
        raise TypeError(f"age_years must be a whole number of years, got {age_years!r}")
    if age_years < 0:
        raise ValueError(f"age_years must not be negative, got {age_years}")
    if age_years == 0:
        return Decimal(0)
    table = DEPRECIATION_PCT_BY_AGE[construction]
    return Decimal(table[min(age_years, len(table)) - 1])
