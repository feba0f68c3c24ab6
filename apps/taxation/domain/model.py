"""Typed inputs and outputs of the tax engine (tax-quote-contract.md, in Python form).

Inputs are what :func:`apps.taxation.domain.parse.quote_input_from_document` makes of a JSON document, or what
the assessment run builds straight from the registry. Amounts are exact: ``Decimal`` in, ``Fraction`` inside,
integer satang for every rounded amount out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from apps.valuation.domain.depreciation import Construction


class TaxpayerType(StrEnum):
    INDIVIDUAL = "individual"  # บุคคลธรรมดา: gets the s.40/s.41 allowances and the s.96 farm exemption
    JURISTIC = "juristic"  # นิติบุคคล


class Use(StrEnum):
    """The four use categories of s.37 (§3), in the order lines are printed."""

    AGRICULTURE = "agriculture"
    RESIDENTIAL = "residential"
    OTHER = "other"
    VACANT = "vacant"


class Residence(StrEnum):
    MAIN_HOUSE = "main_house"  # s.41 para 1, table R1
    BUILDING_ONLY = "building_only"  # s.41 para 2, table R2


@dataclass(frozen=True, slots=True)
class LandInput:
    area_sq_wa: Decimal
    price_per_sq_wa_baht: Decimal


@dataclass(frozen=True, slots=True)
class BuildingInput:
    floor_area_sqm: Decimal  # all storeys (§9.3)
    price_per_sqm_baht: Decimal
    construction: Construction
    age_years: int


@dataclass(frozen=True, slots=True)
class CondoUnitInput:
    area_sqm: Decimal
    price_per_sqm_baht: Decimal


@dataclass(frozen=True, slots=True)
class PropertyInput:
    ref: str
    use_weights: tuple[tuple[Use, Decimal], ...] = ()
    land: LandInput | None = None
    buildings: tuple[BuildingInput, ...] = ()
    condo_unit: CondoUnitInput | None = None
    residence: Residence | None = None
    vacant_years: int = 0
    adjoining_group: str | None = None
    exempt: str | None = None  # an s.8 ground, "s8(5)"
    standing_reduction_pct: int = 0
    previous_tax_2562_baht: Decimal | None = (
        None  # for the s.97 relief of 2563-2565 (§7.4); an input extension
    )


@dataclass(frozen=True, slots=True)
class QuoteInput:
    tax_year: int  # B.E.
    taxpayer_type: TaxpayerType
    properties: tuple[PropertyInput, ...]


@dataclass(frozen=True, slots=True)
class BandSlice:
    """One slice of a line's base in one band, as the ภ.ด.ส.7 sheet prints it."""

    from_baht: Fraction
    to_baht: Fraction
    rate_pct: Decimal
    tax_baht: Fraction


@dataclass(frozen=True, slots=True)
class Reduction:
    kind: str  # "standing", "general" or "s97"
    rule: str
    pct: Decimal
    amount_satang: int  # shown amounts add up: tax_before_reductions - Σ amounts = tax


@dataclass(frozen=True, slots=True)
class QuoteLine:
    refs: tuple[str, ...]  # the properties valued together on this line (several for an adjoining group)
    use: Use | None  # None for an exempt property
    table: str | None
    exempt: str | None
    adjoining_group: str | None
    base_baht: Fraction
    allowance_baht: Fraction
    taxable_baht: Fraction
    vacant_surcharge_pct_points: Decimal
    slices: tuple[BandSlice, ...]
    tax_before_reductions_baht: Fraction
    reductions: tuple[Reduction, ...]
    tax_satang: int
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuoteResult:
    tax_year: int
    taxpayer_type: TaxpayerType
    lines: tuple[QuoteLine, ...]
    total_satang: int
    installments_allowed: bool
    payment_due: date
    installment_due: tuple[date, ...]
    rates_instrument: str
