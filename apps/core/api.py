"""Shared pieces of every /api/v1/ view: organisation membership, role rules, pagination and error shapes.

Scoping lives in the selectors (they take ``org=`` and the membership); these mixins only make sure there *is*
an organisation, that the role may do what it asks, and that model validation comes back as a 400 in the
user's language instead of a 500.
"""

from __future__ import annotations

import math

from django.contrib.gis.geos import Polygon
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, pagination, permissions
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework_gis.filters import InBBoxFilter
from rest_framework_gis.pagination import GeoJsonPagination as _GeoJsonPagination

from apps.organisations.models import STORAGE_SRID, Role

# Clerks page through the registry on slow links: a page is small by default and capped.
PAGE_SIZE_DEFAULT = 100
PAGE_SIZE_MAX = 1000


class GeoJsonPagination(_GeoJsonPagination):
    page_size = PAGE_SIZE_DEFAULT
    max_page_size = PAGE_SIZE_MAX


class Pagination(pagination.PageNumberPagination):
    """Plain JSON lists (owners: no geometry) page the same way as the GeoJSON ones."""

    page_size = PAGE_SIZE_DEFAULT
    page_size_query_param = "page_size"
    max_page_size = PAGE_SIZE_MAX


def role_of(request) -> str | None:
    membership = getattr(request, "membership", None)
    return membership.role if membership else None


class IsOrganisationMember(permissions.BasePermission):
    """Logged in *and* a member of an organisation: every query below is scoped to request.organisation."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and getattr(request, "membership", None))


class RolePermission(permissions.DjangoModelPermissions):
    """Reads: the roles in ``view.read_roles`` (default: every member; the selector narrows residents).

    Writes: the Django model permission of the role group (add_/change_) *and*, when the view names
    ``write_roles``, one of those roles: a group permission alone does not say which fields a role may edit.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": [],
        "OPTIONS": [],
        "HEAD": [],
    }

    def has_permission(self, request, view) -> bool:
        if not IsOrganisationMember().has_permission(request, view):
            return False
        role = role_of(request)
        if request.method in permissions.SAFE_METHODS:
            read_roles = getattr(view, "read_roles", None)
            return read_roles is None or role in read_roles
        write_roles = getattr(view, "write_roles", None)
        if write_roles is not None and role not in write_roles:
            return False
        return super().has_permission(request, view)


ALL_ROLES = frozenset(Role)
OFFICE_ROLES = frozenset({Role.ADMIN, Role.SURVEYOR, Role.TAX_OFFICER})


def validation_error_from_django(exc: DjangoValidationError) -> ValidationError:
    """A model's ValidationError (full_clean in a service) → DRF's 400, field by field, already translated."""
    detail = as_serializer_error(exc)
    if "__all__" in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
    return ValidationError(detail)


class ServiceErrorsMixin:
    """Views call services; a service refuses bad input with Django's ValidationError, shown here as a 400."""

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = validation_error_from_django(exc)
        return super().handle_exception(exc)


class BBoxFilter(InBBoxFilter):
    """``?bbox=min_lon,min_lat,max_lon,max_lat`` (EPSG:4326) on the view's ``bbox_filter_field``.

    Anything but four finite numbers in order and on the globe is a 400 (drf-gis's own parser lets NaN
    through to GEOS, which then fails with a 500).
    """

    bbox_param = "bbox"
    message = _("bbox must be min_lon,min_lat,max_lon,max_lat in degrees (EPSG:4326).")

    def get_filter_bbox(self, request):
        text = request.query_params.get(self.bbox_param)
        if not text:
            return None
        try:
            values = tuple(float(part) for part in text.split(","))
        except ValueError:
            values = ()
        if len(values) != 4 or not all(math.isfinite(v) for v in values):
            raise ParseError(self.message)
        min_lon, min_lat, max_lon, max_lat = values
        if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise ParseError(self.message)
        polygon = Polygon.from_bbox(values)
        polygon.srid = STORAGE_SRID
        return polygon

    def get_schema_operation_parameters(self, view):
        parameter = super().get_schema_operation_parameters(view)[0]
        parameter["description"] = "Bounding box min_lon,min_lat,max_lon,max_lat (EPSG:4326), e.g. " \
            "bbox=103.15,16.70,103.19,16.77. Features whose box overlaps it are returned."
        parameter["schema"]["example"] = [103.15, 16.70, 103.19, 16.77]
        return [parameter]


class ScopedApi(ServiceErrorsMixin, generics.GenericAPIView):
    """Base of every organisation-scoped API view: members only, role rules, model errors as 400."""

    permission_classes = [RolePermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # The schema generator has no organisation; it only needs to know the model.
            return self.get_serializer_class().Meta.model._default_manager.none()
        return self.scoped_queryset()

    def scoped_queryset(self):
        raise NotImplementedError

    @property
    def organisation(self):
        return self.request.organisation

    @property
    def membership(self):
        return self.request.membership


class GeoListApi(ScopedApi):
    """A GeoJSON list: paged, filtered by ``?bbox=`` on ``geom`` (features whose box overlaps it)."""

    pagination_class = GeoJsonPagination
    filter_backends = [BBoxFilter, DjangoFilterBackend]
    bbox_filter_field = "geom"
    bbox_filter_include_overlapping = True
