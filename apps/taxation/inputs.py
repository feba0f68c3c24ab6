"""Registry → engine input: the tax-quote-contract document of every taxpayer, built set-based.

``load_snapshot`` pulls the organisation's registry *as it stood* at a moment (end of 1 January of the tax
year, s.9) in six SQL statements over the simple_history tables, plus the appraisal round's prices;
``check_snapshot`` lists what the run must not guess about (no price, no type, shares that do not add up
to 1 …) and which owners that blocks; ``build_document`` turns one owner's holdings into the contract
document. Everything after the SQL is plain Python over dicts, so it runs in forked worker processes
without touching the database.

Choices made here (land-building-tax.md section in brackets; UNCONFIRMED ones are marked):
- one property per (owner, parcel): the owner's share of the land plus the owner's share of each building
  on it (§9.6); a building with no ownership rows of its own belongs to the land owners in their shares;
- a share is applied to the area (land sq wa, building m²); a share like 1/3 gives a non-terminating
  decimal, cut at 10 decimal places (under 0.0001 baht of base); the exact share is in the provenance.
  Each co-owner is assessed on his share (UNCONFIRMED: s.47 would bill the whole to one co-owner);
- use weights are the baht value of each use: land parts by LandUse area, each building by its
  BuildingUse floor areas (s.38, §8); written as whole numbers on a common denominator, so exact;
- a land part with code 7 (mixed) is split like the buildings' floor areas on the parcel; a parcel with
  no land use follows its buildings; a building with no use rows follows the land;
- residence: ``main_house`` when an individual holds land and a building on the parcel and is named in
  the house registration (Ownership.in_house_registration), ``building_only`` when he holds the building
  alone (s.41);
- vacant years = tax year − LandUse.vacant_since_year_be + 1, or the code's minimum (6 → 1, 8 → 3, 9 → 6);
- building age = tax year − year built (both B.E.), never below 0 (UNCONFIRMED §9.4);
- adjoining parcels (s.42 para 2, §9.2/§14.3): parcels wholly held by one owner (one ownership row of 1/1)
  that share an edge (ST_Touches with a shared boundary of length > 0; a corner alone is not enough) form
  one ``adjoining_group``, named after its lowest parcel code; the engine values the group as one base.
  The geometry is the parcels' current one (a boundary edit is rare and leaves the id; a split or merge
  makes new parcels, which the snapshot does not hold). Parcels touching only through slivers or gaps of
  digitising are not joined (UNCONFIRMED: a snapping tolerance);
- condominium units (§9.5): one property per (owner, unit), ref "<parcel code>-B<nnn>/<unit no>", the
  owner's share of the unit's area at the round's price for its building (CondoPrice), never depreciated;
  used as a dwelling (residential), ``main_house`` when an individual is named in the house registration
  of the unit, else other residence. A condominium building (Building.is_condominium) is not valued as a
  building of the parcel: its units are (the land stays with whoever owns the parcel);
- s.8 exemptions: Parcel.exempt_ground (s8(1) … s8(12)) goes into the property's ``exempt``: the parcel
  and the buildings on it are listed, valued at nothing, and never part of an adjoining group.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from functools import lru_cache
from math import gcd, lcm
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils.translation import gettext, gettext_noop

from apps.registry.models import Building, BuildingUse, CondoUnit, LandUse, Owner, Ownership, Parcel
from apps.taxation.domain import (
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
from apps.valuation.domain.values import building_value, land_value
from apps.valuation.models import AppraisalRound, BlockLandPrice, BuildingPrice, CondoPrice, ParcelLandPrice

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
SHARE_PLACES = Decimal("1e-10")

AGRICULTURE, RESIDENTIAL, OTHER, VACANT = "agriculture", "residential", "other", "vacant"
MIXED = "mixed"
# registry LAND_USES code → engine use; 7 (mixed) is resolved from the buildings' floor areas.
LAND_USE_TO_ENGINE: dict[int, str] = {
    1: AGRICULTURE,
    2: RESIDENTIAL,
    3: RESIDENTIAL,
    4: RESIDENTIAL,
    5: OTHER,
    6: VACANT,
    7: MIXED,
    8: VACANT,
    9: VACANT,
}
# Minimum consecutive vacant years each vacant code stands for, when vacant_since_year_be is empty.
VACANT_CODE_MIN_YEARS = {6: 1, 8: 3, 9: 6}
# registry BUILDING_USES code → engine use. 2 "residence and business" in one row cannot be split by floor
# area; it is taxed as other use, the higher table (UNCONFIRMED: record the parts as two rows to split).
BUILDING_USE_TO_ENGINE: dict[int, str] = {1: RESIDENTIAL, 2: OTHER, 3: OTHER, 4: VACANT, 5: OTHER}
CONSTRUCTIONS = frozenset(c.value for c in Construction)


def tax_year_as_of(tax_year: int) -> dt.datetime:
    """The registry as it stood on 1 January (s.9): all recorded before 2 January 00:00, Bangkok time."""
    return dt.datetime(tax_year - BE_OFFSET, 1, 2, tzinfo=BANGKOK)


# --- problems -----------------------------------------------------------------------------------------------

PROBLEM_MESSAGES = {
    "no_appraisal_round": gettext_noop(
        "No appraisal round covers 1 January of %(year)s; load the Treasury prices first (load_prices)."
    ),
    "no_land_price": gettext_noop(
        "Parcel %(parcel)s: no land price for block %(block)s or for the parcel in round %(round)s."
    ),
    "no_land_area": gettext_noop("Parcel %(parcel)s has neither a deed area nor a map area."),
    "no_owner": gettext_noop("Parcel %(parcel)s had no owner on 1 January."),
    "shares_not_one": gettext_noop("%(target)s: the ownership shares add up to %(total)s, not 1."),
    "building_no_type": gettext_noop("Building %(building)s has no building type."),
    "building_no_price": gettext_noop(
        "Building %(building)s: no price for building type %(type)s in round %(round)s."
    ),
    "condo_no_price": gettext_noop(
        "Condominium unit %(unit)s: no unit price for building %(building)s in round %(round)s."
    ),
    "building_no_year": gettext_noop(
        "Building %(building)s has no year built, so its depreciation is unknown."
    ),
    "building_bad_construction": gettext_noop(
        "Building %(building)s: unknown construction class %(construction)s."
    ),
    "no_use": gettext_noop("Parcel %(parcel)s: no land use and no building use is recorded."),
    "two_main_houses": gettext_noop(
        "Owner %(owner)s is named in the house registration of more than one home: %(parcels)s."
    ),
    "engine_refused": gettext_noop("Owner %(owner)s: the tax engine refused the input: %(error)s"),
    "rate_ordinance_refused": gettext_noop(
        "Rate ordinance %(ordinance)s, table %(table)s of %(year)s, breaks the Act and was not applied"
        " (the Royal Decree's rates were used): %(error)s"
    ),
}


def problem_message(kind: str, params: dict[str, Any]) -> str:
    template = PROBLEM_MESSAGES.get(kind)
    if template is None:
        return kind
    try:
        return gettext(template) % params
    except (KeyError, TypeError, ValueError):
        return gettext(template)


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str
    params: dict[str, Any]
    parcel_id: int | None = None
    building_id: int | None = None
    owner_id: int | None = None


class TaxpayerProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.kind)
        self.problem = problem


# --- the snapshot -------------------------------------------------------------------------------------------


class ParcelRow(NamedTuple):
    id: int
    code: str
    block_id: int | None
    zone_no: int
    block_letter: str
    area_sq_wa: Decimal | None  # deed area, else map area / 4
    exempt_ground: str | None = None  # s.8 ground, "s8(5)"


class BuildingRow(NamedTuple):
    id: int
    parcel_id: int
    code: str
    building_type: str
    construction: str
    floor_area_m2: Decimal
    year_built_be: int | None


class CondoUnitRow(NamedTuple):
    id: int
    building_id: int
    parcel_id: int
    ref: str  # "<parcel code>-B<nnn>/<unit no>"
    area_m2: Decimal


class ShareRow(NamedTuple):
    owner_id: int
    share: Fraction
    in_house: bool


@dataclass(slots=True)
class Snapshot:
    tax_year: int
    as_of: dt.datetime
    round_id: int | None = None
    round_name: str = ""
    parcels: dict[int, ParcelRow] = field(default_factory=dict)
    land_uses: dict[int, list[tuple[int, Decimal, int | None]]] = field(default_factory=dict)
    buildings: dict[int, BuildingRow] = field(default_factory=dict)
    buildings_by_parcel: dict[int, list[BuildingRow]] = field(default_factory=dict)
    building_uses: dict[int, list[tuple[int, Decimal]]] = field(default_factory=dict)
    parcel_shares: dict[int, list[ShareRow]] = field(default_factory=dict)
    building_shares: dict[int, list[ShareRow]] = field(default_factory=dict)
    owner_types: dict[int, str] = field(default_factory=dict)
    # parcel id → (price per sq wa, "parcel" or "block", block code)
    land_prices: dict[int, tuple[Decimal, str, str]] = field(default_factory=dict)
    block_codes: dict[int, str] = field(default_factory=dict)
    building_prices: dict[str, Decimal] = field(default_factory=dict)
    condo_buildings: dict[int, tuple[int, str]] = field(default_factory=dict)  # id → (parcel id, code)
    condo_units: dict[int, CondoUnitRow] = field(default_factory=dict)
    condo_shares: dict[int, list[ShareRow]] = field(default_factory=dict)  # unit id → its owners
    condo_prices: dict[int, Decimal] = field(default_factory=dict)  # condominium building id → price per m²
    owner_condos: dict[int, set[int]] = field(default_factory=dict)  # filled by check_snapshot
    owner_parcels: dict[int, set[int]] = field(default_factory=dict)  # filled by check_snapshot
    adjoining_groups: dict[int, str] = field(default_factory=dict)  # parcel id → group name (s.42 para 2)


def _as_of_rows(model, columns: list[str], *, org_id: int, as_of: dt.datetime | None) -> list[tuple]:
    """Rows of ``model`` in the organisation as they stood at ``as_of`` (``None``: as they are now).

    One statement: the newest history row before ``as_of`` per id, dropping deleted ones (DISTINCT ON … ORDER
    BY history_date DESC), plus live rows that have no history at all (bulk loads that bypass simple_history
    were there from the start, as far as anyone can tell).
    """
    live = model._meta.db_table
    cols = ", ".join(columns)
    if as_of is None:
        sql = f"SELECT {cols} FROM {live} WHERE organisation_id = %(org)s"  # noqa: S608 - identifiers are ours
        params: dict[str, Any] = {"org": org_id}
    else:
        hist = model.history.model._meta.db_table
        t_cols = ", ".join(f"t.{c}" for c in columns)
        sql = f"""
            WITH h AS (
                SELECT DISTINCT ON (id) {cols}, history_type FROM {hist}
                WHERE organisation_id = %(org)s AND history_date < %(as_of)s
                ORDER BY id, history_date DESC, history_id DESC
            )
            SELECT {cols} FROM h WHERE history_type <> '-'
            UNION ALL
            SELECT {t_cols} FROM {live} t
            WHERE t.organisation_id = %(org)s AND NOT EXISTS (SELECT 1 FROM {hist} x WHERE x.id = t.id)
        """  # noqa: S608 - identifiers come from our models, values are parameters
        params = {"org": org_id, "as_of": as_of}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def appraisal_round_for(*, org_id: int, tax_year: int) -> AppraisalRound | None:
    """The round in force on 1 January of the tax year: latest valid_from on or before it, not yet ended."""
    jan1 = dt.date(tax_year - BE_OFFSET, 1, 1)
    return (
        AppraisalRound.objects.filter(organisation_id=org_id, valid_from__lte=jan1)
        .exclude(valid_to__lt=jan1)
        .order_by("-valid_from", "-id")
        .first()
    )


def load_snapshot(*, org_id: int, tax_year: int, as_of: dt.datetime | None) -> Snapshot:
    snap = Snapshot(tax_year=tax_year, as_of=as_of or dt.datetime.now(tz=BANGKOK))
    for pid, code, block_id, zone_no, letter, status, deed, area_m2, exempt in _as_of_rows(
        Parcel,
        [
            "id",
            "parcel_code",
            "block_id",
            "zone_no",
            "block_letter",
            "status",
            "deed_area_sq_wa",
            "area_m2",
            "exempt_ground",
        ],
        org_id=org_id,
        as_of=as_of,
    ):
        if status != Parcel.Status.ACTIVE:
            continue
        area = deed if deed is not None else (area_m2 / 4 if area_m2 is not None else None)
        snap.parcels[pid] = ParcelRow(pid, code, block_id, zone_no, letter, area, exempt or None)

    for parcel_id, use_code, area, since in _as_of_rows(
        LandUse, ["parcel_id", "use_code", "area_sq_wa", "vacant_since_year_be"], org_id=org_id, as_of=as_of
    ):
        if parcel_id in snap.parcels:
            snap.land_uses.setdefault(parcel_id, []).append((use_code, area, since))

    for bid, parcel_id, no, btype, construction, floor, year, is_condo in _as_of_rows(
        Building,
        [
            "id",
            "parcel_id",
            "building_no",
            "building_type",
            "construction",
            "floor_area_m2",
            "year_built_be",
            "is_condominium",
        ],
        org_id=org_id,
        as_of=as_of,
    ):
        parcel = snap.parcels.get(parcel_id)
        if parcel is None:
            continue
        if is_condo:  # valued unit by unit (§9.5), not as a building of the parcel
            snap.condo_buildings[bid] = (parcel_id, f"{parcel.code}-B{no:03d}")
            continue
        row = BuildingRow(bid, parcel_id, f"{parcel.code}-B{no:03d}", btype or "", construction, floor, year)
        snap.buildings[bid] = row
        snap.buildings_by_parcel.setdefault(parcel_id, []).append(row)

    for building_id, use_code, floor in _as_of_rows(
        BuildingUse, ["building_id", "use_code", "floor_area_m2"], org_id=org_id, as_of=as_of
    ):
        if building_id in snap.buildings:
            snap.building_uses.setdefault(building_id, []).append((use_code, floor))

    for uid, building_id, unit_no, area in _as_of_rows(
        CondoUnit, ["id", "building_id", "unit_no", "area_m2"], org_id=org_id, as_of=as_of
    ):
        condo_building = snap.condo_buildings.get(building_id)
        if condo_building is not None:
            parcel_id, code = condo_building
            snap.condo_units[uid] = CondoUnitRow(uid, building_id, parcel_id, f"{code}/{unit_no}", area)

    for owner_id, owner_type in _as_of_rows(Owner, ["id", "owner_type"], org_id=org_id, as_of=as_of):
        snap.owner_types[owner_id] = owner_type

    shares: dict[tuple[int, int], Fraction] = {}
    for owner_id, parcel_id, building_id, unit_id, num, den, in_house in _as_of_rows(
        Ownership,
        [
            "owner_id",
            "parcel_id",
            "building_id",
            "condo_unit_id",
            "share_numerator",
            "share_denominator",
            "in_house_registration",
        ],
        org_id=org_id,
        as_of=as_of,
    ):
        if owner_id not in snap.owner_types or not den:
            continue
        share = shares.get((num, den))
        if share is None:  # a handful of distinct shares (1/1, 1/2, 1/3 …): make each Fraction once
            share = shares[(num, den)] = Fraction(num, den)
        row = ShareRow(owner_id, share, bool(in_house))
        if parcel_id is not None and parcel_id in snap.parcels:
            snap.parcel_shares.setdefault(parcel_id, []).append(row)
        elif building_id is not None and building_id in snap.buildings:
            snap.building_shares.setdefault(building_id, []).append(row)
        elif unit_id is not None and unit_id in snap.condo_units:
            snap.condo_shares.setdefault(unit_id, []).append(row)

    _load_adjoining(snap, org_id=org_id)
    _load_prices(snap, org_id=org_id)
    return snap


_ADJOINING_SQL = f"""
    WITH held (id, owner_id) AS (SELECT * FROM unnest(%(ids)s::bigint[], %(owners)s::bigint[]))
    SELECT a.id, b.id
    FROM {Parcel._meta.db_table} a
    JOIN held ha ON ha.id = a.id
    JOIN {Parcel._meta.db_table} b
      ON b.organisation_id = %(org)s AND b.id > a.id AND b.geom && a.geom
    JOIN held hb ON hb.id = b.id AND hb.owner_id = ha.owner_id
    WHERE a.organisation_id = %(org)s
      AND ST_Touches(a.geom, b.geom)
      AND ST_Length(ST_Intersection(a.geom, b.geom)) > 0
"""  # noqa: S608 - the table name is ours, values are parameters


def _load_adjoining(snap: Snapshot, *, org_id: int) -> None:
    """Group each owner's wholly held parcels that share an edge (s.42 para 2): one query over the org."""
    sole: dict[int, int] = {}  # parcel id → its only owner, for parcels held whole and not exempt
    per_owner: dict[int, int] = defaultdict(int)
    for parcel_id, rows in snap.parcel_shares.items():
        if len(rows) == 1 and rows[0].share == 1 and snap.parcels[parcel_id].exempt_ground is None:
            sole[parcel_id] = rows[0].owner_id
            per_owner[rows[0].owner_id] += 1
    candidates = {pid: owner for pid, owner in sole.items() if per_owner[owner] > 1}
    if not candidates:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _ADJOINING_SQL,
            {"org": org_id, "ids": list(candidates), "owners": list(candidates.values())},
        )
        pairs = cursor.fetchall()
    parent: dict[int, int] = {}

    def root(node: int) -> int:  # union-find with path halving
        while parent.get(node, node) != node:
            grand = parent.get(parent[node], parent[node])
            parent[node] = grand
            node = grand
        return node

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = defaultdict(list)
    for node in {n for pair in pairs for n in pair}:
        members[root(node)].append(node)
    for group in members.values():
        name = min(snap.parcels[pid].code for pid in group)
        for pid in group:
            snap.adjoining_groups[pid] = name


def _load_prices(snap: Snapshot, *, org_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.id, lpad(z.zone_no::text, 2, '0') || b.block_letter, z.zone_no, b.block_letter"
            " FROM registry_taxmapblock b JOIN registry_taxmapzone z ON z.id = b.zone_id"
            " WHERE b.organisation_id = %s",
            [org_id],
        )
        block_by_code: dict[tuple[int, str], int] = {}
        for block_id, code, zone_no, letter in cursor.fetchall():
            snap.block_codes[block_id] = code
            block_by_code[(zone_no, letter)] = block_id
    round_ = appraisal_round_for(org_id=org_id, tax_year=snap.tax_year)
    if round_ is None:
        return
    snap.round_id, snap.round_name = round_.pk, round_.name
    block_prices = dict(
        BlockLandPrice.objects.filter(appraisal_round=round_).values_list("block_id", "price_per_sq_wa")
    )
    parcel_prices = dict(
        ParcelLandPrice.objects.filter(appraisal_round=round_).values_list("parcel_id", "price_per_sq_wa")
    )
    snap.building_prices = dict(
        BuildingPrice.objects.filter(appraisal_round=round_).values_list("building_type", "price_per_sqm")
    )
    snap.condo_prices = dict(
        CondoPrice.objects.filter(appraisal_round=round_).values_list("building_id", "price_per_sqm")
    )
    for parcel in snap.parcels.values():
        block_id = parcel.block_id or block_by_code.get((parcel.zone_no, parcel.block_letter))
        block_code = snap.block_codes.get(block_id, f"{parcel.zone_no:02d}{parcel.block_letter}")
        if parcel.id in parcel_prices:
            snap.land_prices[parcel.id] = (parcel_prices[parcel.id], "parcel", block_code)
        elif block_id in block_prices:
            snap.land_prices[parcel.id] = (block_prices[block_id], "block", block_code)


# --- checks: what the run refuses to guess about ------------------------------------------------------------


def check_snapshot(snap: Snapshot) -> tuple[list[Problem], set[int]]:
    """Problems for the officer, and the owners they block (their assessment would be wrong or guessed)."""
    problems: list[Problem] = []
    blocked: set[int] = set()
    owner_parcels: dict[int, set[int]] = defaultdict(set)
    if snap.round_id is None and snap.parcels:
        problems.append(Problem("no_appraisal_round", {"year": snap.tax_year}))

    def block(owners, problem: Problem | None) -> None:
        blocked.update(owners)
        if problem is not None:
            problems.append(problem)

    for parcel in snap.parcels.values():
        shares = snap.parcel_shares.get(parcel.id, [])
        owners = [row.owner_id for row in shares]
        for owner in owners:
            owner_parcels[owner].add(parcel.id)
        buildings = snap.buildings_by_parcel.get(parcel.id, [])
        if parcel.exempt_ground is not None:
            # Exempt outright (s.8): listed on its holders' assessments, never valued, so no price, use or
            # share is needed (state or temple land often has no owner row at all).
            for building in buildings:
                for row in snap.building_shares.get(building.id, ()):
                    owner_parcels[row.owner_id].add(parcel.id)
            continue
        if not shares:
            building_owned = any(snap.building_shares.get(b.id) for b in buildings)
            problems.append(Problem("no_owner", {"parcel": parcel.code}, parcel_id=parcel.id))
            if not building_owned:
                continue
        total = shares[0].share if len(shares) == 1 else sum((row.share for row in shares), Fraction(0))
        if shares and total != 1:
            block(owners, Problem("shares_not_one", {"target": parcel.code, "total": str(total)}, parcel.id))
        if parcel.area_sq_wa is None:
            block(owners, Problem("no_land_area", {"parcel": parcel.code}, parcel_id=parcel.id))
        if snap.round_id is None:
            blocked.update(owners)
        elif parcel.id not in snap.land_prices and shares:
            block(
                owners,
                Problem(
                    "no_land_price",
                    {
                        "parcel": parcel.code,
                        "block": f"{parcel.zone_no:02d}{parcel.block_letter}",
                        "round": snap.round_name,
                    },
                    parcel_id=parcel.id,
                ),
            )
        land_used = any(area > 0 for _, area, _ in snap.land_uses.get(parcel.id, []))
        building_used = any(floor > 0 for b in buildings for _, floor in snap.building_uses.get(b.id, []))
        if not land_used and not building_used:
            everyone = set(owners) | {
                r.owner_id for b in buildings for r in snap.building_shares.get(b.id, [])
            }
            block(everyone, Problem("no_use", {"parcel": parcel.code}, parcel_id=parcel.id))
        for building in buildings:
            own_rows = snap.building_shares.get(building.id)
            holders = [row.owner_id for row in own_rows] if own_rows else owners
            for owner in holders:
                owner_parcels[owner].add(parcel.id)
            if own_rows:
                total = (
                    own_rows[0].share if len(own_rows) == 1 else sum((r.share for r in own_rows), Fraction(0))
                )
                if total != 1:
                    block(
                        holders,
                        Problem(
                            "shares_not_one",
                            {"target": building.code, "total": str(total)},
                            parcel_id=parcel.id,
                            building_id=building.id,
                        ),
                    )
            for problem in _building_problems(snap, building):
                block(holders, problem)
    owner_condos: dict[int, set[int]] = defaultdict(set)
    for unit_id, rows in snap.condo_shares.items():
        unit = snap.condo_units[unit_id]
        holders = [row.owner_id for row in rows]
        for owner in holders:
            owner_condos[owner].add(unit_id)
            owner_parcels.setdefault(owner, set())  # a unit's owner is a taxpayer even with no parcel
        where = {"parcel_id": unit.parcel_id, "building_id": unit.building_id}
        total = rows[0].share if len(rows) == 1 else sum((r.share for r in rows), Fraction(0))
        if total != 1:
            block(holders, Problem("shares_not_one", {"target": unit.ref, "total": str(total)}, **where))
        if snap.round_id is not None and unit.building_id not in snap.condo_prices:
            building_code = snap.condo_buildings[unit.building_id][1]
            block(
                holders,
                Problem(
                    "condo_no_price",
                    {"unit": unit.ref, "building": building_code, "round": snap.round_name},
                    **where,
                ),
            )
    if snap.round_id is None:
        blocked.update(owner_parcels)  # no prices at all: nobody can be valued
    snap.owner_parcels = dict(owner_parcels)
    snap.owner_condos = dict(owner_condos)
    return problems, blocked


def _building_problems(snap: Snapshot, building: BuildingRow) -> list[Problem]:
    found = []
    where = {"parcel_id": building.parcel_id, "building_id": building.id}
    if not building.building_type:
        found.append(Problem("building_no_type", {"building": building.code}, **where))
    elif snap.round_id is not None and building.building_type not in snap.building_prices:
        found.append(
            Problem(
                "building_no_price",
                {"building": building.code, "type": building.building_type, "round": snap.round_name},
                **where,
            )
        )
    if building.year_built_be is None:
        found.append(Problem("building_no_year", {"building": building.code}, **where))
    if building.construction not in CONSTRUCTIONS:
        found.append(
            Problem(
                "building_bad_construction",
                {"building": building.code, "construction": building.construction},
                **where,
            )
        )
    return found


# --- one taxpayer's document and typed input ----------------------------------------------------------------

_ENGINE_USES = {use.value: use for use in Use}
_RESIDENCES = {residence.value: residence for residence in Residence}
_ONE = Fraction(1)


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _times_share(amount: Decimal, share: Fraction) -> Decimal:
    if share == 1:
        return amount
    exact = Fraction(amount) * share
    if 10**12 % exact.denominator == 0:  # 1/2, 1/4, 1/5 …: a finite decimal
        return Decimal(exact.numerator) / Decimal(exact.denominator)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(SHARE_PLACES, ROUND_HALF_EVEN)


def _split(parts: dict[str, Fraction], value: Fraction, into: dict[str, Fraction]) -> None:
    total = sum(parts.values(), Fraction(0))
    for use, weight in parts.items():
        into[use] = into.get(use, Fraction(0)) + value * weight / total


def _building_use_parts(snap: Snapshot, building_id: int) -> dict[str, Fraction]:
    parts: dict[str, Fraction] = {}
    for code, floor in snap.building_uses.get(building_id, ()):
        if floor > 0:
            use = BUILDING_USE_TO_ENGINE.get(code, OTHER)
            parts[use] = parts[use] + Fraction(floor) if use in parts else Fraction(floor)
    return parts


def _land_use_parts(snap: Snapshot, parcel_id: int) -> tuple[dict[str, Fraction], int]:
    """Land use parts by area, code 7 spread over the buildings' uses; and the vacant years."""
    parts: dict[str, Fraction] = {}
    vacant_years = 0
    buildings_mix: dict[str, Fraction] | None = None  # only a mixed or a bare parcel needs it

    def mix() -> dict[str, Fraction]:
        nonlocal buildings_mix
        if buildings_mix is None:
            buildings_mix = {}
            for building in snap.buildings_by_parcel.get(parcel_id, ()):
                for use, weight in _building_use_parts(snap, building.id).items():
                    buildings_mix[use] = buildings_mix.get(use, Fraction(0)) + weight
        return buildings_mix

    for code, area, since in snap.land_uses.get(parcel_id, ()):
        if area <= 0:
            continue
        use = LAND_USE_TO_ENGINE.get(code, OTHER)
        if use == MIXED:
            if mix():
                _split(mix(), Fraction(area), parts)
            else:
                parts[OTHER] = parts.get(OTHER, Fraction(0)) + Fraction(area)
            continue
        parts[use] = parts[use] + Fraction(area) if use in parts else Fraction(area)
        if use == VACANT:
            years = snap.tax_year - since + 1 if since else VACANT_CODE_MIN_YEARS.get(code, 1)
            vacant_years = max(vacant_years, years, 1)
    if not parts:
        parts = dict(mix())  # bare records: the land serves its buildings (UNCONFIRMED §8)
    return parts, vacant_years


def _whole_weights(weights: dict[str, Fraction]) -> dict[str, str]:
    """Exact proportions as whole numbers on a common denominator, divided by their common factor."""
    positive = {use: w for use, w in weights.items() if w > 0}
    if not positive:
        return {}
    common = lcm(*(w.denominator for w in positive.values()))
    whole = {use: int(w * common) for use, w in positive.items()}
    factor = gcd(*whole.values())
    return {use: str(value // factor) for use, value in whole.items()}


class TaxpayerInput(NamedTuple):
    """One taxpayer as the run gives it to the engine: the frozen document, its sources, and the same
    document already typed (what parse.quote_input_from_document makes of it, without the round trip)."""

    document: dict[str, Any]
    provenance: dict[str, Any]
    quote_input: QuoteInput


class _ParcelUses(NamedTuple):
    land_parts: dict[str, Fraction]
    vacant_years: int
    building_parts: dict[int, dict[str, Fraction]]  # building id → its own use parts (empty: none recorded)


# Per-process memo of the owner-independent part of a parcel, kept for parcels held by more than one owner:
# their co-owners reuse it instead of splitting the same land and floor areas again. The snapshot does not
# change during a run; taxpayer_input(cache=None) (tests, one-off callers) computes afresh.
ParcelCache = dict[int, _ParcelUses]


def _parcel_uses(snap: Snapshot, parcel_id: int, cache: ParcelCache | None) -> _ParcelUses:
    if cache is not None:
        found = cache.get(parcel_id)
        if found is not None:
            return found
    land_parts, vacant_years = _land_use_parts(snap, parcel_id)
    building_parts = {
        building.id: _building_use_parts(snap, building.id)
        for building in snap.buildings_by_parcel.get(parcel_id, ())
    }
    found = _ParcelUses(land_parts, vacant_years, building_parts)
    if cache is not None and len(snap.parcel_shares.get(parcel_id, ())) + len(building_parts) > 1:
        cache[parcel_id] = found
    return found


@lru_cache(maxsize=4)
def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()  # the same moment for every taxpayer; zone lookups make it dear


def build_document(snap: Snapshot, owner_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The contract document for one owner, and where each figure came from; raises TaxpayerProblem."""
    document, provenance, _typed = taxpayer_input(snap, owner_id)
    return document, provenance


def taxpayer_input(snap: Snapshot, owner_id: int, cache: ParcelCache | None = None) -> TaxpayerInput:
    """:func:`build_document` and the engine's typed input built beside it; raises TaxpayerProblem."""
    individual = snap.owner_types.get(owner_id) == Owner.OwnerType.INDIVIDUAL
    properties: list[dict[str, Any]] = []
    typed: list[PropertyInput] = []
    sources: list[dict[str, Any]] = []
    homes: list[str] = []
    for parcel_id in sorted(snap.owner_parcels.get(owner_id, ())):
        built = _property(snap, owner_id, parcel_id, individual, cache)
        if built is None:
            continue
        prop, source, prop_input = built
        if prop.get("residence"):
            homes.append(prop["ref"])
        properties.append(prop)
        sources.append(source)
        typed.append(prop_input)
    for unit_id in sorted(snap.owner_condos.get(owner_id, ())):
        prop, source, prop_input = _condo_property(snap, owner_id, unit_id, individual)
        if prop.get("residence"):
            homes.append(prop["ref"])
        properties.append(prop)
        sources.append(source)
        typed.append(prop_input)
    if len(homes) > 1:
        raise TaxpayerProblem(
            Problem("two_main_houses", {"owner": owner_id, "parcels": ", ".join(homes)}, owner_id=owner_id)
        )
    taxpayer_type = Owner.OwnerType.INDIVIDUAL if individual else Owner.OwnerType.JURISTIC
    document = {"tax_year": snap.tax_year, "taxpayer": {"type": taxpayer_type}, "properties": properties}
    provenance = {"as_of": _iso(snap.as_of), "appraisal_round": snap.round_name, "properties": sources}
    quote_input = QuoteInput(
        tax_year=snap.tax_year, taxpayer_type=TaxpayerType(taxpayer_type), properties=tuple(typed)
    )
    return TaxpayerInput(document, provenance, quote_input)


def _property(snap: Snapshot, owner_id: int, parcel_id: int, individual: bool, cache: ParcelCache | None):
    parcel = snap.parcels[parcel_id]
    if parcel.exempt_ground is not None:
        return _exempt_property(snap, owner_id, parcel)
    land_row = next((row for row in snap.parcel_shares.get(parcel_id, ()) if row.owner_id == owner_id), None)
    parcel_uses = _parcel_uses(snap, parcel_id, cache)
    land_parts = parcel_uses.land_parts
    prop: dict[str, Any] = {"ref": parcel.code}
    source: dict[str, Any] = {"ref": parcel.code, "parcel_id": parcel_id}
    # Only a parcel held whole is ever in a group (_load_adjoining), so its one land row is this owner's.
    group = snap.adjoining_groups.get(parcel_id) if land_row is not None else None
    in_house = False
    land_input = None
    # (use parts, value as a thunk: only a property with several uses needs its values to split them)
    valued: list[tuple[dict[str, Fraction], Any]] = []
    if land_row is not None:
        price, price_source, block_code = snap.land_prices[parcel_id]
        area = _times_share(parcel.area_sq_wa, land_row.share)
        prop["land"] = {"area": {"sq_wa": _decimal_text(area)}, "price_per_sq_wa": _decimal_text(price)}
        source.update(
            land_share=str(land_row.share),
            land_area_sq_wa=_decimal_text(parcel.area_sq_wa),
            land_price_source=price_source,
            block=block_code,
        )
        land_input = LandInput(area, price)
        valued.append(
            (
                land_parts,
                lambda area=area, price=price: land_value(area_sq_wa=area, price_per_sq_wa_baht=price),
            )
        )
        in_house = land_row.in_house
    buildings, building_sources, building_inputs = [], [], []
    for building in snap.buildings_by_parcel.get(parcel_id, ()):
        own_rows = snap.building_shares.get(building.id)
        # No ownership rows of its own: the building belongs to the land owners.
        row = next((r for r in own_rows if r.owner_id == owner_id), None) if own_rows else land_row
        if row is None:
            continue
        in_house = in_house or row.in_house
        floor = _times_share(building.floor_area_m2, row.share)
        price = snap.building_prices[building.building_type]
        age = max(0, snap.tax_year - building.year_built_be)
        construction = Construction(building.construction)
        buildings.append(
            {
                "floor_area_sqm": _decimal_text(floor),
                "price_per_sqm": _decimal_text(price),
                "construction": building.construction,
                "age_years": age,
            }
        )
        building_sources.append(
            {
                "building_id": building.id,
                "code": building.code,
                "type": building.building_type,
                "share": str(row.share),
                "year_built_be": building.year_built_be,
            }
        )
        building_inputs.append(BuildingInput(floor, price, construction, age))
        valued.append(
            (
                parcel_uses.building_parts[building.id] or land_parts,
                lambda floor=floor, price=price, construction=construction, age=age: building_value(
                    floor_area_sqm=floor, price_per_sqm_baht=price, construction=construction, age_years=age
                ),
            )
        )
    if land_row is None and not buildings:
        return None
    if buildings:
        prop["buildings"] = buildings
        source["buildings"] = building_sources
    # Every weight in a parts dict is positive (areas and floors above 0, split in proportion), so the keys
    # are the uses.
    uses_seen = {use for parts, _value in valued for use in parts}
    if len(uses_seen) == 1:
        uses = {uses_seen.pop(): "1"}  # one use: no need to value anything to split
    else:
        weights: dict[str, Fraction] = {}
        for parts, value in valued:
            if parts:
                _split(parts, Fraction(value()), weights)
        uses = _whole_weights(weights) or _whole_weights(land_parts) or {OTHER: "1"}
    prop["uses"] = uses
    if group is not None:
        prop["adjoining_group"] = group
    residence = None
    if individual and in_house and buildings and RESIDENTIAL in uses:
        residence = prop["residence"] = "main_house" if land_row is not None else "building_only"
    vacant_years = 0
    if VACANT in uses:
        vacant_years = prop["vacant_years"] = parcel_uses.vacant_years or 1
    prop_input = PropertyInput(
        ref=parcel.code,
        use_weights=tuple((_ENGINE_USES[use], Decimal(weight)) for use, weight in uses.items()),
        land=land_input,
        buildings=tuple(building_inputs),
        residence=None if residence is None else _RESIDENCES[residence],
        vacant_years=vacant_years,
        adjoining_group=group,
    )
    return prop, source, prop_input


def _exempt_property(snap: Snapshot, owner_id: int, parcel: ParcelRow):
    """An s.8 parcel: its ground and what the owner holds there, for the notice; the engine values nothing."""
    source: dict[str, Any] = {
        "ref": parcel.code,
        "parcel_id": parcel.id,
        "exempt_ground": parcel.exempt_ground,
    }
    land_row = next((row for row in snap.parcel_shares.get(parcel.id, ()) if row.owner_id == owner_id), None)
    if land_row is not None:
        source["land_share"] = str(land_row.share)
    held = [
        building.id
        for building in snap.buildings_by_parcel.get(parcel.id, ())
        if any(row.owner_id == owner_id for row in snap.building_shares.get(building.id, ()))
        or (land_row is not None and not snap.building_shares.get(building.id))
    ]
    if held:
        source["buildings"] = [{"building_id": bid, "code": snap.buildings[bid].code} for bid in held]
    prop = {"ref": parcel.code, "exempt": parcel.exempt_ground}
    return prop, source, PropertyInput(ref=parcel.code, exempt=parcel.exempt_ground)


def _condo_property(snap: Snapshot, owner_id: int, unit_id: int, individual: bool):
    """One condominium unit as a property (§9.5): area x the building's unit price, never depreciated."""
    unit = snap.condo_units[unit_id]
    row = next(r for r in snap.condo_shares[unit_id] if r.owner_id == owner_id)
    area = _times_share(unit.area_m2, row.share)
    price = snap.condo_prices[unit.building_id]
    residence = "main_house" if individual and row.in_house else None
    prop: dict[str, Any] = {
        "ref": unit.ref,
        "uses": {RESIDENTIAL: "1"},
        "condo_unit": {"area_sqm": _decimal_text(area), "price_per_sqm": _decimal_text(price)},
    }
    if residence is not None:
        prop["residence"] = residence
    source = {
        "ref": unit.ref,
        "parcel_id": unit.parcel_id,
        "building_id": unit.building_id,
        "condo_unit_id": unit.id,
        "share": str(row.share),
        "area_m2": _decimal_text(unit.area_m2),
    }
    prop_input = PropertyInput(
        ref=unit.ref,
        use_weights=((_ENGINE_USES[RESIDENTIAL], Decimal(1)),),
        condo_unit=CondoUnitInput(area, price),
        residence=None if residence is None else _RESIDENCES[residence],
    )
    return prop, source, prop_input
