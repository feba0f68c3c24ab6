"""Loading the Treasury's price lists (CSV) into an appraisal round: all or nothing, bad rows named by line.

Land file: columns ``block`` (tax-map block code such as ``01A``) or ``parcel`` (parcel code, for the
Treasury's per-parcel prices), and ``price_per_sq_wa``. Building file: ``building_type`` (registry code, e.g.
``101``) and ``price_per_sqm``. Condominium file: ``parcel`` (parcel code), ``building_no`` (the
condominium building's number on the parcel) and ``price_per_sqm`` (the units' price, never depreciated).
Amounts are baht, "12,500" and "12500.50" both read. Loading a kind again into
the same round replaces that kind's prices; every version stays in the history tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from apps.organisations.models import Organisation
from apps.registry.domain.codes import BUILDING_TYPES
from apps.registry.models import Building, Parcel, TaxMapBlock

from .models import AppraisalRound, BlockLandPrice, BuildingPrice, CondoPrice, ParcelLandPrice

_MAX_BAHT = Decimal("9999999999.99")  # max_digits=12, decimal_places=2
_BLOCK_RE = re.compile(r"^(\d{1,2})([A-Z])$")
_BUILDING_TYPES = frozenset(code for code, _th, _en in BUILDING_TYPES)


class PriceFileError(ValueError):
    """The file was refused; ``errors`` are (line number, message), line 1 being the header."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(_("line %(line)s: %(message)s") % {"line": n, "message": m} for n, m in errors)
        )


@dataclass(frozen=True, slots=True)
class LoadResult:
    appraisal_round: AppraisalRound
    block_prices: int = 0
    parcel_prices: int = 0
    building_prices: int = 0
    condo_prices: int = 0


def appraisal_round_put(
    *, org: Organisation, name: str, valid_from: dt.date | None, valid_to: dt.date | None = None
) -> AppraisalRound:
    """The round called ``name``, created (``valid_from`` required) or with its dates updated."""
    round_ = AppraisalRound.objects.filter(organisation=org, name=name).first()
    if round_ is None:
        if valid_from is None:
            raise PriceFileError([(0, _("round %(name)s is new: give its valid-from date") % {"name": name})])
        round_ = AppraisalRound(organisation=org, name=name, valid_from=valid_from, valid_to=valid_to)
    else:
        round_.valid_from = valid_from or round_.valid_from
        round_.valid_to = valid_to if valid_to is not None else round_.valid_to
    if round_.valid_to is not None and round_.valid_to < round_.valid_from:
        raise PriceFileError([(0, _("the round ends before it starts"))])
    round_.full_clean()
    round_.save()
    return round_


def _rows(text: str, required: set[str], one_of: set[str] | None = None):
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = {(name or "").strip().lower() for name in reader.fieldnames or []}
    missing = required - header
    if missing or (one_of and not one_of & header):
        wanted = sorted(missing | (one_of - header if one_of and not one_of & header else set()))
        raise PriceFileError([(1, _("missing columns: %(columns)s") % {"columns": ", ".join(wanted)})])
    for row in reader:
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if not any(clean.values()):
            continue  # blank line
        yield reader.line_num, clean


def _price(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("price %(value)r is not a number") % {"value": text}) from None
    if not value.is_finite() or value < 0:
        raise ValueError(_("price %(value)r must be zero or more") % {"value": text})
    if value != value.quantize(Decimal("0.01")) or value > _MAX_BAHT:
        raise ValueError(_("price %(value)r has more than 2 decimals or is too large") % {"value": text})
    return value


def land_prices_load(
    *,
    org: Organisation,
    round_name: str,
    text: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> LoadResult:
    blocks = {
        (zone_no, letter): pk
        for pk, zone_no, letter in TaxMapBlock.objects.filter(organisation=org).values_list(
            "pk", "zone__zone_no", "block_letter"
        )
    }
    errors: list[tuple[int, str]] = []
    block_prices: dict[int, Decimal] = {}
    parcel_prices: dict[str, tuple[int, Decimal]] = {}
    for line, row in _rows(text, {"price_per_sq_wa"}, {"block", "parcel"}):
        block_code, parcel_code = row.get("block", "").upper(), row.get("parcel", "")
        try:
            price = _price(row["price_per_sq_wa"])
        except ValueError as exc:
            errors.append((line, str(exc)))
            continue
        if bool(block_code) == bool(parcel_code):
            errors.append((line, _("give either a block or a parcel code")))
        elif block_code:
            match = _BLOCK_RE.match(block_code)
            key = (int(match.group(1)), match.group(2)) if match else None
            if key not in blocks:
                errors.append((line, _("no block %(code)s in this organisation") % {"code": block_code}))
            elif blocks[key] in block_prices:
                errors.append((line, _("block %(code)s appears twice") % {"code": block_code}))
            else:
                block_prices[blocks[key]] = price
        elif parcel_code in parcel_prices:
            errors.append((line, _("parcel %(code)s appears twice") % {"code": parcel_code}))
        else:
            parcel_prices[parcel_code] = (line, price)
    parcel_ids = dict(
        Parcel.objects.filter(organisation=org, parcel_code__in=list(parcel_prices)).values_list(
            "parcel_code", "pk"
        )
    )
    for code, (line, _price_value) in parcel_prices.items():
        if code not in parcel_ids:
            errors.append((line, _("no parcel %(code)s in this organisation") % {"code": code}))
    if not errors and not block_prices and not parcel_prices:
        errors.append((1, _("the file has no price rows")))
    if errors:
        raise PriceFileError(sorted(errors))
    with transaction.atomic():
        round_ = appraisal_round_put(org=org, name=round_name, valid_from=valid_from, valid_to=valid_to)
        BlockLandPrice.objects.filter(appraisal_round=round_).delete()
        ParcelLandPrice.objects.filter(appraisal_round=round_).delete()
        bulk_create_with_history(
            [
                BlockLandPrice(
                    organisation=org, appraisal_round=round_, block_id=block, price_per_sq_wa=price
                )
                for block, price in block_prices.items()
            ],
            BlockLandPrice,
        )
        bulk_create_with_history(
            [
                ParcelLandPrice(
                    organisation=org,
                    appraisal_round=round_,
                    parcel_id=parcel_ids[code],
                    price_per_sq_wa=price,
                )
                for code, (_line, price) in parcel_prices.items()
            ],
            ParcelLandPrice,
        )
    return LoadResult(round_, block_prices=len(block_prices), parcel_prices=len(parcel_prices))


def building_prices_load(
    *,
    org: Organisation,
    round_name: str,
    text: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> LoadResult:
    errors: list[tuple[int, str]] = []
    prices: dict[str, Decimal] = {}
    for line, row in _rows(text, {"building_type", "price_per_sqm"}):
        code = row["building_type"]
        try:
            price = _price(row["price_per_sqm"])
        except ValueError as exc:
            errors.append((line, str(exc)))
            continue
        if code not in _BUILDING_TYPES:
            errors.append((line, _("unknown building type %(code)r") % {"code": code}))
        elif code in prices:
            errors.append((line, _("building type %(code)s appears twice") % {"code": code}))
        else:
            prices[code] = price
    if not errors and not prices:
        errors.append((1, _("the file has no price rows")))
    if errors:
        raise PriceFileError(errors)
    with transaction.atomic():
        round_ = appraisal_round_put(org=org, name=round_name, valid_from=valid_from, valid_to=valid_to)
        BuildingPrice.objects.filter(appraisal_round=round_).delete()
        bulk_create_with_history(
            [
                BuildingPrice(
                    organisation=org, appraisal_round=round_, building_type=code, price_per_sqm=price
                )
                for code, price in prices.items()
            ],
            BuildingPrice,
        )
    return LoadResult(round_, building_prices=len(prices))


def condo_prices_load(
    *,
    org: Organisation,
    round_name: str,
    text: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> LoadResult:
    """Unit prices per m² by condominium building, named by parcel code and building number."""
    rows: list[tuple[int, str, int, Decimal]] = []
    errors: list[tuple[int, str]] = []
    for line, row in _rows(text, {"parcel", "building_no", "price_per_sqm"}):
        try:
            price = _price(row["price_per_sqm"])
        except ValueError as exc:
            errors.append((line, str(exc)))
            continue
        if not row["building_no"].isdigit() or int(row["building_no"]) < 1:
            errors.append(
                (line, _("building no. %(value)r is not a whole number") % {"value": row["building_no"]})
            )
            continue
        rows.append((line, row["parcel"], int(row["building_no"]), price))
    # One query for every building the file names, whatever their number.
    buildings = {
        (code, no): (pk, is_condo)
        for pk, code, no, is_condo in Building.objects.filter(
            organisation=org, parcel__parcel_code__in={code for _line, code, _no, _price in rows}
        ).values_list("pk", "parcel__parcel_code", "building_no", "is_condominium")
    }
    prices: dict[int, Decimal] = {}
    for line, code, no, price in rows:
        label = f"{code}-B{no:03d}"
        found = buildings.get((code, no))
        if found is None:
            errors.append((line, _("no building %(code)s in this organisation") % {"code": label}))
        elif not found[1]:
            errors.append((line, _("building %(code)s is not a condominium") % {"code": label}))
        elif found[0] in prices:
            errors.append((line, _("building %(code)s appears twice") % {"code": label}))
        else:
            prices[found[0]] = price
    if not errors and not prices:
        errors.append((1, _("the file has no price rows")))
    if errors:
        raise PriceFileError(sorted(errors))
    with transaction.atomic():
        round_ = appraisal_round_put(org=org, name=round_name, valid_from=valid_from, valid_to=valid_to)
        CondoPrice.objects.filter(appraisal_round=round_).delete()
        bulk_create_with_history(
            [
                CondoPrice(organisation=org, appraisal_round=round_, building_id=pk, price_per_sqm=price)
                for pk, price in prices.items()
            ],
            CondoPrice,
        )
    return LoadResult(round_, condo_prices=len(prices))
