"""The Land and Building Tax computation, in the order of land-building-tax.md §13.

Steps: 1. (the caller selects the property held on 1 January); 2. drop s.8 exempt property; 3. value land,
buildings and condominium units, adding up adjoining parcels (s.35, s.42 para 2); 4. split each base by use
(s.38); 5. take the allowances off (s.40, s.41, s.96); 6. slice the base through the bracket table, with
the s.43 vacant surcharge; 7. standing and year reductions; 8. s.97 relief (2563-2565); 9. round each line
once, total = sum of the lines.

Everything is exact (``Fraction``) until step 9; the year's numbers come from ``rules.YearRules``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from apps.taxation.domain.errors import QuoteErrorCode, QuoteInputError
from apps.taxation.domain.model import (
    BandSlice,
    PropertyInput,
    QuoteInput,
    QuoteLine,
    QuoteResult,
    Reduction,
    Residence,
    TaxpayerType,
    Use,
)
from apps.taxation.domain.money import to_satang
from apps.taxation.domain.rules import (
    GeneralReduction,
    RateBand,
    RateOverride,
    RateTable,
    YearRules,
    year_rules,
)
from apps.taxation.domain.settings import EngineSettings
from apps.valuation.domain.values import building_value, condo_unit_value, land_value

FIRST_TAX_YEAR = 2563  # collection under the Act began on 1 January 2563 (§1)
DEFAULT_SETTINGS = EngineSettings()
_EXEMPT_RE = re.compile(r"^s8\((1[0-2]|[1-9])\)$")  # the twelve grounds of s.8 (§5.1)
_ZERO = Fraction(0)
_HUNDRED = Fraction(100)


@dataclass(slots=True)
class _Bucket:
    """One base: property (or adjoining group, or whole taxpayer) x use x table x surcharge x reduction."""

    scope: tuple
    use: Use
    table: RateTable
    vacant_steps: int
    standing_pct: int
    adjoining_group: str | None
    refs: list[str] = field(default_factory=list)
    property_indexes: list[int] = field(default_factory=list)
    base: Fraction = _ZERO
    mixed_use: bool = False
    allowance: Fraction = _ZERO
    allowance_rule: str | None = None
    slices: tuple[BandSlice, ...] = ()
    surcharge_pct_points: Decimal = Decimal(0)
    # exact tax after each step: [before reductions, after step 1, …]; the step descriptions ride beside
    amounts: list[Fraction] = field(default_factory=list)
    steps: list[tuple[str, str, Decimal]] = field(default_factory=list)


def assess(
    quote_input: QuoteInput,
    *,
    settings: EngineSettings = DEFAULT_SETTINGS,
    rate_overrides: tuple[RateOverride, ...] = (),
) -> QuoteResult:
    """Compute one taxpayer's tax in one organisation for one year. Raises :class:`QuoteInputError`."""
    rules = _rules_for(quote_input.tax_year, rate_overrides)
    _check(quote_input, rules)
    individual = quote_input.taxpayer_type is TaxpayerType.INDIVIDUAL

    # Steps 2-4: exempt lines first-come in input order, every other property split into buckets by use.
    order: list[QuoteLine | tuple] = []
    buckets: dict[tuple, _Bucket] = {}
    for index, prop in enumerate(quote_input.properties):
        if prop.exempt is not None:
            order.append(_exempt_line(prop))
            continue
        _add_to_buckets(index, prop, quote_input.tax_year, rules, settings, buckets, order)

    # Step 5: allowances, pooled where the Act pools them (s.40 per organisation; one s.41 home per person).
    if individual:
        _apply_allowances(buckets.values(), rules, settings)

    # Step 6: brackets.
    for bucket in buckets.values():
        _tax_before_reductions(bucket, rules, settings)

    # Steps 7-8 in the configured order (§7.4).
    if settings.s97_order == "reduction_then_relief":
        for bucket in buckets.values():
            _apply_reductions(bucket, rules.general_reduction, rules.standing_reduction_rule, settings)
        _apply_relief(buckets, quote_input.properties, rules, settings)
    else:
        _apply_relief(buckets, quote_input.properties, rules, settings)
        for bucket in buckets.values():
            _apply_reductions(bucket, rules.general_reduction, rules.standing_reduction_rule, settings)

    # Step 9: round each line once; the total is the sum of the rounded lines (tax-quote-contract.md).
    lines = tuple(
        entry if isinstance(entry, QuoteLine) else _line(buckets[entry], settings) for entry in order
    )
    total_satang = sum(line.tax_satang for line in lines)
    return QuoteResult(
        tax_year=quote_input.tax_year,
        taxpayer_type=quote_input.taxpayer_type,
        lines=lines,
        total_satang=total_satang,
        installments_allowed=total_satang >= rules.installment_threshold_baht * 100,
        payment_due=rules.calendar.payment_due,
        installment_due=rules.calendar.installment_due,
        rates_instrument=rules.rates_instrument,
    )


def _rules_for(tax_year: int, rate_overrides: tuple[RateOverride, ...]) -> YearRules:
    if tax_year < FIRST_TAX_YEAR:
        raise QuoteInputError(
            "tax_year",
            f"{tax_year} is before 2563, the first year of the Land and Building Tax",
            code=QuoteErrorCode.TAX_YEAR_BEFORE_2563,
        )
    try:
        return year_rules(tax_year, rate_overrides)
    except LookupError as exc:
        raise QuoteInputError("tax_year", str(exc), code=QuoteErrorCode.TAX_YEAR_UNSUPPORTED) from exc


# --- checks that need the whole document or the year's rules ------------------------------------------------


def _check(quote_input: QuoteInput, rules: YearRules) -> None:
    individual = quote_input.taxpayer_type is TaxpayerType.INDIVIDUAL
    home_scope: tuple | None = None
    for index, prop in enumerate(quote_input.properties):
        where = f"properties[{index}]"
        if prop.exempt is not None:
            if not _EXEMPT_RE.match(prop.exempt):
                raise QuoteInputError(
                    f"{where}.exempt",
                    f"{prop.exempt!r} is not a section 8 ground; write s8(1) … s8(12)",
                    code=QuoteErrorCode.UNKNOWN_EXEMPTION,
                )
            continue
        weights = [weight for _, weight in prop.use_weights]
        if any(weight < 0 for weight in weights):
            raise QuoteInputError(
                f"{where}.uses", "use weights must not be negative", code=QuoteErrorCode.NEGATIVE
            )
        if not any(weight > 0 for weight in weights):
            raise QuoteInputError(
                f"{where}.uses",
                "give at least one use a positive weight",
                code=QuoteErrorCode.NO_POSITIVE_USE_WEIGHT,
            )
        if prop.condo_unit is not None and (prop.land is not None or prop.buildings):
            raise QuoteInputError(
                f"{where}.condo_unit",
                "a condominium unit is valued alone: send it without land and buildings",
                code=QuoteErrorCode.CONDO_WITH_LAND_OR_BUILDINGS,
            )
        if prop.land is None and not prop.buildings and prop.condo_unit is None:
            raise QuoteInputError(
                where, "give land, buildings or condo_unit to value", code=QuoteErrorCode.NOTHING_TO_VALUE
            )
        if prop.standing_reduction_pct and prop.standing_reduction_pct not in rules.standing_reduction_pcts:
            allowed = ", ".join(str(pct) for pct in sorted({0, *rules.standing_reduction_pcts}))
            raise QuoteInputError(
                f"{where}.standing_reduction_pct",
                f"must be one of {allowed} (RD 2563), got {prop.standing_reduction_pct}",
                code=QuoteErrorCode.BAD_STANDING_REDUCTION,
            )
        if prop.residence is None:
            continue
        _check_residence(where, prop, individual)
        scope = _scope(index, prop, "property")
        if home_scope is not None and scope != home_scope:
            # A person is named in one house registration only, so only one home gets s.41 (§3.2 [43]).
            raise QuoteInputError(
                f"{where}.residence",
                "only one property (or one adjoining group) can be the taxpayer's registered home",
                code=QuoteErrorCode.SECOND_RESIDENCE,
            )
        home_scope = scope


def _check_residence(where: str, prop: PropertyInput, individual: bool) -> None:
    if not individual:
        raise QuoteInputError(
            f"{where}.residence",
            "the s.41 home allowances are for individuals only; use null for a juristic person",
            code=QuoteErrorCode.RESIDENCE_FOR_JURISTIC,
        )
    if prop.residence is Residence.BUILDING_ONLY:
        if prop.land is not None or prop.condo_unit is not None:
            raise QuoteInputError(
                f"{where}.residence",
                "building_only is for an owner of the building alone, but this property has land "
                "(use main_house, or send the land as the land owner's property)",
                code=QuoteErrorCode.BUILDING_ONLY_WITH_LAND,
            )
        if not prop.buildings:
            raise QuoteInputError(
                f"{where}.residence",
                "building_only needs the building in buildings",
                code=QuoteErrorCode.BUILDING_ONLY_WITHOUT_BUILDING,
            )
    elif prop.land is None and prop.condo_unit is None:
        raise QuoteInputError(
            f"{where}.residence",
            "main_house needs the land (or a condominium unit); owning the building alone is building_only",
            code=QuoteErrorCode.MAIN_HOUSE_WITHOUT_LAND,
        )


# --- steps 2-4: lines for exempt property, value, split by use ---------------------------------------------


def _exempt_line(prop: PropertyInput) -> QuoteLine:
    ground = prop.exempt or ""
    base = _property_value(prop) if (prop.land or prop.buildings or prop.condo_unit) else _ZERO
    return QuoteLine(
        refs=(prop.ref,),
        use=None,
        table=None,
        exempt=ground,
        adjoining_group=prop.adjoining_group,
        base_baht=base,
        allowance_baht=_ZERO,
        taxable_baht=_ZERO,
        vacant_surcharge_pct_points=Decimal(0),
        slices=(),
        tax_before_reductions_baht=_ZERO,
        reductions=(),
        tax_satang=0,
        rules=(ground.replace("s8", "s.8"),),
    )


def _property_value(prop: PropertyInput) -> Fraction:
    """s.35 base: land + depreciated buildings of the same owner on the parcel, or a condominium unit (§9)."""
    total = Decimal(0)
    if prop.land is not None:
        total += land_value(
            area_sq_wa=prop.land.area_sq_wa, price_per_sq_wa_baht=prop.land.price_per_sq_wa_baht
        )
    for building in prop.buildings:
        total += building_value(
            floor_area_sqm=building.floor_area_sqm,
            price_per_sqm_baht=building.price_per_sqm_baht,
            construction=building.construction,
            age_years=building.age_years,
        )
    if prop.condo_unit is not None:
        total += condo_unit_value(
            area_sqm=prop.condo_unit.area_sqm, price_per_sqm_baht=prop.condo_unit.price_per_sqm_baht
        )
    return Fraction(total)


def _scope(index: int, prop: PropertyInput, bracket_scope: str) -> tuple:
    if bracket_scope == "taxpayer":
        return ("taxpayer",)
    if prop.adjoining_group is not None:
        return ("group", prop.adjoining_group)  # s.42 para 2: adjoining parcels are one base
    return ("property", index)


def _table_code(use: Use, residence: Residence | None) -> str:
    if use is Use.AGRICULTURE:
        return "A"
    if use is Use.RESIDENTIAL:
        return {Residence.MAIN_HOUSE: "R1", Residence.BUILDING_ONLY: "R2", None: "R3"}[residence]
    return "O" if use is Use.OTHER else "V"


def _vacant_steps(vacant_years: int, tax_year: int, rules: YearRules, settings: EngineSettings) -> int:
    """s.43 steps k = floor((n - 1) / 3) for n consecutive vacant years including this one (§6)."""
    counted = vacant_years
    if settings.vacant_years_counted_from is not None:
        counted = min(counted, tax_year - settings.vacant_years_counted_from + 1)
    return max(0, (counted - 1) // rules.vacant_every_years)


def _add_to_buckets(
    index: int,
    prop: PropertyInput,
    tax_year: int,
    rules: YearRules,
    settings: EngineSettings,
    buckets: dict[tuple, _Bucket],
    order: list,
) -> None:
    value = _property_value(prop)
    weights = [(use, weight) for use, weight in prop.use_weights if weight > 0]
    mixed = len(weights) > 1
    total_weight = _ZERO  # read only when mixed
    if mixed:
        weights = [(use, Fraction(weight)) for use, weight in weights]
        total_weight = sum(weight for _, weight in weights)
    scope = _scope(index, prop, settings.bracket_scope)
    for use, weight in sorted(weights, key=lambda pair: _USE_ORDER[pair[0]]):
        table = rules.tables[_table_code(use, prop.residence if use is Use.RESIDENTIAL else None)]
        steps = _vacant_steps(prop.vacant_years, tax_year, rules, settings) if use is Use.VACANT else 0
        key = (scope, use, table.code, steps, prop.standing_reduction_pct)
        bucket = buckets.get(key)
        if bucket is None:
            group = prop.adjoining_group if scope[0] == "group" else None
            bucket = _Bucket(scope, use, table, steps, prop.standing_reduction_pct, group)
            buckets[key] = bucket
            order.append(key)
        # s.38: the share is exact — never rounded (§8, example 7).
        # (one use takes the whole value: value x w / w, without the two Fraction operations)
        bucket.base += value * weight / total_weight if mixed else value
        bucket.mixed_use = bucket.mixed_use or mixed
        if prop.ref not in bucket.refs:
            bucket.refs.append(prop.ref)
        if index not in bucket.property_indexes:
            bucket.property_indexes.append(index)


_USE_ORDER = {use: position for position, use in enumerate(Use)}


# --- step 5: allowances -------------------------------------------------------------------------------------


def _apply_allowances(buckets, rules: YearRules, settings: EngineSettings) -> None:
    by_table: dict[str, list[_Bucket]] = {"A": [], "R1": [], "R2": []}
    for bucket in buckets:
        if bucket.table.code in by_table:
            by_table[bucket.table.code].append(bucket)
    if rules.s96_agriculture_individual_exempt:
        # s.96: an individual's agricultural property pays nothing in 2563-2565 (§5.2).
        for bucket in by_table["A"]:
            bucket.allowance, bucket.allowance_rule = bucket.base, "s.96"
    else:
        _share_pool(by_table["A"], Fraction(rules.agriculture_allowance_baht), "s.40", settings)
    _share_pool(by_table["R1"], Fraction(rules.main_house_allowance_baht), "s.41 para 1", settings)
    _share_pool(by_table["R2"], Fraction(rules.building_only_allowance_baht), "s.41 para 2", settings)


def _share_pool(buckets: list[_Bucket], pool: Fraction, rule: str, settings: EngineSettings) -> None:
    total = sum((bucket.base for bucket in buckets), _ZERO)
    if total <= pool:
        for bucket in buckets:
            bucket.allowance = bucket.base
    elif settings.agriculture_allowance_sharing == "proportional":
        for bucket in buckets:
            bucket.allowance = bucket.base * pool / total
    else:
        remaining = pool
        for bucket in sorted(buckets, key=lambda b: -b.base):  # sorted() is stable: ties keep input order
            bucket.allowance = min(bucket.base, remaining)
            remaining -= bucket.allowance
    for bucket in buckets:
        bucket.allowance_rule = rule if bucket.allowance else None


# --- step 6: brackets and the vacant surcharge --------------------------------------------------------------


@lru_cache(maxsize=512)
def _surcharged_bands(
    bands: tuple[RateBand, ...], step_pct: Decimal, cap_pct: Decimal
) -> tuple[RateBand, ...]:
    """s.43 per band: every band's rate + the surcharge, each capped at 3% (§6; Chom Thong app [47])."""
    return tuple(RateBand(band.up_to_baht, min(band.rate_pct + step_pct, cap_pct)) for band in bands)


def slice_tax(bands: tuple[RateBand, ...], start: Fraction, end: Fraction) -> tuple[BandSlice, ...]:
    """Marginal slices of ``[start, end]`` through ``bands``: each slice at its own band's rate (§4.4)."""
    slices = []
    lower = _ZERO
    for band in bands:
        upper = band.up_to
        low = max(lower, start)
        high = end if upper is None else min(upper, end)
        if high > low:
            slices.append(BandSlice(low, high, band.rate_pct, (high - low) * band.rate))
        if upper is None or upper >= end:
            break
        lower = upper
    return tuple(slices)


def _tax_before_reductions(bucket: _Bucket, rules: YearRules, settings: EngineSettings) -> None:
    bands = bucket.table.bands
    step_pct = rules.vacant_step_pct_points * bucket.vacant_steps
    if step_pct and settings.vacant_surcharge_method == "per_band":
        bands = _surcharged_bands(bands, step_pct, rules.vacant_cap_pct)
    if bucket.allowance_rule == "s.40" and settings.agriculture_allowance_bands == "consume_first_band":
        # §4.3 alternative: the allowance fills the bottom of the gross table, the rest starts where it ends.
        slices = slice_tax(bands, bucket.allowance, bucket.base)
    else:
        slices = slice_tax(bands, _ZERO, bucket.base - bucket.allowance)
    tax = sum((piece.tax_baht for piece in slices), _ZERO)
    if step_pct and settings.vacant_surcharge_method == "effective_rate":
        taxable = bucket.base - bucket.allowance
        surcharged = min(
            tax + taxable * Fraction(step_pct) / _HUNDRED, taxable * Fraction(rules.vacant_cap_pct) / _HUNDRED
        )
        slices = (*slices, BandSlice(_ZERO, taxable, step_pct, surcharged - tax))
        tax = surcharged
    bucket.slices = slices
    bucket.surcharge_pct_points = step_pct if bucket.vacant_steps else Decimal(0)
    bucket.amounts = [tax]


# --- steps 7-8: reductions and s.97 relief ------------------------------------------------------------------


def _apply_reductions(
    bucket: _Bucket, general: GeneralReduction | None, standing_rule: str, settings: EngineSettings
) -> None:
    standing = bucket.standing_pct
    applies_general = general is not None
    if general is not None and standing:
        mode = "like_2566" if general.stacking_confirmed else settings.unconfirmed_reduction_stacking
        if mode == "like_2566":
            # 2566: a standing 50% takes the 15% on top (42.5%), a standing 90% does not (§7.3 [9]).
            applies_general = standing not in general.not_with_standing_pct
        elif mode == "larger_only":
            applies_general = general.pct > standing
            standing = 0 if applies_general else standing
    if standing:
        _step(bucket, "standing", standing_rule, Decimal(standing))
    if applies_general and general is not None:
        _step(bucket, "general", general.rule, general.pct)


def _step(bucket: _Bucket, kind: str, rule: str, pct: Decimal) -> None:
    bucket.amounts.append(bucket.amounts[-1] * (_HUNDRED - Fraction(pct)) / _HUNDRED)
    bucket.steps.append((kind, rule, pct))


def _apply_relief(
    buckets: dict[tuple, _Bucket],
    properties: tuple[PropertyInput, ...],
    rules: YearRules,
    settings: EngineSettings,
) -> None:
    """s.97: pay the 2562 tax + X% of the increase, 2563-2565 (§7.4).

    The old tax is shared over the unit's lines in proportion to their new tax, which makes the relief linear,
    so each line can be rounded alone and the lines still add up to old + X% x (new - old).
    """
    pct = rules.s97_pct_of_increase
    if pct is None:
        return
    units: dict[tuple, list[_Bucket]] = {}
    for bucket in buckets.values():
        unit = ("taxpayer",) if settings.s97_scope == "taxpayer" else bucket.scope
        units.setdefault(unit, []).append(bucket)
    for members in units.values():
        indexes = {index for bucket in members for index in bucket.property_indexes}
        previous = [properties[i].previous_tax_2562_baht for i in sorted(indexes)]
        if all(value is None for value in previous):
            continue  # no 2562 figure given: nothing to compare with
        old = sum((Fraction(value) for value in previous if value is not None), _ZERO)
        new = sum((bucket.amounts[-1] for bucket in members), _ZERO)
        if new <= old:
            continue  # the new tax is not higher: s.97 gives nothing
        for bucket in members:
            current = bucket.amounts[-1]
            old_share = old * current / new
            bucket.amounts.append(old_share + (current - old_share) * Fraction(pct) / _HUNDRED)
            bucket.steps.append(("s97", "s.97", pct))


# --- step 9: one rounded line per bucket --------------------------------------------------------------------


def _line(bucket: _Bucket, settings: EngineSettings) -> QuoteLine:
    rounded = [
        to_satang(amount, mode=settings.rounding_mode, quantum_satang=settings.rounding_quantum_satang)
        for amount in bucket.amounts
    ]
    reductions = tuple(
        Reduction(kind=kind, rule=rule, pct=pct, amount_satang=rounded[position] - rounded[position + 1])
        for position, (kind, rule, pct) in enumerate(bucket.steps)
    )
    rules = ["s.35"]
    if bucket.mixed_use:
        rules.append("s.38")
    if bucket.adjoining_group is not None and len(bucket.property_indexes) > 1:
        rules.append("s.42 para 2")
    if bucket.allowance_rule:
        rules.append(bucket.allowance_rule)
    rules.append(bucket.table.rule)
    if bucket.table.ordinance:
        rules += ["s.37 para 6", bucket.table.ordinance]
    if bucket.surcharge_pct_points:
        rules.append("s.43")
    rules += [reduction.rule for reduction in reductions]
    return QuoteLine(
        refs=tuple(bucket.refs),
        use=bucket.use,
        table=bucket.table.code,
        exempt=None,
        adjoining_group=bucket.adjoining_group,
        base_baht=bucket.base,
        allowance_baht=bucket.allowance,
        taxable_baht=bucket.base - bucket.allowance,
        vacant_surcharge_pct_points=bucket.surcharge_pct_points,
        slices=bucket.slices,
        tax_before_reductions_baht=bucket.amounts[0],
        reductions=reductions,
        tax_satang=rounded[-1],
        rules=tuple(rules),
    )
