"""Writes to the registry. Each service validates fully (model clean + constraints) before it saves."""

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction

from apps.organisations.models import Organisation

from .geometry import area_m2, as_multipolygon
from .models import Owner, Parcel
from .validators import parse_deed_area


@transaction.atomic
def parcel_create(
    *, org: Organisation, geom: GEOSGeometry, parcel_code: str, deed_area: str | None = None, **fields
) -> Parcel:
    """Create a parcel; ``deed_area`` may be deed text ("2-1-35.5") instead of ``deed_area_sq_wa``."""
    if deed_area:
        fields["deed_area_sq_wa"] = parse_deed_area(deed_area)
    parcel = Parcel(organisation=org, parcel_code=parcel_code, geom=as_multipolygon(geom), **fields)
    parcel.full_clean()
    parcel.area_m2 = area_m2(parcel.geom, utm_srid=org.utm_srid)
    parcel.save()
    return parcel


@transaction.atomic
def parcel_update(
    *, org: Organisation, parcel_id: int, expected_version: int | None = None, **fields
) -> Parcel:
    # The row lock makes a second editor wait for the first and then see the version it wrote.
    parcel = Parcel.objects.select_for_update().get(pk=parcel_id, organisation=org)
    if expected_version is not None and parcel.version != expected_version:
        from .errors import ParcelEditConflict

        raise ParcelEditConflict(parcel)
    for name, value in fields.items():
        setattr(parcel, name, as_multipolygon(value) if name == "geom" else value)
    parcel.full_clean()
    parcel.area_m2 = area_m2(parcel.geom, utm_srid=org.utm_srid)
    parcel.version += 1
    parcel.save()
    return parcel


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
