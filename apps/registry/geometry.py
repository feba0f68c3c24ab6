"""Geometry checks shared by every registry write: valid, in EPSG:4326, inside the organisation."""

from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import STORAGE_SRID, Organisation

# Parcels drawn along the boundary may poke out a little; beyond this they are refused (metres).
BOUNDARY_TOLERANCE_M = 5


def as_multipolygon(geom: GEOSGeometry) -> MultiPolygon:
    """Shapefiles hand back Polygon even for MultiPolygon layers (setup-findings P11): promote."""
    if isinstance(geom, Polygon):
        return MultiPolygon(geom, srid=geom.srid)
    return geom


def geometry_errors(geom: GEOSGeometry | None, *, organisation: Organisation | None) -> list[str]:
    if geom is None:
        return [_("A boundary is required.")]
    if geom.srid not in (None, STORAGE_SRID):
        return [
            _("Coordinates must be longitude/latitude on WGS 84 (EPSG:4326), not EPSG:%(srid)s.")
            % {"srid": geom.srid}
        ]
    if geom.empty:
        return [_("The boundary is empty.")]
    if not geom.valid:
        return [
            _("The boundary is not a valid polygon (%(reason)s). Check for self-intersections.")
            % {"reason": geom.valid_reason}
        ]
    x_min, y_min, x_max, y_max = geom.extent
    if not (-180 <= x_min <= x_max <= 180 and -90 <= y_min <= y_max <= 90):
        return [_("The coordinates are not longitude/latitude; was the file in UTM metres?")]
    if organisation is not None and organisation.boundary is not None:
        utm = organisation.utm_srid
        area = organisation.boundary.transform(utm, clone=True).buffer(BOUNDARY_TOLERANCE_M)
        if not area.contains(geom.transform(utm, clone=True)):
            return [_("The boundary lies outside %(organisation)s.") % {"organisation": organisation.name_th}]
    return []


def validate_geometry(geom, *, organisation, field: str = "geom") -> None:
    errors = geometry_errors(geom, organisation=organisation)
    if errors:
        raise ValidationError({field: errors}, code="invalid_geometry")


def area_m2(geom: GEOSGeometry, *, utm_srid: int) -> Decimal:
    return Decimal(str(round(geom.transform(utm_srid, clone=True).area, 2)))
