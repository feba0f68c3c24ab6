"""Appraised capital value (ราคาประเมินทุนทรัพย์), the base of the land and building tax [1 s.35].

land-building-tax.md §9: land = square wa x Treasury price per square wa (§9.2); building = floor area x
standard price per m² x (1 - depreciation) (§9.3, §9.4); condominium unit = area x unit price, never
depreciated (§9.5). All amounts are exact ``Decimal`` baht; nothing is rounded here, because the tax rounds
once per line at the very end (§10).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow

from apps.valuation.domain.depreciation import Construction, depreciation_pct

_HUNDRED = Decimal(100)
# Products of finite decimals are finite decimals, so with room for their digits nothing is ever rounded;
# Inexact is trapped so that a value that would need rounding fails instead of drifting (§10: no rounding).
_EXACT = Context(prec=400, traps=[Inexact, InvalidOperation, Overflow])


@dataclass(frozen=True, slots=True)
class BuildingValuation:
    """A building's value with the steps a ภ.ด.ส.7 calculation sheet prints."""

    gross_value_baht: Decimal  # floor area x price per m²
    depreciation_pct: Decimal
    depreciation_baht: Decimal
    value_baht: Decimal  # gross - depreciation


def land_value(*, area_sq_wa: Decimal, price_per_sq_wa_baht: Decimal) -> Decimal:
    """Land value = area x Treasury price per square wa (§9.2)."""
    return _EXACT.multiply(
        _amount(area_sq_wa, "area_sq_wa"), _amount(price_per_sq_wa_baht, "price_per_sq_wa_baht")
    )


def building_valuation(
    *,
    floor_area_sqm: Decimal,
    price_per_sqm_baht: Decimal,
    construction: Construction | str,
    age_years: int,
) -> BuildingValuation:
    """Building value = floor area (all storeys) x standard price x (1 - depreciation) (§9.3-9.4)."""
    gross = _EXACT.multiply(
        _amount(floor_area_sqm, "floor_area_sqm"), _amount(price_per_sqm_baht, "price_per_sqm_baht")
    )
    pct = depreciation_pct(construction, age_years)
    depreciation = _EXACT.divide(_EXACT.multiply(gross, pct), _HUNDRED)
    return BuildingValuation(
        gross_value_baht=gross,
        depreciation_pct=pct,
        depreciation_baht=depreciation,
        value_baht=_EXACT.subtract(gross, depreciation),
    )


def building_value(
    *, floor_area_sqm: Decimal, price_per_sqm_baht: Decimal, construction: Construction | str, age_years: int
) -> Decimal:
    """Shortcut for :func:`building_valuation` when only the value is needed."""
    return building_valuation(
        floor_area_sqm=floor_area_sqm,
        price_per_sqm_baht=price_per_sqm_baht,
        construction=construction,
        age_years=age_years,
    ).value_baht


def condo_unit_value(*, area_sqm: Decimal, price_per_sqm_baht: Decimal) -> Decimal:
    """Condominium unit value = area x unit price; units are not depreciated (§9.5; [25 p.62])."""
    return _EXACT.multiply(_amount(area_sqm, "area_sqm"), _amount(price_per_sqm_baht, "price_per_sqm_baht"))


def _amount(value: Decimal, name: str) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
        # Money and areas must arrive exact (STYLE: never float); a float here is a caller bug.
        raise TypeError(f"{name} must be Decimal or int, got {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite() or value < 0:
        raise ValueError(f"{name} must be a finite non-negative number, got {value}")
    return value
