"""Who sees which organisation's map, and with which attributes."""

from __future__ import annotations

import time
from dataclasses import dataclass

from apps.organisations.models import Organisation
from apps.organisations.selectors import organisation_public_default

from .layers import Audience, audience_for

# Anonymous tile requests come by the hundred per page view; the public organisation changes only when the
# deployment is reconfigured, so its id is read once a minute instead of once per tile.
PUBLIC_DEFAULT_TTL_S = 60.0
_public_default: tuple[float, int | None] = (0.0, None)


@dataclass(frozen=True, slots=True)
class MapScope:
    organisation_id: int
    audience: Audience
    # A logged-in viewer's answer depends on their session: no shared cache may keep it.
    private: bool


def _public_default_id() -> int | None:
    global _public_default
    read_at, organisation_id = _public_default
    now = time.monotonic()
    if organisation_id is None or now - read_at > PUBLIC_DEFAULT_TTL_S:
        organisation = organisation_public_default()
        organisation_id = organisation.pk if organisation else None
        _public_default = (now, organisation_id)
    return organisation_id


def map_scope(*, user, membership, organisation) -> MapScope | None:
    """The organisation and audience of a map request; None when there is nothing to show."""
    if user.is_authenticated and organisation:
        return MapScope(organisation.pk, audience_for(membership), private=True)
    # Anonymous, or logged in without a membership anywhere: the public map of the deployment's organisation.
    organisation_id = _public_default_id()
    if organisation_id is None:
        return None
    return MapScope(organisation_id, Audience.PUBLIC, private=user.is_authenticated)


def organisation_extent(*, organisation_id: int) -> list[float] | None:
    """[west, south, east, north] of the organisation's boundary in EPSG:4326."""
    organisation = Organisation.objects.filter(pk=organisation_id).only("boundary").first()
    if organisation is None or organisation.boundary is None:
        return None
    return [round(v, 6) for v in organisation.boundary.extent]
