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


# --- the map page: search, history, lineage ----------------------------------------------------------------

SEARCH_LIMIT = 20


def parcel_search(*, org: Organisation, membership, query: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """What the map's search box finds: parcels by code or deed number, villages by name or number, and
    (tax officers and administrators only: PDPA) owners by name or ID number, with where to zoom.

    A resident searches only their own parcels (parcel_list narrows them).
    """
    from .domain.parcel_code import compact

    text = " ".join(query.split())
    if not text:
        return []
    results: list[dict] = []
    parcels = parcel_list(org=org, membership=membership).filter(status=Parcel.Status.ACTIVE)
    code = compact(text)
    found = parcels.filter(Q(parcel_code__startswith=code) | Q(document_no=text) | Q(land_no=text))
    for parcel in found[:limit]:
        results.append({"kind": "parcel", "id": parcel.pk, "label": parcel.parcel_code,
                        "detail": parcel.document_no, "bbox": list(parcel.geom.extent)})
    if _role(membership) != Role.RESIDENT:
        villages = Village.objects.filter(organisation=org).filter(
            Q(name_th__icontains=text) | Q(name_en__icontains=text)
            | (Q(moo_no=int(text)) if text.isdigit() and len(text) <= 3 else Q(pk__in=[]))
        )
        for village in villages[:limit]:
            extent = village.geom.extent if village.geom else _parcels_extent(org, village_id=village.pk)
            results.append({"kind": "village", "id": village.pk, "label": str(village), "detail": "",
                            "bbox": list(extent) if extent else None})
    if _role(membership) in OWNER_DATA_ROLES:
        words = text.split()
        owners = Owner.objects.filter(organisation=org)
        for word in words:
            owners = owners.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                                   | Q(id_number=word))
        rows = (
            Ownership.objects.filter(organisation=org, owner__in=owners[:limit], parcel__isnull=False,
                                     parcel__status=Parcel.Status.ACTIVE)
            .select_related("owner", "parcel").order_by("owner__first_name", "parcel__parcel_code")[:limit]
        )
        for row in rows:
            results.append({"kind": "owner", "id": row.parcel_id, "label": row.owner.full_name,
                            "detail": row.parcel.parcel_code, "bbox": list(row.parcel.geom.extent)})
    return results[:limit * 2]


def _parcels_extent(org: Organisation, **filters):
    from django.contrib.gis.db.models import Extent

    return Parcel.objects.filter(organisation=org, **filters).aggregate(e=Extent("geom"))["e"]


def parcel_history(*, org: Organisation, membership, pk: int) -> list:
    """Every saved version of a parcel the member may see, newest first, with who saved it."""
    parcel = parcel_get(org=org, membership=membership, pk=pk)
    return list(
        Parcel.history.filter(id=parcel.pk, organisation_id=org.pk)
        .select_related("history_user", "village")
        .order_by("-history_date", "-history_id")
    )


def parcel_lineage(*, org: Organisation, pk: int) -> dict[str, list[Parcel]]:
    """The parcels this one came from and the ones it became (split, merge)."""
    from .models import ParcelLineage

    links = ParcelLineage.objects.filter(organisation=org).select_related("parent", "child")
    return {
        "parents": [link.parent for link in links.filter(child_id=pk).order_by("parent__parcel_code")],
        "children": [link.child for link in links.filter(parent_id=pk).order_by("child__parcel_code")],
    }


def parcel_lineage_to_confirm(*, org: Organisation) -> QuerySet[Parcel]:
    """Active parcels made by a split or merge whose copied owners or uses the tax officer has not confirmed.

    A copy is written with the change reason ``services.COPIED_FOR_CONFIRMATION``; confirming saves the rows
    again with another reason, so "unconfirmed" is: the row's newest history entry is still the copy.
    """
    from django.db.models import OuterRef, Subquery

    from .services import COPIED_FOR_CONFIRMATION

    latest_reason = Ownership.history.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
    copied = (
        Ownership.objects.filter(organisation=org, parcel__isnull=False)
        .annotate(reason=Subquery(latest_reason.values("history_change_reason")[:1]))
        .filter(reason=COPIED_FOR_CONFIRMATION)
        .values("parcel_id")
    )
    return Parcel.objects.filter(organisation=org, status=Parcel.Status.ACTIVE, pk__in=copied).order_by(
        "parcel_code"
    )
