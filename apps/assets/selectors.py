"""Reads of the organisation's assets. Roads and streetlights are public works: every member sees them."""

from __future__ import annotations

from django.contrib.gis.geos import Polygon
from django.db.models import QuerySet

from apps.organisations.models import Organisation

from .models import Road, Streetlight


def _bbox_polygon(bbox) -> Polygon | None:
    if bbox is None or isinstance(bbox, Polygon):
        return bbox
    return Polygon.from_bbox(bbox)


def road_list(*, org: Organisation, bbox=None) -> QuerySet[Road]:
    queryset = Road.objects.filter(organisation=org).order_by("name", "pk")
    polygon = _bbox_polygon(bbox)
    return queryset if polygon is None else queryset.filter(geom__bboverlaps=polygon)


def streetlight_list(*, org: Organisation, bbox=None) -> QuerySet[Streetlight]:
    queryset = Streetlight.objects.filter(organisation=org).select_related("road").order_by("pole_no", "pk")
    polygon = _bbox_polygon(bbox)
    return queryset if polygon is None else queryset.filter(geom__bboverlaps=polygon)
