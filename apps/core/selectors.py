"""Reads behind the home pages of each role. Every function names the organisation it reads from.

The pages only show what these return; counts and problem lists are computed here, in as few queries as
the page needs, so the views stay thin and the query counts can be pinned by tests.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.contrib.auth.models import User
from django.db.models import Count, Prefetch, QuerySet

from apps.organisations.models import Membership, Organisation, Role
from apps.registry.models import Building, Owner, Ownership, Parcel, TaxMapBlock, TaxMapZone
from apps.registry.selectors import ownerships_of_user

# A home page lists the first few problems of each kind; the count says how many there are in all.
PROBLEM_LIST_LIMIT = 20
RECENT_EDITS_LIMIT = 10
# Coordinates to ~1 m are enough for an overview map and keep the page small on a slow link.
MAP_SIMPLIFY_DEGREES = 0.00001


@dataclass(frozen=True, slots=True)
class RegistryCounts:
    parcels: int
    buildings: int
    zones: int
    blocks: int
    owners: int


@dataclass(slots=True)
class ProblemList:
    """One kind of registry problem: what is wrong, how many, and the first rows to fix."""

    code: str
    count: int
    rows: list = field(default_factory=list)


def registry_counts(*, org: Organisation) -> RegistryCounts:
    return RegistryCounts(
        parcels=Parcel.objects.filter(organisation=org, status=Parcel.Status.ACTIVE).count(),
        buildings=Building.objects.filter(organisation=org).count(),
        zones=TaxMapZone.objects.filter(organisation=org).count(),
        blocks=TaxMapBlock.objects.filter(organisation=org).count(),
        owners=Owner.objects.filter(organisation=org).count(),
    )


def parcel_recent_edits(*, org: Organisation, limit: int = RECENT_EDITS_LIMIT) -> QuerySet:
    """The latest history rows of the organisation's parcels, newest first, with who made them."""
    return (
        Parcel.history.filter(organisation_id=org.pk)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )


def _limited(queryset: QuerySet, code: str) -> ProblemList:
    rows = list(queryset[:PROBLEM_LIST_LIMIT])
    count = len(rows) if len(rows) < PROBLEM_LIST_LIMIT else queryset.count()
    return ProblemList(code=code, count=count, rows=rows)


def parcel_shares_not_whole(*, org: Organisation) -> ProblemList:
    """Active parcels whose owners' shares do not add up to exactly 1 (exact fractions, never float)."""
    totals: dict[int, Fraction] = defaultdict(Fraction)
    rows = Ownership.objects.filter(
        organisation=org, parcel__isnull=False, parcel__status=Parcel.Status.ACTIVE
    ).values_list("parcel_id", "share_numerator", "share_denominator")
    for parcel_id, numerator, denominator in rows:
        totals[parcel_id] += Fraction(numerator, denominator or 1)
    wrong = sorted(pk for pk, total in totals.items() if total != 1)
    parcels = list(Parcel.objects.filter(pk__in=wrong[:PROBLEM_LIST_LIMIT]).order_by("parcel_code"))
    for parcel in parcels:
        parcel.share_total = totals[parcel.pk]
    return ProblemList(code="shares", count=len(wrong), rows=parcels)


def registry_problems(*, org: Organisation) -> list[ProblemList]:
    """What a tax officer must fix before an assessment run can be trusted."""
    active = Parcel.objects.filter(organisation=org, status=Parcel.Status.ACTIVE).order_by("parcel_code")
    return [
        _limited(active.filter(ownerships__isnull=True), "no_owner"),
        parcel_shares_not_whole(org=org),
        _limited(
            active.filter(deed_area_sq_wa__isnull=True).exclude(land_document_type=13), "no_deed_area"
        ),
        _limited(
            Building.objects.filter(organisation=org, building_type="")
            .select_related("parcel").order_by("parcel__parcel_code", "building_no"),
            "building_no_type",
        ),
        _limited(active.filter(block__isnull=True), "no_block"),
    ]


def membership_list_for_org(*, org: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=org)
        .select_related("user")
        .order_by("role", "user__username")
    )


def membership_role_counts(*, org: Organisation) -> list[tuple[str, int]]:
    """(role label, number of members) for every role, zeros included, in the order of ``Role``."""
    rows = Membership.objects.filter(organisation=org).values("role").annotate(n=Count("pk"))
    counts = {row["role"]: row["n"] for row in rows}
    return [(label, counts.get(code, 0)) for code, label in Role.choices]


def _resident_ownerships(*, org: Organisation, user: User) -> QuerySet[Ownership]:
    # Residents are linked to the registry only through Owner.user (the same rule as the registry API).
    return ownerships_of_user(org=org, user=user).filter(parcel__isnull=False, parcel__organisation=org)


def _resident_parcels(*, org: Organisation, user: User) -> QuerySet[Parcel]:
    ownerships = _resident_ownerships(org=org, user=user).select_related("owner").order_by("pk")
    return (
        Parcel.objects.filter(organisation=org, pk__in=ownerships.values("parcel_id"))
        .prefetch_related(
            Prefetch("ownerships", queryset=ownerships, to_attr="my_shares"),
            Prefetch("buildings", queryset=Building.objects.order_by("building_no")),
        )
        .order_by("parcel_code")
    )


def resident_parcel_list(*, org: Organisation, user: User) -> list[Parcel]:
    """The parcels a resident owns (in whole or in part), each with ``my_shares`` and its buildings."""
    return list(_resident_parcels(org=org, user=user))


def resident_parcel_get(*, org: Organisation, user: User, parcel_id: int) -> Parcel | None:
    """One parcel the resident owns, or None: a parcel id typed into the URL grants nothing."""
    return _resident_parcels(org=org, user=user).filter(pk=parcel_id).first()


def _feature(geom, **properties) -> dict:
    simple = geom.simplify(MAP_SIMPLIFY_DEGREES, preserve_topology=True)
    return {"type": "Feature", "geometry": json.loads(simple.geojson), "properties": properties}


def organisation_map_features(*, org: Organisation) -> dict:
    """GeoJSON (EPSG:4326) of the organisation boundary and its tax-map zones, for the overview map."""
    features = [_feature(org.boundary, kind="boundary", label=org.name_th)]
    for zone in TaxMapZone.objects.filter(organisation=org).only("zone_no", "name", "geom"):
        features.append(_feature(zone.geom, kind="zone", label=f"{zone.zone_no:02d} {zone.name}".strip()))
    return {"type": "FeatureCollection", "features": features}


def parcel_map_features(*, parcels: list[Parcel]) -> dict:
    features = [_feature(p.geom, kind="parcel", label=p.parcel_code, id=p.pk) for p in parcels if p.geom]
    return {"type": "FeatureCollection", "features": features}
