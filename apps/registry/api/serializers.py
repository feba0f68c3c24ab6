"""Shapes of the registry API: output as GeoJSON features, input as plain serializers that the services check.

The input serializers only parse (text → Decimal, GeoJSON → geometry, id → a row *of this organisation*);
the model's full_clean in the service decides what is valid, so the API, the admin and the importers refuse
the same things with the same messages.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from apps.registry.domain import units
from apps.registry.domain.map_sheet import CadastralSheet, MapSheetError, TopoSheet
from apps.registry.models import Building, Owner, Parcel, TaxMapBlock, Village

# 7 decimals of a degree is ~1 cm: finer than any survey, and it keeps the GeoJSON small on slow links.
COORDINATE_PRECISION = 7
_QUADRANTS = {1: "I", 2: "II", 3: "III", 4: "IV"}


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "code": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
            "label": {"type": "string"},
        },
        "required": ["code", "label"],
    }
)
class CodeLabelField(serializers.Field):
    """A coded value with its label in the user's language, e.g. ``{"code": 1, "label": "โฉนดที่ดิน"}``."""

    def __init__(self, model_field: str, **kwargs):
        self.model_field = model_field
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return {
            "code": getattr(instance, self.model_field),
            "label": str(getattr(instance, f"get_{self.model_field}_display")()),
        }


def _rai_ngan_wa_text(area_sq_wa: Decimal | None) -> str | None:
    return None if area_sq_wa is None else units.format_rai_ngan_wa(area_sq_wa)


class VillageBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Village
        fields = ["id", "moo_no", "name_th"]


class OwnerNameSerializer(serializers.Serializer):
    owner_id = serializers.IntegerField()
    name = serializers.CharField()
    share = serializers.CharField(help_text="Fraction of the parcel held, e.g. 1/2.")


class ParcelOutputSerializer(GeoFeatureModelSerializer):
    geom = GeometryField(precision=COORDINATE_PRECISION)
    document_type = CodeLabelField("land_document_type")
    status = CodeLabelField("status")
    sheet = serializers.SerializerMethodField()
    deed_area_rai_ngan_wa = serializers.SerializerMethodField()
    map_area_rai_ngan_wa = serializers.SerializerMethodField()
    village = VillageBriefSerializer(read_only=True, allow_null=True)
    building_count = serializers.IntegerField(read_only=True)
    owners = serializers.SerializerMethodField()

    class Meta:
        model = Parcel
        geo_field = "geom"
        fields = [
            "id", "parcel_code", "document_type", "document_no", "land_no", "survey_page", "sheet",
            "deed_area_sq_wa", "deed_area_rai_ngan_wa", "area_m2", "map_area_rai_ngan_wa", "village",
            "house_no", "road", "status", "version", "building_count", "owners", "geom",
        ]

    @extend_schema_field({"type": "string", "nullable": True, "example": "5642 III 0448"})
    def get_sheet(self, parcel: Parcel) -> str | None:
        if not parcel.sheet_utm1:
            return None
        try:
            sheet = CadastralSheet(
                topo=TopoSheet(number=parcel.sheet_utm1, quadrant=_QUADRANTS[parcel.sheet_utm2]),
                grid_e=int(parcel.sheet_utm3[:2]), grid_n=int(parcel.sheet_utm3[2:]),
                subsheet=parcel.sheet_utm4 or None,
            )
        except (KeyError, ValueError, MapSheetError):
            # An imported sheet that does not follow the grid is shown as typed rather than hidden.
            return " ".join(str(p) for p in (parcel.sheet_utm1, parcel.sheet_utm2, parcel.sheet_utm3,
                                               parcel.sheet_utm4) if p)
        return str(sheet)

    @extend_schema_field({"type": "string", "nullable": True, "example": "2-1-35.5"})
    def get_deed_area_rai_ngan_wa(self, parcel: Parcel) -> str | None:
        return _rai_ngan_wa_text(parcel.deed_area_sq_wa)

    @extend_schema_field({"type": "string", "nullable": True, "example": "2-1-35.5"})
    def get_map_area_rai_ngan_wa(self, parcel: Parcel) -> str | None:
        return None if parcel.area_m2 is None else units.m2_to_rai_ngan_wa_text(parcel.area_m2)

    @extend_schema_field(OwnerNameSerializer(many=True, allow_null=True))
    def get_owners(self, parcel: Parcel) -> list[dict] | None:
        # PDPA: names only where the selector prefetched them (tax officers, admins, the resident owner).
        if not self.context.get("show_owners"):
            return None
        return [
            {
                "owner_id": o.owner_id, "name": o.owner.full_name,
                "share": f"{o.share_numerator}/{o.share_denominator}",
            }
            for o in parcel.ownerships.all()
        ]


class _OrgScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id the caller sends must name a row of *their* organisation; any other id is 'does not exist'."""

    def get_queryset(self):
        request = self.context.get("request")
        organisation = getattr(request, "organisation", None)
        if organisation is None:
            return self.queryset.none()
        return self.queryset.model._default_manager.filter(organisation=organisation)


class DeedAreaField(serializers.CharField):
    """Deed area as written on the deed, ``R-N-W`` (rai-ngan-square wa), e.g. ``2-1-35.5``, → square wa."""

    default_error_messages = {
        "rai_ngan_wa": _("Write the deed area as rai-ngan-square wa, e.g. 2-1-35.5: ngan 0 to 3 and "
                         "square wa below 100."),
    }

    def to_internal_value(self, data) -> Decimal:
        text = super().to_internal_value(data)
        try:
            return units.parse_rai_ngan_wa(text)
        except units.AreaTextError:
            self.fail("rai_ngan_wa")


@extend_schema_field(
    {"type": "object", "description": "GeoJSON Polygon or MultiPolygon in EPSG:4326 (longitude, latitude)."}
)
class PolygonGeometryField(GeometryField):
    default_error_messages = {"polygon": _("The boundary must be a GeoJSON Polygon or MultiPolygon.")}

    def to_internal_value(self, value):
        geometry = super().to_internal_value(value)
        if not isinstance(geometry, Polygon | MultiPolygon):
            self.fail("polygon")
        return geometry


class ParcelInputSerializer(serializers.Serializer):
    """Fields a surveyor or administrator writes. Unknown or read-only fields (area, version) are ignored."""

    parcel_code = serializers.CharField(max_length=16, help_text="Zone, block, lot: 01A001 or 01A001/1.")
    geom = PolygonGeometryField()
    land_document_type = serializers.IntegerField(required=False)
    document_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    land_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    survey_page = serializers.CharField(max_length=20, required=False, allow_blank=True)
    volume = serializers.CharField(max_length=20, required=False, allow_blank=True)
    page = serializers.CharField(max_length=20, required=False, allow_blank=True)
    sheet_utm1 = serializers.CharField(max_length=4, required=False, allow_blank=True)
    sheet_utm2 = serializers.IntegerField(required=False, allow_null=True)
    sheet_utm3 = serializers.CharField(max_length=4, required=False, allow_blank=True)
    sheet_utm4 = serializers.CharField(max_length=3, required=False, allow_blank=True)
    sheet_scale = serializers.IntegerField(required=False, allow_null=True)
    deed_area = DeedAreaField(
        source="deed_area_sq_wa", required=False, allow_null=True,
        help_text="Deed area as rai-ngan-square wa text, e.g. 2-1-35.5.",
    )
    house_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    road = serializers.CharField(max_length=120, required=False, allow_blank=True)
    geometry_source = serializers.ChoiceField(choices=Parcel.GeometrySource.choices, required=False)
    village = _OrgScopedPrimaryKeyField(queryset=Village.objects.all(), required=False, allow_null=True)
    block = _OrgScopedPrimaryKeyField(queryset=TaxMapBlock.objects.all(), required=False, allow_null=True)


class ParcelUpdateInputSerializer(ParcelInputSerializer):
    """A PATCH carries the version the editor loaded; an older one than stored is a conflict (409)."""

    version = serializers.IntegerField(min_value=1)
    parcel_code = serializers.CharField(max_length=16, required=False)
    geom = PolygonGeometryField(required=False)

    def validate(self, attrs):
        # partial=True lifts "required" from every field; the version must still come with every edit.
        if "version" not in attrs:
            raise serializers.ValidationError({"version": self.fields["version"].error_messages["required"]})
        return attrs


class BuildingOutputSerializer(GeoFeatureModelSerializer):
    geom = GeometryField(precision=COORDINATE_PRECISION, allow_null=True)
    code = serializers.CharField(read_only=True)
    parcel = serializers.PrimaryKeyRelatedField(read_only=True)
    parcel_code = serializers.CharField(source="parcel.parcel_code", read_only=True)
    building_type = CodeLabelField("building_type")
    construction = CodeLabelField("construction")

    class Meta:
        model = Building
        geo_field = "geom"
        fields = [
            "id", "code", "parcel", "parcel_code", "building_no", "house_no", "building_type", "construction",
            "storeys", "floor_area_m2", "year_built_be", "is_condominium", "version", "geom",
        ]


class OwnerOutputSerializer(serializers.ModelSerializer):
    owner_type = CodeLabelField("owner_type")
    full_name = serializers.CharField(read_only=True)
    parcel_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Owner
        fields = [
            "id", "owner_type", "id_number", "title", "first_name", "last_name", "full_name",
            "address_house_no", "address_moo", "address_road", "address_subdistrict", "address_district",
            "address_province", "address_postcode", "phone", "parcel_count",
        ]


class OwnerInputSerializer(serializers.Serializer):
    owner_type = serializers.ChoiceField(choices=Owner.OwnerType.choices)
    id_number = serializers.CharField(max_length=13, help_text="13 digits, no dashes.")
    title = serializers.CharField(max_length=40, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=200)
    last_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    address_house_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address_moo = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    address_road = serializers.CharField(max_length=120, required=False, allow_blank=True)
    address_subdistrict = serializers.CharField(max_length=100, required=False, allow_blank=True)
    address_district = serializers.CharField(max_length=100, required=False, allow_blank=True)
    address_province = serializers.CharField(max_length=100, required=False, allow_blank=True)
    address_postcode = serializers.CharField(max_length=5, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


class ConflictSerializer(serializers.Serializer):
    """Answer to a stale PATCH: both versions, so the editor can reload and redo their change."""

    detail = serializers.CharField()
    your_version = serializers.IntegerField()
    current_version = serializers.IntegerField()
    current = ParcelOutputSerializer()

