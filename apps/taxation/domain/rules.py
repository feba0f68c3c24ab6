"""Per-year rules as data: ``data/<B.E. year>.toml`` read once with tomllib, plus local ordinance overrides.

land-building-tax.md §13: "keep every constant (bands, rates, allowances, reduction %, due dates, instalment
threshold) in versioned per-year configuration, not in code". A year without a file is refused rather than
borrowed from a neighbour, because each new year needs someone to check its decrees (§7.1, §14.10).

An organisation may set rates above the Royal Decree up to the s.37 ceilings by local ordinance [1 s.37 paras
6-7] (§1, §4.1). The engine reads no database: the caller passes the ordinance's tables as
:class:`RateOverride` values and :func:`year_rules` validates and caches the merged rules.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from apps.taxation.domain.model import Use

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLE_CODES = ("A", "R1", "R2", "R3", "O", "V")


@dataclass(frozen=True, slots=True)
class RateBand:
    """The slice of the base up to ``up_to_baht`` (``None``: no ceiling) is taxed at ``rate_pct`` percent."""

    up_to_baht: Decimal | None
    rate_pct: Decimal
    # Exact copies for the engine, made once here instead of on every one of 100,000 quotes.
    up_to: Fraction | None = field(init=False, repr=False, compare=False)
    rate: Fraction = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "up_to", None if self.up_to_baht is None else Fraction(self.up_to_baht))
        object.__setattr__(self, "rate", Fraction(self.rate_pct) / 100)


@dataclass(frozen=True, slots=True)
class RateTable:
    code: str  # A, R1, R2, R3, O, V (§4.2)
    use: Use
    rule: str  # "s.94(1)" …, printed on the line
    bands: tuple[RateBand, ...]
    ordinance: str | None = None  # set when a local ordinance replaced the decree's table

    def __post_init__(self) -> None:
        _check_bands(self.code, self.bands)


@dataclass(frozen=True, slots=True)
class RateOverride:
    """One table of a local ordinance (s.37 paras 6-7): at or above the decree, at most the s.37 ceiling."""

    table: str
    bands: tuple[RateBand, ...]
    ordinance: str  # e.g. "ข้อบัญญัติ อบต.ทรายทอง 2568", printed in the line's rules


@dataclass(frozen=True, slots=True)
class GeneralReduction:
    pct: Decimal
    rule: str
    not_with_standing_pct: frozenset[int]
    stacking_confirmed: bool


@dataclass(frozen=True, slots=True)
class YearCalendar:
    notice_by: date | None
    payment_due: date
    installment_due: tuple[date, ...]
    dates_confirmed: bool
    source: str


@dataclass(frozen=True, slots=True)
class YearRules:
    tax_year: int
    rates_instrument: str
    rates_confirmed: bool
    tables: MappingProxyType[str, RateTable]
    ceilings_pct: MappingProxyType[Use, Decimal]
    agriculture_allowance_baht: Decimal
    main_house_allowance_baht: Decimal
    building_only_allowance_baht: Decimal
    vacant_step_pct_points: Decimal
    vacant_every_years: int
    vacant_cap_pct: Decimal
    standing_reduction_pcts: frozenset[int]
    standing_reduction_rule: str
    s96_agriculture_individual_exempt: bool
    general_reduction: GeneralReduction | None
    s97_pct_of_increase: Decimal | None
    installment_threshold_baht: Decimal
    installment_max_count: int
    calendar: YearCalendar
    overrides: tuple[RateOverride, ...] = ()


class RuleDataError(ValueError):
    """A year file or an ordinance override that breaks the Act's limits."""


def available_tax_years() -> tuple[int, ...]:
    return _available_tax_years()


def year_rules(tax_year: int, overrides: tuple[RateOverride, ...] = ()) -> YearRules:
    """Rules of ``tax_year`` (B.E.), with an organisation's ordinance tables applied; cached per argument.

    Raises ``LookupError`` for a year without a data file and :class:`RuleDataError` for an override above the
    s.37 ceiling or below the decree's rate anywhere.
    """
    return _year_rules(tax_year, tuple(overrides))


@lru_cache(maxsize=1)
def _available_tax_years() -> tuple[int, ...]:
    return tuple(sorted(int(path.stem) for path in DATA_DIR.glob("*.toml") if path.stem.isdigit()))


@lru_cache(maxsize=256)
def _year_rules(tax_year: int, overrides: tuple[RateOverride, ...]) -> YearRules:
    base = _load_year(tax_year)
    if not overrides:
        return base
    tables = dict(base.tables)
    for override in overrides:
        decree = base.tables.get(override.table)
        if decree is None:
            raise RuleDataError(f"override names unknown table {override.table!r}; use one of {TABLE_CODES}")
        _check_override(decree, override, base.ceilings_pct[decree.use])
        tables[override.table] = RateTable(
            code=decree.code,
            use=decree.use,
            rule=decree.rule,
            bands=override.bands,
            ordinance=override.ordinance,
        )
    return _replace_tables(base, tables, overrides)


@lru_cache(maxsize=32)
def _load_year(tax_year: int) -> YearRules:
    path = DATA_DIR / f"{tax_year}.toml"
    if not path.is_file():
        raise LookupError(f"no rules for tax year {tax_year}; known years: {_available_tax_years()}")
    with path.open("rb") as handle:
        # parse_float=Decimal: "0.01" must stay 0.01, not 0.01000000000000000020816681711721685.
        raw = tomllib.load(handle, parse_float=Decimal)
    if raw["tax_year"] != tax_year:
        raise RuleDataError(f"{path.name} says tax_year = {raw['tax_year']}")
    return _build(raw)


def _build(raw: dict[str, Any]) -> YearRules:
    tables = {}
    for code in TABLE_CODES:
        entry = raw["tables"][code]
        bands = tuple(
            RateBand(up_to_baht=_dec_or_none(band.get("up_to")), rate_pct=Decimal(band["rate_pct"]))
            for band in entry["bands"]
        )
        tables[code] = RateTable(code=code, use=Use(entry["use"]), rule=entry["rule"], bands=bands)
    ceilings = {Use(name): Decimal(value) for name, value in raw["ceilings_pct"].items()}
    for table in tables.values():
        if any(band.rate_pct > ceilings[table.use] for band in table.bands):
            raise RuleDataError(f"table {table.code} of {raw['tax_year']} is above the s.37 ceiling")
    general = raw.get("general_reduction")
    s97 = raw.get("s97")
    calendar = raw["calendar"]
    return YearRules(
        tax_year=raw["tax_year"],
        rates_instrument=raw["rates_instrument"],
        rates_confirmed=raw["rates_confirmed"],
        tables=MappingProxyType(tables),
        ceilings_pct=MappingProxyType(ceilings),
        agriculture_allowance_baht=Decimal(raw["allowances_baht"]["agriculture_individual"]),
        main_house_allowance_baht=Decimal(raw["allowances_baht"]["main_house"]),
        building_only_allowance_baht=Decimal(raw["allowances_baht"]["building_only"]),
        vacant_step_pct_points=Decimal(raw["vacant_surcharge"]["step_pct_points"]),
        vacant_every_years=int(raw["vacant_surcharge"]["every_years"]),
        vacant_cap_pct=Decimal(raw["vacant_surcharge"]["cap_pct"]),
        standing_reduction_pcts=frozenset(raw["standing_reduction"]["allowed_pct"]),
        standing_reduction_rule=raw["standing_reduction"]["rule"],
        s96_agriculture_individual_exempt=raw["s96"]["agriculture_individual_exempt"],
        general_reduction=None
        if general is None
        else GeneralReduction(
            pct=Decimal(general["pct"]),
            rule=general["rule"],
            not_with_standing_pct=frozenset(general.get("not_with_standing_pct", ())),
            stacking_confirmed=general["stacking_confirmed"],
        ),
        s97_pct_of_increase=None if s97 is None else Decimal(s97["pct_of_increase"]),
        installment_threshold_baht=Decimal(raw["installments"]["threshold_baht"]),
        installment_max_count=int(raw["installments"]["max_count"]),
        calendar=YearCalendar(
            notice_by=calendar.get("notice_by"),
            payment_due=calendar["payment_due"],
            installment_due=tuple(calendar.get("installment_due", ())),
            dates_confirmed=calendar["dates_confirmed"],
            source=calendar["source"],
        ),
    )


def _replace_tables(
    base: YearRules, tables: dict[str, RateTable], overrides: tuple[RateOverride, ...]
) -> YearRules:
    values = {name: getattr(base, name) for name in YearRules.__dataclass_fields__}
    values.update(tables=MappingProxyType(tables), overrides=overrides)
    return YearRules(**values)


def _dec_or_none(value: object) -> Decimal | None:
    return None if value is None else Decimal(value)  # type: ignore[arg-type]


def _check_bands(code: str, bands: tuple[RateBand, ...]) -> None:
    if not bands or bands[-1].up_to_baht is not None:
        raise RuleDataError(f"table {code}: the last band must have no ceiling")
    previous = Decimal(0)
    for band in bands[:-1]:
        if band.up_to_baht is None or band.up_to_baht <= previous:
            raise RuleDataError(
                f"table {code}: band ceilings must rise, got {band.up_to_baht} after {previous}"
            )
        previous = band.up_to_baht
    if any(band.rate_pct < 0 for band in bands):
        raise RuleDataError(f"table {code}: negative rate")


def _rate_at(bands: tuple[RateBand, ...], point: Fraction) -> Fraction:
    """Marginal rate (fraction) just above ``point`` of the base."""
    for band in bands:
        if band.up_to is None or point < band.up_to:
            return band.rate
    return bands[-1].rate


def _check_override(decree: RateTable, override: RateOverride, ceiling_pct: Decimal) -> None:
    if any(band.rate_pct > ceiling_pct for band in override.bands):
        raise RuleDataError(
            f"ordinance table {override.table} goes above the s.37 ceiling of {ceiling_pct}% for {decree.use}"
        )
    # "Higher than the Royal Decree" (s.37 para 6) is checked on every segment between the two tables' band
    # edges, since an ordinance may also move the edges.
    edges = {Fraction(0)} | {
        band.up_to for band in (*decree.bands, *override.bands) if band.up_to is not None
    }
    for edge in sorted(edges):
        if _rate_at(override.bands, edge) < _rate_at(decree.bands, edge):
            raise RuleDataError(
                f"ordinance table {override.table} is below the decree's rate above {edge} baht; "
                "a local ordinance may only raise the rate (s.37 para 6)"
            )
