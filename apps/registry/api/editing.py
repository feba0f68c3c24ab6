"""Map editing endpoints: split, merge, history, revert, confirm, search, and building writes.

Each view parses, calls one service or selector, shapes the answer. A topology refusal is a 400 that says
where: ``{"field": "geom", "message": "…", "where": <GeoJSON FeatureCollection>}``; a stale version is a 409
with both versions (never a silent overwrite).
"""

from __future__ import annotations

from django.contrib.gis.geos import LineString, MultiLineString
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework_gis.fields import GeometryField

from apps.core.api import ScopedApi
from apps.organisations.models import Role
from apps.registry import selectors, services
from apps.registry.errors import ParcelEditConflict
from apps.registry.models import Building, Parcel
from apps.registry.topology import TopologyError

from .serializers import (
    COORDINATE_PRECISION,
    BuildingOutputSerializer,
    ParcelOutputSerializer,
    PolygonGeometryField,
    _OrgScopedPrimaryKeyField,
)

PARCEL_EDITORS = frozenset({Role.ADMIN, Role.SURVEYOR})
OWNER_EDITORS = frozenset({Role.ADMIN, Role.TAX_OFFICER})


class TopologyErrorsMixin:
    """A TopologyError is a Django ValidationError too; answer it with its place before the generic 400."""

    def handle_exception(self, exc):
        if isinstance(exc, TopologyError):
            return Response(exc.as_api_error(), status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)


def conflict_answer(view, conflict: ParcelEditConflict, expected_version: int | None, pk: int) -> Response:
    current = selectors.parcel_list(org=view.organisation, membership=view.membership).get(pk=pk)
    return Response(
        {
            "detail": str(conflict.message),
            "your_version": expected_version,
            "current_version": conflict.current.version,
            "current": ParcelOutputSerializer(current, context=view.get_serializer_context()).data,
        },
        status=status.HTTP_409_CONFLICT,
    )


class _ParcelEditApi(TopologyErrorsMixin, ScopedApi):
    serializer_class = ParcelOutputSerializer
    write_roles = PARCEL_EDITORS
    filter_backends = []

    def scoped_queryset(self):
        return selectors.parcel_list(org=self.organisation, membership=self.membership)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        role = self.membership.role if self.membership else None
        context["show_owners"] = role in selectors.OWNER_DATA_ROLES or role == Role.RESIDENT
        return context

    def features(self, parcel_ids) -> dict:
        parcels = self.scoped_queryset().filter(pk__in=parcel_ids)
        return ParcelOutputSerializer(parcels, many=True, context=self.get_serializer_context()).data


@extend_schema_field(
    {"type": "object", "description": "GeoJSON LineString or MultiLineString in EPSG:4326."}
)
class LineGeometryField(GeometryField):
    default_error_messages = {"line": _("The cut must be a GeoJSON LineString.")}

    def to_internal_value(self, value):
        geometry = super().to_internal_value(value)
        if not isinstance(geometry, LineString | MultiLineString):
            self.fail("line")
        return geometry


class ParcelSplitInput(serializers.Serializer):
    cut_line = LineGeometryField()
    version = serializers.IntegerField(min_value=1)


class ParcelSplitApi(_ParcelEditApi, generics.GenericAPIView):
    """Cut a parcel along a line: new parcels ``<code>/n``, the parent retired, owners and uses copied."""

    @extend_schema(request=ParcelSplitInput, responses={201: ParcelOutputSerializer(many=True)})
    def post(self, request, pk: int):
        parcel = self.get_object()
        body = ParcelSplitInput(data=request.data)
        body.is_valid(raise_exception=True)
        version = body.validated_data["version"]
        try:
            children = services.parcel_split(
                org=self.organisation, parcel_id=parcel.pk, cut_line=body.validated_data["cut_line"],
                expected_version=version, by=request.user,
            )
        except ParcelEditConflict as conflict:
            return conflict_answer(self, conflict, version, parcel.pk)
        return Response(self.features([c.pk for c in children]), status=status.HTTP_201_CREATED)


class ParcelMergeInput(serializers.Serializer):
    parcels = serializers.ListField(
        child=serializers.DictField(child=serializers.IntegerField(min_value=1)), min_length=2, max_length=50,
        help_text='[{"id": 7, "version": 3}, {"id": 8, "version": 1}]',
    )

    def validate_parcels(self, value):
        for item in value:
            if set(item) != {"id", "version"}:
                raise serializers.ValidationError(_("Each parcel is {\"id\": …, \"version\": …}."))
        return value


class ParcelMergeApi(_ParcelEditApi, generics.GenericAPIView):
    """Merge adjoining parcels of one block into a new parcel (next free lot of the block)."""

    @extend_schema(request=ParcelMergeInput, responses={201: ParcelOutputSerializer})
    def post(self, request):
        body = ParcelMergeInput(data=request.data)
        body.is_valid(raise_exception=True)
        versions = {item["id"]: item["version"] for item in body.validated_data["parcels"]}
        visible = set(self.scoped_queryset().filter(pk__in=versions).values_list("pk", flat=True))
        if visible != set(versions):
            return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        try:
            child = services.parcel_merge(
                org=self.organisation, parcel_ids=list(versions), expected_versions=versions, by=request.user
            )
        except ParcelEditConflict as conflict:
            return conflict_answer(self, conflict, versions[conflict.current.pk], conflict.current.pk)
        return Response(self.features([child.pk])["features"][0], status=status.HTTP_201_CREATED)


@extend_schema_field({"type": "object", "description": "GeoJSON geometry (EPSG:4326)"})
class _GeoJsonGeometryField(GeometryField):
    """drf-gis's field, described for the OpenAPI schema (spectacular cannot resolve it here)."""


class HistoryEntrySerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    version = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    change = serializers.SerializerMethodField()
    user = serializers.SerializerMethodField()
    reason = serializers.CharField(source="history_change_reason", allow_null=True)
    parcel_code = serializers.CharField()
    status = serializers.CharField()
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    document_no = serializers.CharField()
    changed_fields = serializers.SerializerMethodField()
    geom = _GeoJsonGeometryField(precision=COORDINATE_PRECISION)

    def get_change(self, row) -> str:
        return {"+": "created", "~": "changed", "-": "deleted"}.get(row.history_type, row.history_type)

    def get_user(self, row) -> str | None:
        user = row.history_user
        return None if user is None else (user.get_full_name() or user.get_username())

    def get_changed_fields(self, row) -> list[str]:
        previous = self.context.get("previous", {}).get(row.history_id)
        if previous is None:
            return []
        return sorted(change.field for change in row.diff_against(previous).changes)


class ParcelHistoryApi(_ParcelEditApi, generics.GenericAPIView):
    """Every version of a parcel, newest first: who, when, what changed, and the outline it had."""

    read_roles = frozenset({Role.ADMIN, Role.SURVEYOR, Role.TAX_OFFICER})

    @extend_schema(responses={200: HistoryEntrySerializer(many=True)})
    def get(self, request, pk: int):
        try:
            rows = selectors.parcel_history(org=self.organisation, membership=self.membership, pk=pk)
        except Parcel.DoesNotExist:
            return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        previous = {row.history_id: rows[i + 1] for i, row in enumerate(rows[:-1])}
        data = HistoryEntrySerializer(rows, many=True, context={"previous": previous}).data
        lineage = selectors.parcel_lineage(org=self.organisation, pk=pk)
        return Response({
            "results": data,
            "parents": [{"id": p.pk, "parcel_code": p.parcel_code} for p in lineage["parents"]],
            "children": [{"id": p.pk, "parcel_code": p.parcel_code} for p in lineage["children"]],
        })


class ParcelRevertInput(serializers.Serializer):
    history_id = serializers.IntegerField(min_value=1)
    version = serializers.IntegerField(min_value=1)


class ParcelRevertApi(_ParcelEditApi, generics.GenericAPIView):
    """Bring back an earlier version as a new one (the history keeps growing; topology applies)."""

    @extend_schema(request=ParcelRevertInput, responses={200: ParcelOutputSerializer, 409: None})
    def post(self, request, pk: int):
        parcel = self.get_object()
        body = ParcelRevertInput(data=request.data)
        body.is_valid(raise_exception=True)
        version = body.validated_data["version"]
        try:
            services.parcel_revert(
                org=self.organisation, parcel_id=parcel.pk, history_id=body.validated_data["history_id"],
                expected_version=version, by=request.user,
            )
        except ParcelEditConflict as conflict:
            return conflict_answer(self, conflict, version, parcel.pk)
        return Response(self.features([parcel.pk])["features"][0])


class ParcelConfirmApi(_ParcelEditApi, generics.GenericAPIView):
    """The tax officer confirms the owners and uses a split or merge copied onto a new parcel."""

    write_roles = OWNER_EDITORS

    @extend_schema(request=None, responses={200: None})
    def post(self, request, pk: int):
        parcel = self.get_object()
        count = services.ownership_confirm(org=self.organisation, parcel_id=parcel.pk, by=request.user)
        return Response({"confirmed": count})


class ParcelToConfirmApi(_ParcelEditApi, generics.GenericAPIView):
    read_roles = OWNER_EDITORS

    def get(self, request):
        parcels = selectors.parcel_lineage_to_confirm(org=self.organisation)[:200]
        return Response([{"id": p.pk, "parcel_code": p.parcel_code} for p in parcels])


class SearchResultsSerializer(serializers.Serializer):
    results = serializers.ListField(child=serializers.DictField())


class SearchApi(ScopedApi):
    """``?q=`` parcel code, deed number, village, or (tax officers) owner name / ID → places to zoom to."""

    filter_backends = []
    serializer_class = SearchResultsSerializer

    def get_queryset(self):
        return Parcel.objects.none()

    @extend_schema(parameters=[OpenApiParameter("q", str, description="what to look for")])
    def get(self, request):
        query = request.query_params.get("q", "")[:100]
        results = selectors.parcel_search(org=self.organisation, membership=self.membership, query=query)
        return Response({"results": results})


# --- buildings ---------------------------------------------------------------------------------------------


class BuildingInputSerializer(serializers.Serializer):
    parcel = _OrgScopedPrimaryKeyField(queryset=Parcel.objects.all())
    building_no = serializers.IntegerField(min_value=1, required=False)
    house_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    building_type = serializers.CharField(max_length=6)
    construction = serializers.CharField(max_length=10)
    storeys = serializers.IntegerField(min_value=1, required=False)
    floor_area_m2 = serializers.DecimalField(max_digits=10, decimal_places=2)
    year_built_be = serializers.IntegerField(required=False, allow_null=True)
    geom = PolygonGeometryField(required=False, allow_null=True)


class BuildingUpdateInputSerializer(BuildingInputSerializer):
    version = serializers.IntegerField(min_value=1)
    parcel = _OrgScopedPrimaryKeyField(queryset=Parcel.objects.all(), required=False)
    building_type = serializers.CharField(max_length=6, required=False)
    construction = serializers.CharField(max_length=10, required=False)
    floor_area_m2 = serializers.DecimalField(max_digits=10, decimal_places=2, required=False)

    def validate(self, attrs):
        if "version" not in attrs:
            raise serializers.ValidationError({"version": self.fields["version"].error_messages["required"]})
        return attrs


class BuildingWriteMixin(TopologyErrorsMixin):
    write_roles = PARCEL_EDITORS

    def building_output(self, pk: int) -> dict:
        building = selectors.building_list(org=self.organisation, membership=self.membership).get(pk=pk)
        return BuildingOutputSerializer(building).data

    def create_building(self, request) -> Response:
        body = BuildingInputSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        building = services.building_create(org=self.organisation, by=request.user, **body.validated_data)
        return Response(self.building_output(building.pk), status=status.HTTP_201_CREATED)

    def update_building(self, request, building: Building) -> Response:
        body = BuildingUpdateInputSerializer(data=request.data, partial=True, context={"request": request})
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        version = fields.pop("version")
        try:
            services.building_update(org=self.organisation, building_id=building.pk, expected_version=version,
                                     by=request.user, **fields)
        except services.BuildingEditConflict as conflict:
            return Response(
                {"detail": str(conflict.message), "your_version": version,
                 "current_version": conflict.current.version, "current": self.building_output(building.pk)},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.building_output(building.pk))
