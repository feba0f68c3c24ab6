"""Topology of the tax map, checked on the server each time a parcel's boundary is written.

A map that taxes land must not count the same square metre twice (overlaps) nor leave thin unowned strips
between neighbours (slivers) that nobody notices until a survey. The checks run in PostGIS, in metres of the
organisation's UTM zone, against the parcels that are active now; each problem carries its place on the map as
GeoJSON, so the page can draw it in red instead of only saying "something overlaps".

Two named settings tune them (see ``overlap_tolerance_m2`` and ``sliver_width_m``):

- ``GIS_PORTAL_TOPOLOGY_OVERLAP_TOLERANCE_M2``: overlap with one neighbour up to this many m² is digitising
  slack and is accepted (two surveyors never click exactly the same point).
- ``GIS_PORTAL_TOPOLOGY_SLIVER_WIDTH_M``: a new gap between the edited parcel and a neighbour narrower than
  this is a sliver and is refused; wider ones (a lane, a ditch) are accepted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

DEFAULT_OVERLAP_TOLERANCE_M2 = Decimal("1.0")
DEFAULT_SLIVER_WIDTH_M = Decimal("1.0")
# Gaps smaller than this are rounding left by buffering, not land anyone could own.
SLIVER_MIN_AREA_M2 = 0.5
# A gap counts as "between the parcel and a neighbour" when it comes this close to one (metres).
TOUCH_M = 0.05
GEOJSON_DECIMALS = 7


def overlap_tolerance_m2() -> float:
    return float(getattr(settings, "GIS_PORTAL_TOPOLOGY_OVERLAP_TOLERANCE_M2", DEFAULT_OVERLAP_TOLERANCE_M2))


def sliver_width_m() -> float:
    return float(getattr(settings, "GIS_PORTAL_TOPOLOGY_SLIVER_WIDTH_M", DEFAULT_SLIVER_WIDTH_M))


@dataclass(frozen=True, slots=True)
class TopologyProblem:
    code: str  # "overlap", "sliver", "invalid", "outside"
    message: str
    where: dict  # a GeoJSON geometry in EPSG:4326
    neighbour_id: int | None = None
    neighbour_code: str = ""
    area_m2: float | None = None

    def as_feature(self) -> dict:
        return {
            "type": "Feature",
            "geometry": self.where,
            "properties": {
                "code": self.code, "message": self.message, "neighbour_id": self.neighbour_id,
                "neighbour_code": self.neighbour_code,
                "area_m2": None if self.area_m2 is None else round(self.area_m2, 2),
            },
        }


class TopologyError(ValidationError):
    """A ValidationError on ``geom`` (forms, the admin and the API treat it as one) that also says where."""

    def __init__(self, problems: list[TopologyProblem]):
        self.problems = problems
        super().__init__({"geom": [p.message for p in problems]}, code="topology")

    @property
    def where(self) -> dict:
        return {"type": "FeatureCollection", "features": [p.as_feature() for p in self.problems]}

    def as_api_error(self) -> dict:
        """The 400 body the map page reads: the messages, and every problem's place.

        ``geom`` keeps the shape of every other field error of the API (a list of messages), so a client that
        knows only that still reads it.
        """
        return {
            "geom": [p.message for p in self.problems],
            "field": "geom",
            "message": " ".join(p.message for p in self.problems),
            "where": self.where,
            "problems": [{"code": p.code, "message": p.message, "neighbour_code": p.neighbour_code}
                         for p in self.problems],
        }


def _ewkb(geom: GEOSGeometry | None) -> bytes | None:
    if geom is None:
        return None
    if geom.srid is None:
        geom = geom.clone()
        geom.srid = 4326
    return bytes(geom.ewkb)


# Identifiers are fixed; every value is a parameter.
_OVERLAP_SQL = """
WITH g AS (SELECT ST_GeomFromEWKB(%(geom)s) AS geom)
SELECT p.id, p.parcel_code, o.area_m2, ST_AsGeoJSON(o.part, %(decimals)s)
FROM registry_parcel p, g,
     LATERAL (SELECT ST_CollectionExtract(ST_Intersection(p.geom, g.geom), 3) AS part) i,
     LATERAL (SELECT i.part, ST_Area(ST_Transform(i.part, %(utm)s)) AS area_m2) o
WHERE p.organisation_id = %(org)s AND p.status = 'active' AND NOT (p.id = ANY(%(exclude)s))
  AND p.geom && g.geom AND ST_Intersects(p.geom, g.geom)
  AND o.area_m2 > %(tolerance)s
ORDER BY o.area_m2 DESC
"""

# Gaps thinner than the sliver width are what a morphological closing (grow by w/2, shrink by w/2) fills in.
# The slivers this edit creates are the gaps after it that were not there before it: the neighbours' own
# old gaps are someone else's business.
_SLIVER_SQL = """
WITH g AS (
  SELECT ST_Transform(ST_GeomFromEWKB(%(geom)s), %(utm)s) AS new,
         COALESCE(ST_Transform(ST_GeomFromEWKB(%(old)s), %(utm)s),
                  ST_SetSRID('POLYGON EMPTY'::geometry, %(utm)s)) AS old
), search AS (
  SELECT ST_Transform(ST_Expand(ST_Envelope(ST_Collect(g.new, g.old)), %(width)s * 2), 4326) AS box,
         ST_Collect(g.new, g.old) AS both_utm
  FROM g
), n AS (
  SELECT ST_Union(ST_Transform(p.geom, %(utm)s)) AS geom
  FROM registry_parcel p, search s
  WHERE p.organisation_id = %(org)s AND p.status = 'active' AND NOT (p.id = ANY(%(exclude)s))
    AND p.geom && s.box AND ST_DWithin(ST_Transform(p.geom, %(utm)s), s.both_utm, %(width)s)
), shapes AS (
  SELECT n.geom AS neighbours, ST_Union(g.new, n.geom) AS after_, ST_Union(g.old, n.geom) AS before_
  FROM g, n WHERE n.geom IS NOT NULL
), gaps AS (
  SELECT neighbours,
         ST_Difference(
           ST_Buffer(ST_Buffer(after_, %(half)s, 'join=mitre mitre_limit=3'), -%(half)s,
                     'join=mitre mitre_limit=3'), after_) AS after_gaps,
         ST_Difference(
           ST_Buffer(ST_Buffer(before_, %(half)s, 'join=mitre mitre_limit=3'), -%(half)s,
                     'join=mitre mitre_limit=3'), before_) AS before_gaps
  FROM shapes
), fresh AS (
  SELECT neighbours, (ST_Dump(ST_Difference(after_gaps, before_gaps))).geom AS gap FROM gaps
)
SELECT ST_Area(gap), ST_AsGeoJSON(ST_Transform(gap, 4326), %(decimals)s)
FROM fresh
WHERE ST_Area(gap) > %(min_area)s AND ST_DWithin(gap, neighbours, %(touch)s)
ORDER BY ST_Area(gap) DESC
"""

_INVALID_SQL = """
SELECT reason, ST_AsGeoJSON(location, %(decimals)s) FROM ST_IsValidDetail(ST_GeomFromEWKB(%(geom)s))
"""

_OUTSIDE_SQL = """
SELECT ST_AsGeoJSON(ST_CollectionExtract(ST_Difference(ST_GeomFromEWKB(%(geom)s), o.boundary), 3),
                    %(decimals)s)
FROM organisations_organisation o WHERE o.id = %(org)s
"""


def overlap_problems(*, org, geom: GEOSGeometry, exclude_ids=()) -> list[TopologyProblem]:
    params = {
        "geom": _ewkb(geom), "utm": org.utm_srid, "org": org.pk, "exclude": list(exclude_ids),
        "tolerance": overlap_tolerance_m2(), "decimals": GEOJSON_DECIMALS,
    }
    with connection.cursor() as cursor:
        cursor.execute(_OVERLAP_SQL, params)
        rows = cursor.fetchall()
    return [
        TopologyProblem(
            code="overlap",
            message=_("The boundary overlaps parcel %(code)s by %(area)s m² (at most %(tolerance)s m² is "
                      "allowed). The overlap is drawn in red.")
            % {"code": code, "area": f"{area:,.1f}", "tolerance": f"{overlap_tolerance_m2():g}"},
            where=json.loads(where), neighbour_id=pk, neighbour_code=code, area_m2=area,
        )
        for pk, code, area, where in rows
    ]


def sliver_problems(*, org, geom: GEOSGeometry, former_geom: GEOSGeometry | None = None,
                    exclude_ids=()) -> list[TopologyProblem]:
    width = sliver_width_m()
    params = {
        "geom": _ewkb(geom), "old": _ewkb(former_geom), "utm": org.utm_srid, "org": org.pk,
        "exclude": list(exclude_ids), "width": width, "half": width / 2, "min_area": SLIVER_MIN_AREA_M2,
        "touch": TOUCH_M, "decimals": GEOJSON_DECIMALS,
    }
    with connection.cursor() as cursor:
        cursor.execute(_SLIVER_SQL, params)
        rows = cursor.fetchall()
    return [
        TopologyProblem(
            code="sliver",
            message=_("The boundary leaves a gap narrower than %(width)s m (%(area)s m²) between it and a "
                      "neighbouring parcel. Snap the edge to the neighbour's edge; the gap is drawn in red.")
            % {"width": f"{width:g}", "area": f"{area:,.1f}"},
            where=json.loads(where), area_m2=area,
        )
        for area, where in rows
    ]


def locate_geometry_problem(*, org, geom: GEOSGeometry | None) -> dict | None:
    """Where an invalid or outside boundary goes wrong (a self-intersection's point, the part outside)."""
    if geom is None or geom.empty or geom.srid not in (None, 4326):
        return None
    params = {"geom": _ewkb(geom), "org": org.pk, "decimals": GEOJSON_DECIMALS}
    with connection.cursor() as cursor:
        cursor.execute(_INVALID_SQL, params)
        row = cursor.fetchone()
        if row and row[1]:
            return json.loads(row[1])
        if row is None or row[0] is None:
            cursor.execute(_OUTSIDE_SQL, params)
            outside = cursor.fetchone()
            if outside and outside[0]:
                where = json.loads(outside[0])
                if where.get("coordinates"):
                    return where
    return None


@dataclass
class TopologyReport:
    problems: list[TopologyProblem] = field(default_factory=list)

    def raise_if_any(self) -> None:
        if self.problems:
            raise TopologyError(self.problems)


def parcel_topology_check(*, org, geom: GEOSGeometry, former_geom: GEOSGeometry | None = None,
                          exclude_ids=()) -> TopologyReport:
    """Overlaps and new slivers of ``geom`` against the organisation's other active parcels.

    ``exclude_ids``: the parcel itself (on an edit), or the parents being replaced (split, merge).
    ``former_geom``: the boundary before the edit, so only the gaps this edit opens are slivers.
    The geometry must already be valid (the model's full_clean runs first).
    """
    report = TopologyReport()
    report.problems += overlap_problems(org=org, geom=geom, exclude_ids=exclude_ids)
    report.problems += sliver_problems(org=org, geom=geom, former_geom=former_geom, exclude_ids=exclude_ids)
    return report


def geometry_error_with_place(error: ValidationError, *, org, geom) -> ValidationError:
    """A full_clean error on ``geom`` turned into a TopologyError that also says where (same messages)."""
    messages = getattr(error, "message_dict", {}).get("geom")
    if not messages:
        return error
    where = locate_geometry_problem(org=org, geom=geom)
    if where is None:
        return error
    others = {k: v for k, v in error.message_dict.items() if k != "geom"}
    if others:
        return error
    code = "invalid" if geom is not None and not geom.valid else "outside"
    return TopologyError([TopologyProblem(code=code, message=m, where=where) for m in messages])
