"""Writes to the registry. Each service validates fully (model clean + constraints) before it saves.

Parcel boundaries also pass the topology checks (apps/registry/topology.py): no overlap with the neighbours
beyond the tolerance, no new sliver gaps. Split, merge and revert keep the registry's memory: a parent is
retired (never deleted), ParcelLineage links parents and children, and every change is a new history row.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.contrib.gis.geos import GEOSGeometry, LineString, MultiLineString
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from apps.organisations.models import Organisation

from . import topology
from .domain.parcel_code import DEFAULT_SPLIT_SUFFIX_WIDTH, ParcelCode
from .errors import ParcelEditConflict
from .geometry import area_m2, as_multipolygon
from .models import Building, LandUse, Owner, Ownership, Parcel, ParcelLineage
from .validators import parse_deed_area

# A split piece smaller than this is a slip of the mouse along an edge, not a new parcel (m²).
SPLIT_MIN_PIECE_M2 = 1.0
# The change reason on history rows written by a split or a merge: ownerships and uses copied this way wait
# for the tax officer to confirm them (selectors.parcel_lineage_to_confirm).
COPIED_FOR_CONFIRMATION = "lineage-copy"
CONFIRMED = "lineage-confirmed"
SQ_WA = Decimal("0.01")


class BuildingEditConflict(ParcelEditConflict):
    message = _("Someone else changed this building while you were editing it. Reload to see their version.")


def _stamp(instance, *, by=None, reason: str | None = None):
    # simple_history reads these once on save; the API's request user is picked up by its middleware anyway,
    # but a service called from a command or a test names the user itself.
    if by is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = reason
    return instance


def _full_clean_with_place(parcel: Parcel, *, org: Organisation) -> None:
    try:
        parcel.full_clean()
    except ValidationError as error:
        raise topology.geometry_error_with_place(error, org=org, geom=parcel.geom) from None


@transaction.atomic
def parcel_create(
    *, org: Organisation, geom: GEOSGeometry, parcel_code: str, deed_area: str | None = None, by=None,
    **fields
) -> Parcel:
    """Create a parcel; ``deed_area`` may be deed text ("2-1-35.5") instead of ``deed_area_sq_wa``."""
    if deed_area:
        fields["deed_area_sq_wa"] = parse_deed_area(deed_area)
    parcel = Parcel(organisation=org, parcel_code=parcel_code, geom=as_multipolygon(geom), **fields)
    _full_clean_with_place(parcel, org=org)
    topology.parcel_topology_check(org=org, geom=parcel.geom).raise_if_any()
    parcel.area_m2 = area_m2(parcel.geom, utm_srid=org.utm_srid)
    _stamp(parcel, by=by)
    parcel.save()
    return parcel


@transaction.atomic
def parcel_update(
    *, org: Organisation, parcel_id: int, expected_version: int | None = None, by=None,
    change_reason: str | None = None, **fields
) -> Parcel:
    # The row lock makes a second editor wait for the first and then see the version it wrote.
    parcel = Parcel.objects.select_for_update().get(pk=parcel_id, organisation=org)
    if expected_version is not None and parcel.version != expected_version:
        raise ParcelEditConflict(parcel)
    former_geom = parcel.geom
    for name, value in fields.items():
        setattr(parcel, name, as_multipolygon(value) if name == "geom" else value)
    _full_clean_with_place(parcel, org=org)
    # Only a changed boundary is checked: fixing a deed number must not be refused for an old overlap.
    if "geom" in fields and not parcel.geom.equals_exact(former_geom, 1e-9):
        topology.parcel_topology_check(
            org=org, geom=parcel.geom, former_geom=former_geom, exclude_ids=[parcel.pk]
        ).raise_if_any()
    parcel.area_m2 = area_m2(parcel.geom, utm_srid=org.utm_srid)
    parcel.version += 1
    _stamp(parcel, by=by, reason=change_reason)
    parcel.save()
    return parcel


# --- split, merge, revert ---------------------------------------------------------------------------------


def _locked_active(org: Organisation, parcel_ids) -> list[Parcel]:
    # Locked in id order, so two merges of overlapping sets cannot deadlock each other.
    parcels = list(
        Parcel.objects.select_for_update().filter(organisation=org, pk__in=parcel_ids).order_by("pk")
    )
    if len(parcels) != len(set(parcel_ids)):
        raise Parcel.DoesNotExist
    retired = [p.parcel_code for p in parcels if p.status != Parcel.Status.ACTIVE]
    if retired:
        raise ValidationError(
            {"parcel": _("Parcel %(codes)s was already split or merged; it cannot be changed again.")
             % {"codes": ", ".join(retired)}},
            code="retired",
        )
    return parcels


def _split_width(org: Organisation) -> int:
    return org.parcel_split_suffix_width or DEFAULT_SPLIT_SUFFIX_WIDTH


def _next_split_codes(org: Organisation, mother: ParcelCode, count: int) -> list[str]:
    """The next free ``/n`` suffixes of the mother code (retired parcels keep theirs: never reused)."""
    used = Parcel.objects.filter(
        organisation=org, zone_no=mother.zone, block_letter=mother.block, lot_no=mother.lot,
        split_no__isnull=False,
    ).values_list("split_no", flat=True)
    start = max(used, default=0) + 1
    width = _split_width(org)
    return [mother.with_split(start + i).to_text(split_width=width) for i in range(count)]


def _next_lot_code(org: Organisation, zone_no: int, block_letter: str) -> str:
    used = Parcel.objects.filter(organisation=org, zone_no=zone_no, block_letter=block_letter).values_list(
        "lot_no", flat=True
    )
    lot = max(used, default=0) + 1
    if lot > 999:
        raise ValidationError(
            {"parcel": _("Block %(block)s has no free lot number left.")
             % {"block": f"{zone_no:02d}{block_letter}"}},
            code="no_free_lot",
        )
    return ParcelCode(zone_no, block_letter, lot).to_text(split_width=_split_width(org))


def _split_pieces(parent: Parcel, cut_line: GEOSGeometry, utm_srid: int) -> list[tuple[GEOSGeometry, float]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsEWKB(d.geom), ST_Area(ST_Transform(d.geom, %(utm)s)) "
            "FROM ST_Dump(ST_Split(ST_GeomFromEWKB(%(parcel)s), ST_GeomFromEWKB(%(line)s))) d "
            "WHERE ST_Dimension(d.geom) = 2 ORDER BY ST_Y(ST_PointOnSurface(d.geom)) DESC, "
            "ST_X(ST_PointOnSurface(d.geom))",
            {"parcel": bytes(parent.geom.ewkb), "line": bytes(cut_line.ewkb), "utm": utm_srid},
        )
        return [(GEOSGeometry(memoryview(wkb)), area) for wkb, area in cursor.fetchall()]


def _prorate(value: Decimal | None, part: float, whole: float) -> Decimal | None:
    if value is None or whole <= 0:
        return None
    return (value * Decimal(str(part)) / Decimal(str(whole))).quantize(SQ_WA, rounding=ROUND_HALF_UP)


_CARRIED_FIELDS = (
    "land_document_type", "sheet_utm1", "sheet_utm2", "sheet_utm3", "sheet_utm4", "sheet_scale", "road",
    "village_id", "block_id",
)


def _child(org, *, code: str, geom, parents: list[Parcel], by, reason: str, **fields) -> Parcel:
    first = parents[0]
    child = Parcel(organisation=org, parcel_code=code, geom=as_multipolygon(geom),
                   geometry_source=Parcel.GeometrySource.SURVEY, **fields)
    for name in _CARRIED_FIELDS:
        if name not in fields:
            setattr(child, name, getattr(first, name))
    child.full_clean()
    child.area_m2 = area_m2(child.geom, utm_srid=org.utm_srid)
    _stamp(child, by=by, reason=reason)
    child.save()
    for parent in parents:
        link = ParcelLineage(organisation=org, parent=parent, child=child,
                             operation=ParcelLineage.Operation.SPLIT if len(parents) == 1
                             else ParcelLineage.Operation.MERGE)
        link.full_clean()
        _stamp(link, by=by)
        link.save()
    return child


def _retire(parent: Parcel, *, by, reason: str) -> None:
    parent.status = Parcel.Status.RETIRED
    parent.version += 1
    _stamp(parent, by=by, reason=reason)
    parent.save(update_fields=["status", "version", "updated_at"])


def _copy_ownership(source: Ownership, *, parcel: Parcel, by, numerator=None, denominator=None) -> None:
    copy = Ownership(
        organisation_id=source.organisation_id, owner_id=source.owner_id, parcel=parcel,
        share_numerator=numerator or source.share_numerator,
        share_denominator=denominator or source.share_denominator,
        in_house_registration=source.in_house_registration, since=source.since,
    )
    copy.full_clean()
    _stamp(copy, by=by, reason=COPIED_FOR_CONFIRMATION)
    copy.save()


def _copy_land_use(source: LandUse, *, parcel: Parcel, area_sq_wa: Decimal, by) -> None:
    geom = None
    if source.geom is not None:
        part = source.geom.intersection(parcel.geom)
        geom = as_multipolygon(part) if not part.empty and part.geom_type in ("Polygon", "MultiPolygon") \
            else None
    copy = LandUse(
        organisation_id=source.organisation_id, parcel=parcel, use_code=source.use_code,
        area_sq_wa=area_sq_wa,
        user_code=source.user_code, crop_code=source.crop_code,
        vacant_since_year_be=source.vacant_since_year_be, geom=geom,
    )
    copy.full_clean()
    _stamp(copy, by=by, reason=COPIED_FOR_CONFIRMATION)
    copy.save()


def _move_building(building: Building, *, parcel: Parcel, building_no: int | None = None, by) -> None:
    building.parcel = parcel
    if building_no is not None:
        building.building_no = building_no
    building.version += 1
    _stamp(building, by=by, reason=COPIED_FOR_CONFIRMATION)
    building.save(update_fields=["parcel", "building_no", "version"])


def _as_line(cut_line: GEOSGeometry) -> GEOSGeometry:
    if not isinstance(cut_line, LineString | MultiLineString) or cut_line.empty:
        raise ValidationError({"cut_line": _("Draw the cut as a line across the parcel.")}, code="not_a_line")
    if cut_line.srid is None:
        cut_line.srid = 4326
    return cut_line


@transaction.atomic
def parcel_split(
    *, org: Organisation, parcel_id: int, cut_line: GEOSGeometry, expected_version: int | None = None, by=None
) -> list[Parcel]:
    """Cut a parcel along a drawn line into new parcels ``<mother>/n``; the parent is retired.

    Owners (with their shares) and land uses (areas prorated by map area) are copied to every piece, and
    buildings move to the piece they stand on; all of it is marked for the tax officer to confirm.
    """
    # Two surveyors can split the same parcel at once; the row lock makes the second one see the first one's
    # result (a retired parcel, a newer version) instead of silently splitting it again.
    (parent,) = _locked_active(org, [parcel_id])
    if expected_version is not None and parent.version != expected_version:
        raise ParcelEditConflict(parent)
    line = _as_line(cut_line)
    pieces = _split_pieces(parent, line, org.utm_srid)
    if len(pieces) < 2:
        raise ValidationError(
            {"cut_line": _("The line must cross the parcel from one edge to another.")}, code="no_split"
        )
    if min(area for _g, area in pieces) < SPLIT_MIN_PIECE_M2:
        raise ValidationError(
            {"cut_line": _("The line cuts off a piece smaller than %(area)s m²; draw it again.")
             % {"area": f"{SPLIT_MIN_PIECE_M2:g}"}},
            code="tiny_piece",
        )
    whole = sum(area for _g, area in pieces)
    codes = _next_split_codes(org, ParcelCode.parse(parent.parcel_code).mother, len(pieces))
    reason = f"split of {parent.parcel_code}"
    children = [
        _child(org, code=code, geom=geom, parents=[parent], by=by, reason=reason,
               deed_area_sq_wa=_prorate(parent.deed_area_sq_wa, area, whole), house_no=parent.house_no)
        for code, (geom, area) in zip(codes, pieces, strict=True)
    ]
    _retire(parent, by=by, reason=reason)
    for child, (_geom, area) in zip(children, pieces, strict=True):
        for ownership in parent.ownerships.all():
            _copy_ownership(ownership, parcel=child, by=by)
        for land_use in parent.land_uses.all():
            share = _prorate(land_use.area_sq_wa, area, whole)
            _copy_land_use(land_use, parcel=child, area_sq_wa=share, by=by)
    largest = max(range(len(children)), key=lambda i: pieces[i][1])
    for building in parent.buildings.select_for_update():
        home = children[largest]
        if building.geom is not None:
            spot = building.geom.point_on_surface
            home = next((c for c in children if c.geom.contains(spot)), home)
        _move_building(building, parcel=home, by=by)
    return children


def _adjoining_groups(parcels: list[Parcel]) -> int:
    """How many groups the parcels form, "connected" meaning sharing an edge (not just a corner)."""
    ids = [p.pk for p in parcels]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, b.id FROM registry_parcel a JOIN registry_parcel b ON a.id < b.id "
            "WHERE a.id = ANY(%(ids)s) AND b.id = ANY(%(ids)s) AND a.geom && b.geom "
            "AND ST_Intersects(a.geom, b.geom) AND ST_Dimension(ST_Intersection(a.geom, b.geom)) >= 1",
            {"ids": ids},
        )
        edges = cursor.fetchall()
    group = {pk: pk for pk in ids}

    def root(pk):
        while group[pk] != pk:
            pk = group[pk]
        return pk

    for a, b in edges:
        group[root(a)] = root(b)
    return len({root(pk) for pk in ids})


def _merged_shares(parents: list[Parcel], areas: dict[int, Decimal]) -> list[tuple[Ownership, Fraction]]:
    """Each owner's share of the merged parcel: the area-weighted sum of their shares of the parents.

    When every parent has the same owners in the same shares, that is just their shares (the usual case: one
    family merging its own deeds).
    """
    total = sum(areas.values())
    weights: dict[int, Fraction] = {}
    first_row: dict[int, Ownership] = {}
    for parent in parents:
        for row in parent.ownerships.all():
            share = Fraction(row.share_numerator, row.share_denominator)
            weight = Fraction(areas[parent.pk]) / Fraction(total) if total else Fraction(1, len(parents))
            weights[row.owner_id] = weights.get(row.owner_id, Fraction(0)) + share * weight
            first_row.setdefault(row.owner_id, row)
    # A share column holds a plain fraction; areas in m² make huge denominators, so keep them readable.
    return [(first_row[o], w.limit_denominator(1000)) for o, w in weights.items()]


@transaction.atomic
def parcel_merge(
    *, org: Organisation, parcel_ids: list[int], expected_versions: dict[int, int] | None = None, by=None
) -> Parcel:
    """Merge adjoining parcels of one block into a new parcel; the parents are retired.

    The new parcel takes the **next free lot number of the block** (e.g. 01A001 + 01A002 → 01A0NN with NN one
    above the highest lot ever used there). Codes are never reused (a retired parcel keeps its code for the
    history and old bills), and a suffix ``/n`` would read as a split; a new lot reads as a new deed, which is
    what a merge (รวมโฉนด) gives.
    """
    parents = _locked_active(org, parcel_ids)
    if len(parents) < 2:
        raise ValidationError({"parcel_ids": _("Choose at least two parcels to merge.")}, code="too_few")
    for parent in parents:
        wanted = (expected_versions or {}).get(parent.pk)
        if wanted is not None and parent.version != wanted:
            raise ParcelEditConflict(parent)
    blocks = {(p.zone_no, p.block_letter) for p in parents}
    if len(blocks) != 1:
        raise ValidationError(
            {"parcel_ids": _("Only parcels of the same tax-map block can be merged.")}, code="other_block"
        )
    if _adjoining_groups(parents) != 1:
        raise ValidationError(
            {"parcel_ids": _("The parcels must adjoin: each one shares an edge with another.")},
            code="not_adjoining",
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_Union(geom), 3))) FROM registry_parcel "
            "WHERE id = ANY(%(ids)s)",
            {"ids": [p.pk for p in parents]},
        )
        merged = GEOSGeometry(memoryview(cursor.fetchone()[0]))
    deeds = [p.deed_area_sq_wa for p in parents]
    zone_no, block_letter = blocks.pop()
    code = _next_lot_code(org, zone_no, block_letter)
    reason = "merge of " + " + ".join(p.parcel_code for p in parents)
    child = _child(org, code=code, geom=merged, parents=parents, by=by, reason=reason,
                   deed_area_sq_wa=None if None in deeds else sum(deeds))
    for parent in parents:
        _retire(parent, by=by, reason=reason)
    areas = {p.pk: p.area_m2 or Decimal(0) for p in parents}
    for row, share in _merged_shares(parents, areas):
        _copy_ownership(row, parcel=child, by=by, numerator=share.numerator, denominator=share.denominator)
    for parent in parents:
        for land_use in parent.land_uses.all():
            _copy_land_use(land_use, parcel=child, area_sq_wa=land_use.area_sq_wa, by=by)
    number = 0
    for parent in parents:
        for building in parent.buildings.select_for_update().order_by("building_no"):
            number += 1
            _move_building(building, parcel=child, building_no=number, by=by)
    return child


# Fields a revert restores: the boundary and what a surveyor or clerk types. Status and lineage are not
# "versions" of a parcel: a retired parcel is brought back by the officer, not by a revert.
REVERTIBLE_FIELDS = (
    "geom", "parcel_code", "land_document_type", "document_no", "land_no", "survey_page", "volume", "page",
    "sheet_utm1", "sheet_utm2", "sheet_utm3", "sheet_utm4", "sheet_scale", "deed_area_sq_wa", "house_no",
    "road", "geometry_source", "village_id", "block_id",
)


@transaction.atomic
def parcel_revert(
    *, org: Organisation, parcel_id: int, history_id: int, expected_version: int | None = None, by=None
) -> Parcel:
    """Bring a parcel back to one of its earlier versions, as a new version (history keeps growing).

    The old boundary passes the same topology checks as a fresh edit: the neighbours may have moved since.
    """
    parcel = Parcel.objects.select_for_update().get(pk=parcel_id, organisation=org)
    if parcel.status != Parcel.Status.ACTIVE:
        raise ValidationError(
            {"parcel": _("A split or merged parcel cannot be reverted; revert its new parcels instead.")},
            code="retired",
        )
    try:
        old = Parcel.history.get(history_id=history_id, id=parcel_id, organisation_id=org.pk)
    except Parcel.history.model.DoesNotExist:
        raise ValidationError(
            {"history_id": _("That version does not belong to this parcel.")}, code="no_such_version"
        ) from None
    fields = {name: getattr(old, name) for name in REVERTIBLE_FIELDS}
    return parcel_update(
        org=org, parcel_id=parcel.pk, expected_version=expected_version, by=by,
        change_reason=f"revert to version {old.version}", **fields,
    )


@transaction.atomic
def ownership_confirm(*, org: Organisation, parcel_id: int, by=None) -> int:
    """The tax officer checked the owners and uses copied by a split or merge: mark them confirmed."""
    parcel = Parcel.objects.select_for_update().get(pk=parcel_id, organisation=org)
    count = 0
    for row in list(parcel.ownerships.all()) + list(parcel.land_uses.all()):
        _stamp(row, by=by, reason=CONFIRMED)
        row.save()
        count += 1
    return count


# --- buildings ---------------------------------------------------------------------------------------------


def _building_geometry_check(building: Building, *, org: Organisation) -> None:
    if building.geom is None:
        return
    from .geometry import validate_geometry

    try:
        validate_geometry(building.geom, organisation=org)
    except ValidationError as error:
        raise topology.geometry_error_with_place(error, org=org, geom=building.geom) from None
    # A footprint belongs on its parcel; a little overhang is digitising slack, a footprint elsewhere is not.
    utm = org.utm_srid
    footprint = building.geom.transform(utm, clone=True)
    inside = footprint.intersection(building.parcel.geom.transform(utm, clone=True)).area
    if footprint.area and inside / footprint.area < 0.5:
        outside = building.geom.difference(building.parcel.geom)
        raise topology.TopologyError([topology.TopologyProblem(
            code="outside_parcel",
            message=_("The building footprint lies mostly outside parcel %(code)s.")
            % {"code": building.parcel.parcel_code},
            where=json.loads(outside.geojson),
        )])


@transaction.atomic
def building_create(*, org: Organisation, parcel: Parcel, by=None, geom=None, **fields) -> Building:
    if "building_no" not in fields:
        used = Building.objects.filter(parcel=parcel).values_list("building_no", flat=True)
        fields["building_no"] = max(used, default=0) + 1
    building = Building(organisation=org, parcel=parcel, geom=None if geom is None else as_multipolygon(geom),
                        **fields)
    building.full_clean()
    _building_geometry_check(building, org=org)
    _stamp(building, by=by)
    building.save()
    return building


@transaction.atomic
def building_update(
    *, org: Organisation, building_id: int, expected_version: int | None = None, by=None, **fields
) -> Building:
    building = Building.objects.select_for_update().select_related("parcel").get(pk=building_id,
                                                                                organisation=org)
    if expected_version is not None and building.version != expected_version:
        raise BuildingEditConflict(building)
    for name, value in fields.items():
        setattr(building, name, as_multipolygon(value) if name == "geom" and value is not None else value)
    building.full_clean()
    if "geom" in fields or "parcel" in fields:
        _building_geometry_check(building, org=org)
    building.version += 1
    _stamp(building, by=by)
    building.save()
    return building


@transaction.atomic
def owner_create(*, org: Organisation, **fields) -> Owner:
    owner = Owner(organisation=org, **fields)
    owner.full_clean()
    owner.save()
    return owner


@transaction.atomic
def owner_update(*, org: Organisation, owner_id: int, **fields) -> Owner:
    owner = Owner.objects.select_for_update().get(pk=owner_id, organisation=org)
    for name, value in fields.items():
        setattr(owner, name, value)
    owner.full_clean()
    owner.save()
    return owner
