from django.contrib import admin

from apps.core.admin_mixins import OrgScopedGeoAdmin

from .models import Road, Signboard, Streetlight


@admin.register(Road)
class RoadAdmin(OrgScopedGeoAdmin):
    list_display = ["name", "code", "surface", "width_m", "length_m", "condition"]
    list_filter = ["surface", "condition"]
    search_fields = ["name", "code"]
    readonly_fields = ["length_m"]


@admin.register(Streetlight)
class StreetlightAdmin(OrgScopedGeoAdmin):
    list_display = ["pole_no", "lamp_type", "watts", "status", "road", "installed_year_be"]
    list_filter = ["status", "lamp_type", ("road", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["road"]
    search_fields = ["pole_no", "road__name"]
    autocomplete_fields = ["road"]


@admin.register(Signboard)
class SignboardAdmin(OrgScopedGeoAdmin):
    list_display = ["__str__", "sign_type", "width_cm", "height_cm", "sides", "parcel", "owner"]
    list_filter = ["sign_type"]
    list_select_related = ["parcel", "owner"]
    search_fields = ["text", "parcel__parcel_code", "owner__first_name", "owner__last_name"]
    autocomplete_fields = ["parcel", "owner"]
