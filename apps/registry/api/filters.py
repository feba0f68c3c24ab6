"""Query filters of the registry API: the map's bbox (shared, apps.core.api) and what a clerk filters by."""

import django_filters

from apps.core.api import BBoxFilter
from apps.registry.models import Building, Parcel


class ParcelFilter(django_filters.FilterSet):
    # By id number, not a model choice: an id of another organisation's village simply matches nothing,
    # instead of telling the caller that such a village exists.
    village = django_filters.NumberFilter(field_name="village_id", help_text="Village id.")
    status = django_filters.ChoiceFilter(choices=Parcel.Status.choices)
    parcel_code = django_filters.CharFilter(
        field_name="parcel_code", lookup_expr="istartswith", help_text="Parcel code or its start, e.g. 01A."
    )
    document_no = django_filters.CharFilter(field_name="document_no", help_text="Deed (document) number.")

    class Meta:
        model = Parcel
        fields = ["village", "status", "parcel_code", "document_no"]


class BuildingFilter(django_filters.FilterSet):
    parcel = django_filters.NumberFilter(field_name="parcel_id", help_text="Parcel id.")

    class Meta:
        model = Building
        fields = ["parcel"]


__all__ = ["BBoxFilter", "BuildingFilter", "ParcelFilter"]
