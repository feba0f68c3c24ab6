from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from apps.assets.models import Road, Streetlight
from apps.registry.api.serializers import COORDINATE_PRECISION, CodeLabelField


class RoadOutputSerializer(GeoFeatureModelSerializer):
    geom = GeometryField(precision=COORDINATE_PRECISION)
    surface = CodeLabelField("surface")
    condition = CodeLabelField("condition")

    class Meta:
        model = Road
        geo_field = "geom"
        fields = ["id", "name", "code", "surface", "width_m", "condition", "length_m", "geom"]


class StreetlightOutputSerializer(GeoFeatureModelSerializer):
    geom = GeometryField(precision=COORDINATE_PRECISION)
    lamp_type = CodeLabelField("lamp_type")
    status = CodeLabelField("status")
    road = serializers.PrimaryKeyRelatedField(read_only=True)
    road_name = serializers.CharField(source="road.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Streetlight
        geo_field = "geom"
        fields = [
            "id", "pole_no", "lamp_type", "watts", "status", "road", "road_name", "installed_year_be", "geom",
        ]
