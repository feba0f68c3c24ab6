"""Coordinate systems of surveyors' files and the transformation of each to EPSG:4326.

Indian 1975 (EPSG:24047/24048) is NOT left to PROJ's default: PROJ 6+ picks EPSG:1812, which lands ~190 m from
the 1304-style parameters that Land Department parcels are reported to match (shared/domain/
tax-map-and-registry.md §6.3). We build an explicit PROJ pipeline from the named setting
``GIS_PORTAL_INDIAN1975_TOWGS84``, whose default is the 1304-style 3-parameter shift ``210,814,289``.
Seven values
(dx, dy, dz in m, rx, ry, rz in arc-seconds, scale in ppm) are read as the position-vector convention (method
9606), so ``"293,836,318,0.5,1.6,-2.8,2.1"`` reproduces EPSG:1812 if control points ever prove it right.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

INDIAN_1975_TOWGS84_SETTING = "GIS_PORTAL_INDIAN1975_TOWGS84"
# EPSG:1304 "Indian 1975 to WGS 84 (2)", military survey, 5 m — the parameters DOL parcels line up with.
INDIAN_1975_TOWGS84_DEFAULT = "210,814,289"
# Everest 1830 (1937 Adjustment), the ellipsoid of Indian 1975 (EPSG:7015).
_EVEREST_1830 = "+a=6377276.345 +rf=300.8017"

# The systems offered when a file says nothing about its CRS (issue: 24047/24048, 32647/32648, 4326).
OFFERED_SRIDS: tuple[tuple[int, str], ...] = (
    (24048, _("Indian 1975 / UTM zone 48N (EPSG:24048) — Land Department sheets, Kalasin")),
    (24047, _("Indian 1975 / UTM zone 47N (EPSG:24047)")),
    (32648, _("WGS 84 / UTM zone 48N (EPSG:32648) — GPS")),
    (32647, _("WGS 84 / UTM zone 47N (EPSG:32647) — GPS")),
    (4326, _("WGS 84 longitude/latitude (EPSG:4326)")),
)
ACCEPTED_SRIDS = frozenset(srid for srid, _label in OFFERED_SRIDS)
INDIAN_1975_UTM_ZONES = {24047: 47, 24048: 48}


class CrsError(ValueError):
    pass


def towgs84_parameters() -> tuple[float, ...]:
    text = str(getattr(settings, INDIAN_1975_TOWGS84_SETTING, "") or INDIAN_1975_TOWGS84_DEFAULT)
    try:
        values = tuple(float(part) for part in text.split(","))
    except ValueError:
        raise CrsError(f"{INDIAN_1975_TOWGS84_SETTING} must be 3 or 7 comma-separated numbers") from None
    if len(values) not in (3, 7):
        raise CrsError(f"{INDIAN_1975_TOWGS84_SETTING} must be 3 or 7 comma-separated numbers")
    return values


def indian_1975_pipeline(utm_zone: int) -> str:
    """Indian 1975 / UTM ``utm_zone``N → WGS 84 lon/lat degrees, with the configured Helmert shift."""
    values = towgs84_parameters()
    helmert = f"+proj=helmert +x={values[0]} +y={values[1]} +z={values[2]}"
    if len(values) == 7:
        helmert += (
            f" +rx={values[3]} +ry={values[4]} +rz={values[5]} +s={values[6]} +convention=position_vector"
        )
    return (
        "+proj=pipeline"
        f" +step +inv +proj=utm +zone={utm_zone} {_EVEREST_1830}"
        f" +step +proj=cart {_EVEREST_1830}"
        f" +step {helmert}"
        " +step +inv +proj=cart +ellps=WGS84"
        " +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    )


@dataclass(frozen=True)
class ToStorage:
    """A transformer from ``source_srid`` to EPSG:4326 (lon, lat), with the text of the operation used."""

    source_srid: int
    transformer: Transformer | None
    description: str

    def transform_xy(self, x, y):
        if self.transformer is None:
            return x, y
        return self.transformer.transform(x, y)


def to_storage(source_srid: int) -> ToStorage:
    if source_srid == 4326:
        return ToStorage(4326, None, "EPSG:4326 (no transformation)")
    if source_srid in INDIAN_1975_UTM_ZONES:
        pipeline = indian_1975_pipeline(INDIAN_1975_UTM_ZONES[source_srid])
        return ToStorage(source_srid, Transformer.from_pipeline(pipeline), pipeline)
    try:
        crs = CRS.from_epsg(source_srid)
    except CRSError:
        raise CrsError(f"EPSG:{source_srid} is not a coordinate system PROJ knows") from None
    if crs.datum and "Indian 1975" in crs.datum.name:
        raise CrsError(f"EPSG:{source_srid} is on Indian 1975; use 24047 or 24048")
    transformer = Transformer.from_crs(crs, 4326, always_xy=True)
    return ToStorage(source_srid, transformer, transformer.definition or transformer.description)


def detect_srid(crs_text: str | None) -> int | None:
    """The EPSG code of a file's CRS (WKT from a .prj, or ``EPSG:n``), or None when it says nothing usable.

    ESRI .prj files rarely carry an EPSG authority, so we match loosely (70 %) and then accept only systems we
    know how to convert; Indian 1975 is recognised by its datum whatever the .prj calls it.
    """
    if not crs_text:
        return None
    try:
        crs = CRS.from_user_input(crs_text)
    except CRSError:
        return None
    epsg = crs.to_epsg(min_confidence=70)
    if epsg is None and crs.datum is not None and "Indian" in crs.datum.name and "1975" in crs.datum.name:
        zone = _utm_zone(crs)
        epsg = {47: 24047, 48: 24048}.get(zone)
    return epsg


def _utm_zone(crs: CRS) -> int | None:
    if crs.coordinate_operation is None:
        return None
    name = crs.coordinate_operation.name or ""
    for zone in (47, 48):
        if f"zone {zone}" in name.lower() or f"utm_zone_{zone}" in name.lower():
            return zone
    for param in crs.coordinate_operation.params:
        if param.name == "Longitude of natural origin":
            return {99.0: 47, 105.0: 48}.get(round(param.value, 3))
    return None


def utm_srid_for(source_srid: int) -> int | None:
    """WGS 84 UTM twin of a UTM source (for metre-based checks); None for geographic sources."""
    return {24047: 32647, 24048: 32648, 32647: 32647, 32648: 32648}.get(source_srid)
