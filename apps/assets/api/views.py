"""Assets API: roads and streetlights are public works, readable by every member of the organisation."""

from rest_framework import generics

from apps.assets import selectors
from apps.core.api import GeoListApi, ScopedApi

from .serializers import RoadOutputSerializer, StreetlightOutputSerializer


class _RoadApi:
    serializer_class = RoadOutputSerializer

    def scoped_queryset(self):
        return selectors.road_list(org=self.organisation)


class RoadListApi(_RoadApi, GeoListApi, generics.ListAPIView):
    """Roads as a GeoJSON FeatureCollection (centre lines)."""


class RoadDetailApi(_RoadApi, ScopedApi, generics.RetrieveAPIView):
    filter_backends = []


class _StreetlightApi:
    serializer_class = StreetlightOutputSerializer

    def scoped_queryset(self):
        return selectors.streetlight_list(org=self.organisation)


class StreetlightListApi(_StreetlightApi, GeoListApi, generics.ListAPIView):
    """Streetlights as a GeoJSON FeatureCollection (points)."""


class StreetlightDetailApi(_StreetlightApi, ScopedApi, generics.RetrieveAPIView):
    filter_backends = []
