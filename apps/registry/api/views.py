"""Registry API: parse, call one selector or service, shape the answer (HackSoft's thin APIs).

Scoping is the selectors' job (request.organisation, and a resident's own rows); another organisation's id is
simply not in the queryset, so it answers 404 and never says whether the row exists.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from apps.core.api import GeoListApi, Pagination, ScopedApi
from apps.organisations.models import Role
from apps.registry import selectors, services
from apps.registry.errors import ParcelEditConflict

from .editing import BuildingWriteMixin, TopologyErrorsMixin
from .filters import BuildingFilter, ParcelFilter
from .serializers import (
    BuildingOutputSerializer,
    ConflictSerializer,
    OwnerInputSerializer,
    OwnerOutputSerializer,
    ParcelInputSerializer,
    ParcelOutputSerializer,
    ParcelUpdateInputSerializer,
)

# Surveyors draw the parcels; administrators may correct them. Tax officers edit owners and assessments.
PARCEL_EDITORS = frozenset({Role.ADMIN, Role.SURVEYOR})
OWNER_EDITORS = frozenset({Role.ADMIN, Role.TAX_OFFICER})
OWNER_READERS = frozenset({Role.ADMIN, Role.TAX_OFFICER, Role.RESIDENT})


class _ParcelApi:
    serializer_class = ParcelOutputSerializer
    write_roles = PARCEL_EDITORS

    def scoped_queryset(self):
        return selectors.parcel_list(org=self.organisation, membership=self.membership)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        role = self.membership.role if self.membership else None
        # A resident sees only their own parcels, so the names shown are theirs (and their co-owners').
        context["show_owners"] = role in selectors.OWNER_DATA_ROLES or role == Role.RESIDENT
        return context

    def _output(self, parcel_id: int) -> dict:
        # Read back through the selector: the answer carries the same counts and names as a GET.
        return self.get_serializer(self.scoped_queryset().get(pk=parcel_id)).data


class ParcelListApi(TopologyErrorsMixin, _ParcelApi, GeoListApi, generics.ListAPIView):
    """Parcels of the organisation as GeoJSON, 100 per page (``page_size`` up to 1,000)."""

    filterset_class = ParcelFilter

    @extend_schema(
        description="Create a parcel (surveyors, administrators). `deed_area` is rai-ngan-square wa text.",
        request=ParcelInputSerializer, responses={201: ParcelOutputSerializer},
    )
    def post(self, request):
        body = ParcelInputSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        parcel = services.parcel_create(org=self.organisation, by=request.user, **body.validated_data)
        return Response(self._output(parcel.pk), status=status.HTTP_201_CREATED)


class ParcelDetailApi(TopologyErrorsMixin, _ParcelApi, ScopedApi, generics.RetrieveAPIView):
    filter_backends = []

    @extend_schema(
        description="Change a parcel; send the `version` you loaded. A newer stored version answers 409.",
        request=ParcelUpdateInputSerializer,
        responses={200: ParcelOutputSerializer, 409: ConflictSerializer},
    )
    def patch(self, request, pk: int):
        parcel = self.get_object()
        context = self.get_serializer_context()
        body = ParcelUpdateInputSerializer(data=request.data, partial=True, context=context)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        expected_version = fields.pop("version")
        try:
            services.parcel_update(
                org=self.organisation, parcel_id=parcel.pk, expected_version=expected_version,
                by=request.user, **fields
            )
        except ParcelEditConflict as conflict:
            answer = {
                "detail": str(conflict.message),
                "your_version": expected_version,
                "current_version": conflict.current.version,
                "current": self._output(parcel.pk),
            }
            return Response(answer, status=status.HTTP_409_CONFLICT)
        return Response(self._output(parcel.pk))


class _BuildingApi:
    serializer_class = BuildingOutputSerializer

    def scoped_queryset(self):
        return selectors.building_list(org=self.organisation, membership=self.membership)


class BuildingListApi(BuildingWriteMixin, _BuildingApi, GeoListApi, generics.ListAPIView):
    """Buildings as GeoJSON (footprints; a building not yet drawn has ``geometry: null``)."""

    filterset_class = BuildingFilter

    @extend_schema(description="Add a building, with or without its footprint (surveyors, administrators).",
                   responses={201: BuildingOutputSerializer})
    def post(self, request):
        return self.create_building(request)


class BuildingDetailApi(BuildingWriteMixin, _BuildingApi, ScopedApi, generics.RetrieveAPIView):
    filter_backends = []

    @extend_schema(description="Change a building; send the `version` you loaded (409 when stale).",
                   responses={200: BuildingOutputSerializer})
    def patch(self, request, pk: int):
        return self.update_building(request, self.get_object())


class _OwnerApi:
    """Owners are personal data (PDPA): tax officers and administrators; a resident sees their own record."""

    serializer_class = OwnerOutputSerializer
    read_roles = OWNER_READERS
    write_roles = OWNER_EDITORS

    def scoped_queryset(self):
        return selectors.owner_list(org=self.organisation, membership=self.membership)


class OwnerListApi(_OwnerApi, ScopedApi, generics.ListAPIView):
    pagination_class = Pagination
    filter_backends = []

    @extend_schema(
        description="Register an owner (tax officers, administrators); the 13-digit ID is checked.",
        request=OwnerInputSerializer, responses={201: OwnerOutputSerializer},
    )
    def post(self, request):
        body = OwnerInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        owner = services.owner_create(org=self.organisation, **body.validated_data)
        return Response(self.get_serializer(self.scoped_queryset().get(pk=owner.pk)).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(patch=extend_schema(request=OwnerInputSerializer, responses={200: OwnerOutputSerializer}))
class OwnerDetailApi(_OwnerApi, ScopedApi, generics.RetrieveAPIView):
    filter_backends = []

    def patch(self, request, pk: int):
        owner = self.get_object()
        body = OwnerInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.owner_update(org=self.organisation, owner_id=owner.pk, **body.validated_data)
        return Response(self.get_serializer(self.scoped_queryset().get(pk=owner.pk)).data)
