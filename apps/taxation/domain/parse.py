"""The contract's JSON document → typed :class:`QuoteInput` (tax-quote-contract.md § Input, § Bad input).

Every number is a JSON string or integer, read as an exact decimal; a JSON float is refused because it has
already lost its exact value ("0.1" is not 0.1 as a float). Unknown keys are refused too: a misspelt
``standing_reduction_pct`` silently ignored would bill the full tax.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from apps.registry.domain.units import AreaTextError, parse_rai_ngan_wa
from apps.taxation.domain.errors import QuoteErrorCode, QuoteInputError
from apps.taxation.domain.model import (
    BuildingInput,
    CondoUnitInput,
    LandInput,
    PropertyInput,
    QuoteInput,
    Residence,
    TaxpayerType,
    Use,
)
from apps.valuation.domain.depreciation import Construction

_NUMBER_RE = re.compile(r"^-?\d+(\.\d+)?$")
_INTEGER_RE = re.compile(r"^-?\d+$")
_TOP_KEYS = frozenset({"tax_year", "taxpayer", "properties"})
_TAXPAYER_KEYS = frozenset({"type"})
_PROPERTY_KEYS = frozenset(
    {
        "ref",
        "land",
        "condo_unit",
        "buildings",
        "uses",
        "residence",
        "vacant_years",
        "adjoining_group",
        "exempt",
        "standing_reduction_pct",
        "previous_tax_2562",
    }
)
_LAND_KEYS = frozenset({"area", "price_per_sq_wa"})
_BUILDING_KEYS = frozenset({"floor_area_sqm", "price_per_sqm", "construction", "age_years"})
_CONDO_KEYS = frozenset({"area_sqm", "price_per_sqm"})
_USES = {use.value: use for use in Use}
_CONSTRUCTIONS = {construction.value: construction for construction in Construction}
_RESIDENCES = {residence.value: residence for residence in Residence}


class JsonFloat(str):
    """What :func:`parse_quote_json` makes of a JSON float, so the refusal can name the field."""

    __slots__ = ()


def parse_quote_json(text: str | bytes) -> dict[str, Any]:
    """Parse a quote document, refusing floats (``1.5``, ``1e3``), NaN/Infinity and anything but an object."""
    try:
        document = json.loads(text, parse_float=JsonFloat, parse_constant=_refuse_constant)
    except QuoteInputError:
        raise
    except (ValueError, TypeError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise QuoteInputError("$", f"not valid JSON: {exc}", code=QuoteErrorCode.MALFORMED_JSON) from exc
    if not isinstance(document, dict):
        raise QuoteInputError("$", "the document must be a JSON object", code=QuoteErrorCode.WRONG_TYPE)
    path = _find_float(document, "")
    if path is not None:
        raise QuoteInputError(
            path, "JSON floats are refused; send the number as a string", code=QuoteErrorCode.JSON_FLOAT
        )
    return document


def quote_input_from_document(document: Mapping[str, Any]) -> QuoteInput:
    """Check the document's shape and types and build the typed input; raises :class:`QuoteInputError`."""
    _object(document, "$", _TOP_KEYS)
    tax_year = _integer(_required(document, "tax_year", ""), "tax_year")
    if tax_year < 2563:
        raise QuoteInputError(
            "tax_year",
            f"{tax_year} is before 2563, the first year of the Land and Building Tax",
            code=QuoteErrorCode.TAX_YEAR_BEFORE_2563,
        )
    taxpayer = _object(_required(document, "taxpayer", ""), "taxpayer", _TAXPAYER_KEYS)
    kind = _required(taxpayer, "type", "taxpayer.")
    try:
        taxpayer_type = TaxpayerType(kind)
    except ValueError:
        raise QuoteInputError(
            "taxpayer.type",
            f"must be individual or juristic, got {kind!r}",
            code=QuoteErrorCode.UNKNOWN_TAXPAYER_TYPE,
        ) from None
    properties = _required(document, "properties", "")
    if not isinstance(properties, list):
        raise QuoteInputError("properties", "must be a list", code=QuoteErrorCode.WRONG_TYPE)
    return QuoteInput(
        tax_year=tax_year,
        taxpayer_type=taxpayer_type,
        properties=tuple(
            _property(item, f"properties[{index}]", index) for index, item in enumerate(properties)
        ),
    )


def _property(raw: Any, where: str, index: int) -> PropertyInput:
    _object(raw, where, _PROPERTY_KEYS)
    ref = raw.get("ref", str(index + 1))
    if not isinstance(ref, str | int) or isinstance(ref, bool):
        raise QuoteInputError(f"{where}.ref", "must be a string", code=QuoteErrorCode.WRONG_TYPE)
    exempt = _optional_text(raw.get("exempt"), f"{where}.exempt")
    uses_raw = raw.get("uses")
    if uses_raw is None and exempt is None:
        raise QuoteInputError(f"{where}.uses", "is required", code=QuoteErrorCode.REQUIRED)
    residence_raw = raw.get("residence")
    if residence_raw is not None and residence_raw not in _RESIDENCES:
        raise QuoteInputError(
            f"{where}.residence",
            f"must be main_house, building_only or null, got {residence_raw!r}",
            code=QuoteErrorCode.UNKNOWN_RESIDENCE,
        )
    buildings_raw = raw.get("buildings") or []
    if not isinstance(buildings_raw, list):
        raise QuoteInputError(f"{where}.buildings", "must be a list", code=QuoteErrorCode.WRONG_TYPE)
    previous = raw.get("previous_tax_2562")
    return PropertyInput(
        ref=str(ref),
        use_weights=() if uses_raw is None else _uses(uses_raw, f"{where}.uses"),
        land=None if raw.get("land") is None else _land(raw["land"], f"{where}.land"),
        buildings=tuple(_building(item, f"{where}.buildings[{i}]") for i, item in enumerate(buildings_raw)),
        condo_unit=None
        if raw.get("condo_unit") is None
        else _condo(raw["condo_unit"], f"{where}.condo_unit"),
        residence=None if residence_raw is None else _RESIDENCES[residence_raw],
        vacant_years=_integer(_or_zero(raw, "vacant_years"), f"{where}.vacant_years"),
        adjoining_group=_optional_text(raw.get("adjoining_group"), f"{where}.adjoining_group"),
        exempt=exempt,
        standing_reduction_pct=_integer(
            _or_zero(raw, "standing_reduction_pct"), f"{where}.standing_reduction_pct"
        ),
        previous_tax_2562_baht=None if previous is None else _number(previous, f"{where}.previous_tax_2562"),
    )


def _uses(raw: Any, where: str) -> tuple[tuple[Use, Decimal], ...]:
    _object(raw, where, None)
    weights = []
    for key, value in raw.items():
        use = _USES.get(key)
        if use is None:
            raise QuoteInputError(
                f"{where}.{key}",
                f"unknown use {key!r}; use agriculture, residential, other or vacant",
                code=QuoteErrorCode.UNKNOWN_USE,
            )
        weights.append((use, _number(value, f"{where}.{key}")))
    if not any(weight > 0 for _, weight in weights):
        raise QuoteInputError(
            where, "give at least one use a positive weight", code=QuoteErrorCode.NO_POSITIVE_USE_WEIGHT
        )
    return tuple(weights)


def _land(raw: Any, where: str) -> LandInput:
    _object(raw, where, _LAND_KEYS)
    area = _required(raw, "area", f"{where}.")
    if isinstance(area, dict):
        _object(area, f"{where}.area", frozenset({"sq_wa"}))
        area_sq_wa = _number(_required(area, "sq_wa", f"{where}.area."), f"{where}.area.sq_wa")
    elif isinstance(area, str):
        try:
            area_sq_wa = parse_rai_ngan_wa(area)
        except AreaTextError as exc:
            raise QuoteInputError(f"{where}.area", str(exc), code=QuoteErrorCode.BAD_AREA_TEXT) from exc
    else:
        _number(area, f"{where}.area")  # refuses a float with its own code before the shape complaint
        raise QuoteInputError(
            f"{where}.area", 'write "R-N-W" text or {"sq_wa": "..."}', code=QuoteErrorCode.BAD_AREA_TEXT
        )
    price = _number(_required(raw, "price_per_sq_wa", f"{where}."), f"{where}.price_per_sq_wa")
    return LandInput(area_sq_wa=area_sq_wa, price_per_sq_wa_baht=price)


def _building(raw: Any, where: str) -> BuildingInput:
    _object(raw, where, _BUILDING_KEYS)
    construction_raw = _required(raw, "construction", f"{where}.")
    construction = _CONSTRUCTIONS.get(construction_raw) if isinstance(construction_raw, str) else None
    if construction is None:
        raise QuoteInputError(
            f"{where}.construction",
            f"unknown construction {construction_raw!r}; use masonry, half or wood",
            code=QuoteErrorCode.UNKNOWN_CONSTRUCTION,
        )
    return BuildingInput(
        floor_area_sqm=_number(_required(raw, "floor_area_sqm", f"{where}."), f"{where}.floor_area_sqm"),
        price_per_sqm_baht=_number(_required(raw, "price_per_sqm", f"{where}."), f"{where}.price_per_sqm"),
        construction=construction,
        age_years=_integer(_required(raw, "age_years", f"{where}."), f"{where}.age_years"),
    )


def _condo(raw: Any, where: str) -> CondoUnitInput:
    _object(raw, where, _CONDO_KEYS)
    return CondoUnitInput(
        area_sqm=_number(_required(raw, "area_sqm", f"{where}."), f"{where}.area_sqm"),
        price_per_sqm_baht=_number(_required(raw, "price_per_sqm", f"{where}."), f"{where}.price_per_sqm"),
    )


# --- small readers ------------------------------------------------------------------------------------------


def _object(raw: Any, where: str, allowed: frozenset[str] | None) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise QuoteInputError(where, "must be a JSON object", code=QuoteErrorCode.WRONG_TYPE)
    if allowed is not None:
        for key in raw:
            if key not in allowed:
                prefix = "" if where == "$" else f"{where}."
                raise QuoteInputError(f"{prefix}{key}", "unknown field", code=QuoteErrorCode.UNKNOWN_FIELD)
    return raw


def _required(raw: Mapping[str, Any], key: str, prefix: str) -> Any:
    value = raw.get(key)
    if value is None:
        raise QuoteInputError(f"{prefix}{key}", "is required", code=QuoteErrorCode.REQUIRED)
    return value


def _or_zero(raw: Mapping[str, Any], key: str) -> Any:
    value = raw.get(key)
    return 0 if value is None else value


def _number(value: Any, where: str) -> Decimal:
    """A non-negative exact decimal from a JSON string or integer."""
    if isinstance(value, float | JsonFloat):
        raise QuoteInputError(
            where, "JSON floats are refused; send the number as a string", code=QuoteErrorCode.JSON_FLOAT
        )
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise QuoteInputError(
            where, f"must be a number as a string, got {value!r}", code=QuoteErrorCode.NOT_A_NUMBER
        )
    if isinstance(value, str) and not _NUMBER_RE.match(value):
        raise QuoteInputError(where, f"{value!r} is not a decimal number", code=QuoteErrorCode.NOT_A_NUMBER)
    number = Decimal(value)
    if number < 0:
        raise QuoteInputError(where, f"must not be negative, got {value}", code=QuoteErrorCode.NEGATIVE)
    return number


def _integer(value: Any, where: str) -> int:
    if isinstance(value, float | JsonFloat):
        raise QuoteInputError(
            where, "JSON floats are refused; send a whole number", code=QuoteErrorCode.JSON_FLOAT
        )
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise QuoteInputError(
            where, f"must be a whole number, got {value!r}", code=QuoteErrorCode.NOT_A_WHOLE_NUMBER
        )
    if isinstance(value, str) and not _INTEGER_RE.match(value):
        raise QuoteInputError(
            where, f"{value!r} is not a whole number", code=QuoteErrorCode.NOT_A_WHOLE_NUMBER
        )
    number = int(value)
    if number < 0:
        raise QuoteInputError(where, f"must not be negative, got {value}", code=QuoteErrorCode.NEGATIVE)
    return number


def _optional_text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise QuoteInputError(where, "must be a string or null", code=QuoteErrorCode.WRONG_TYPE)
    return str(value)


def _refuse_constant(name: str) -> None:
    raise QuoteInputError("$", f"{name} is not a number", code=QuoteErrorCode.NOT_A_NUMBER)


def _find_float(value: Any, path: str) -> str | None:
    if isinstance(value, JsonFloat):
        return path or "$"
    if isinstance(value, dict):
        for key, item in value.items():
            found = _find_float(item, f"{path}.{key}" if path else key)
            if found:
                return found
    elif isinstance(value, list):
        for position, item in enumerate(value):
            found = _find_float(item, f"{path}[{position}]")
            if found:
                return found
    return None
