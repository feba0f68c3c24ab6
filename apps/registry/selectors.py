"""Reads of the registry, always scoped: one organisation, and for a resident only what they own.

Every list is one QuerySet with its joins and counts done up front, so serialising a page costs a fixed number
of queries however many parcels it holds (no N+1).
"""

from __future__ import annotations

from django.contrib.gis.geos import Polygon
from django.db.models import Count, Prefetch, Q, QuerySet

from apps.organisations.models import Organisation, Role

from .models import Building, Owner, Ownership, Parcel, Village

# Personal data (PDPA): who owns what is shown to these roles, and to the resident who is the owner.
OWNER_DATA_ROLES = frozenset({Role.ADMIN, Role.TAX_OFFICER})


def _role(membership) -> str | None:
    return membership.role if membership else None


def _resident_user(membership):
    """The login whose ownerships narrow the lists, or None when the role sees the whole organisation."""
    if _role(membership) == Role.RESIDENT:
        return membership.user
    return None


def _bbox_polygon(bbox: tuple[float, float, float, float] | Polygon | None) -> Polygon | None:
    if bbox is None or isinstance(bbox, Polygon):
        return bbox
    return Polygon.from_bbox(bbox)


def ownerships_of_user(*, org: Organisation, user) -> QuerySet[Ownership]:
    return Ownership.objects.filter(organisation=org, owner__user=user, owner__organisation=org)


def parcel_list(*, org: Organisation, membership, bbox=None) -> QuerySet[Parcel]:
    """Parcels of ``org`` (a resident: the ones they own, directly or through a building on it).

    ``bbox`` (min lon, min lat, max lon, max lat in EPSG:4326) keeps the parcels whose box overlaps it.
    """
    queryset = (
        Parcel.objects.filter(organisation=org)
        .select_related("village")
        .annotate(building_count=Count("buildings", distinct=True))
        # Explicit: a GROUP BY query drops Meta.ordering, and paging needs a stable order.
        .order_by("zone_no", "block_letter", "lot_no", "split_no", "pk")
    )
    user = _resident_user(membership)
    if user is not None:
        mine = ownerships_of_user(org=org, user=user)
        queryset = queryset.filter(
            Q(pk__in=mine.filter(parcel__isnull=False).values("parcel_id"))
            | Q(pk__in=mine.filter(building__isnull=False).values("building__parcel_id"))
        )
    if _role(membership) in OWNER_DATA_ROLES or user is not None:
        queryset = queryset.prefetch_related(
            Prefetch("ownerships", queryset=Ownership.objects.select_related("owner").order_by("pk"))
        )
    polygon = _bbox_polygon(bbox)
    if polygon is not None:
        queryset = queryset.filter(geom__bboverlaps=polygon)
    return queryset


def parcel_get(*, org: Organisation, membership, pk: int) -> Parcel:
    """One parcel the member may see; another organisation's id raises Parcel.DoesNotExist (→ 404)."""
    return parcel_list(org=org, membership=membership).get(pk=pk)


def building_list(*, org: Organisation, membership, bbox=None) -> QuerySet[Building]:
    queryset = (
        Building.objects.filter(organisation=org)
        .select_related("parcel")
        .order_by("parcel__parcel_code", "building_no", "pk")
    )
    user = _resident_user(membership)
    if user is not None:
        mine = ownerships_of_user(org=org, user=user)
        queryset = queryset.filter(
            Q(pk__in=mine.filter(building__isnull=False).values("building_id"))
            | Q(parcel_id__in=mine.filter(parcel__isnull=False).values("parcel_id"))
        )
    polygon = _bbox_polygon(bbox)
    if polygon is not None:
        queryset = queryset.filter(geom__bboverlaps=polygon)
    return queryset


def owner_list(*, org: Organisation, membership) -> QuerySet[Owner]:
    """Owners are personal data: the office roles that need them see all; a resident sees only themself.

    Any other role gets an empty list here (the API answers 403 before it asks).
    """
    queryset = (
        Owner.objects.filter(organisation=org)
        .annotate(parcel_count=Count("ownerships__parcel", distinct=True))
        .order_by("first_name", "last_name", "pk")
    )
    role = _role(membership)
    if role in OWNER_DATA_ROLES:
        return queryset
    if role == Role.RESIDENT:
        return queryset.filter(user=membership.user)
    return queryset.none()


def village_list(*, org: Organisation) -> QuerySet[Village]:
    return Village.objects.filter(organisation=org)
