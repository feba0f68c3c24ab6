"""Registry admin: what a clerk looks up (parcel code, deed no., owner name or ID, village)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from apps.core.admin_mixins import (
    OrgScopedAdmin,
    OrgScopedGeoAdmin,
    OrgScopedTabularInline,
)
from apps.organisations.models import Role

from . import services, topology
from .domain import units
from .geometry import as_multipolygon
from .models import (
    Building,
    BuildingUse,
    CondoUnit,
    LandUse,
    Owner,
    Ownership,
    Parcel,
    ParcelLineage,
    TaxMapBlock,
    TaxMapZone,
    Village,
)

# Owners are personal data (PDPA): the roles that need them for tax work.
OWNER_DATA_ROLES = frozenset({Role.ADMIN, Role.TAX_OFFICER})


@admin.register(Village)
class VillageAdmin(OrgScopedGeoAdmin):
    list_display = ["moo_no", "name_th", "name_en"]
    search_fields = ["name_th", "name_en", "=moo_no"]
    ordering = ["moo_no"]


@admin.register(TaxMapZone)
class TaxMapZoneAdmin(OrgScopedGeoAdmin):
    list_display = ["__str__", "name"]
    search_fields = ["=zone_no", "name"]
    ordering = ["zone_no"]


@admin.register(TaxMapBlock)
class TaxMapBlockAdmin(OrgScopedGeoAdmin):
    list_display = ["__str__", "zone"]
    list_filter = [("zone", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["zone"]
    search_fields = ["block_letter", "=zone__zone_no"]
    ordering = ["zone__zone_no", "block_letter"]


class LandUseInline(OrgScopedTabularInline):
    model = LandUse
    fields = ["use_code", "area_sq_wa", "user_code", "crop_code", "vacant_since_year_be"]


class ParcelOwnershipInline(OrgScopedTabularInline):
    model = Ownership
    fk_name = "parcel"
    roles = OWNER_DATA_ROLES
    fields = ["owner", "share_numerator", "share_denominator", "since"]
    autocomplete_fields = ["owner"]


class ParcelAdminForm(forms.ModelForm):
    """Runs the topology checks while the form can still show them: after is_valid() the admin only saves."""

    def clean(self):
        cleaned = super().clean()
        geom = cleaned.get("geom")
        if geom is None or self.instance.organisation_id is None or self.has_error("geom"):
            return cleaned
        former = Parcel.objects.filter(pk=self.instance.pk).values_list("geom", flat=True).first()
        if former is not None and as_multipolygon(geom).equals_exact(former, 1e-9):
            return cleaned
        report = topology.parcel_topology_check(
            org=self.instance.organisation, geom=as_multipolygon(geom), former_geom=former,
            exclude_ids=[self.instance.pk] if self.instance.pk else [],
        )
        for problem in report.problems:
            self.add_error("geom", problem.message)
        return cleaned


@admin.register(Parcel)
class ParcelAdmin(OrgScopedGeoAdmin):
    form = ParcelAdminForm
    list_display = [
        "parcel_code", "land_document_type", "document_no", "land_no", "village", "deed_area_rai_ngan_wa",
        "area_m2", "status", "version",
    ]
    list_filter = ["status", "land_document_type", ("village", admin.RelatedOnlyFieldListFilter),
                   "geometry_source"]
    list_select_related = ["village"]
    search_fields = [
        "parcel_code", "document_no", "land_no", "village__name_th",
        "ownerships__owner__first_name", "ownerships__owner__last_name", "=ownerships__owner__id_number",
    ]
    readonly_fields = ["area_m2", "version", "created_at", "updated_at"]
    autocomplete_fields = ["block", "village"]
    inlines = [LandUseInline, ParcelOwnershipInline]
    fieldsets = [
        (None, {"fields": ["organisation", "parcel_code", "block", "village", "status"]}),
        (_("Land document"), {"fields": [
            "land_document_type", "document_no", "land_no", "survey_page", "volume", "page",
            "deed_area_sq_wa",
        ]}),
        (_("Map sheet"), {"fields": ["sheet_utm1", "sheet_utm2", "sheet_utm3", "sheet_utm4", "sheet_scale"]}),
        (_("Address"), {"fields": ["house_no", "road"]}),
        (_("Land and building tax"), {"fields": ["exempt_ground"]}),
        (_("Boundary"), {"fields": [
            "geom", "geometry_source", "area_m2", "version", "created_at", "updated_at",
        ]}),
    ]

    @admin.display(description=_("deed area (rai-ngan-wa)"), ordering="deed_area_sq_wa")
    def deed_area_rai_ngan_wa(self, parcel: Parcel) -> str:
        return "" if parcel.deed_area_sq_wa is None else units.format_rai_ngan_wa(parcel.deed_area_sq_wa)

    def save_model(self, request, obj, form, change):
        # Through the same services as the API: the area is measured and the version bumped in one place.
        data = {name: value for name, value in form.cleaned_data.items() if name != "organisation"}
        if change:
            changed = {name: data[name] for name in form.changed_data if name in data}
            saved = services.parcel_update(org=obj.organisation, parcel_id=obj.pk, **changed)
        else:
            saved = services.parcel_create(org=obj.organisation, **data)
        # The admin goes on to log, save inlines and redirect with ``obj``: give it the saved row's state.
        for field in Parcel._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db


@admin.register(ParcelLineage)
class ParcelLineageAdmin(OrgScopedAdmin):
    list_display = ["parent", "child", "operation", "created_at"]
    list_filter = ["operation"]
    list_select_related = ["parent", "child"]
    search_fields = ["parent__parcel_code", "child__parcel_code"]
    autocomplete_fields = ["parent", "child"]


@admin.register(LandUse)
class LandUseAdmin(OrgScopedGeoAdmin):
    list_display = ["parcel", "use_code", "area_sq_wa", "user_code"]
    list_filter = ["use_code", "user_code"]
    list_select_related = ["parcel"]
    search_fields = ["parcel__parcel_code"]
    autocomplete_fields = ["parcel"]


class BuildingUseInline(OrgScopedTabularInline):
    model = BuildingUse
    fields = ["use_code", "floor_area_m2", "is_let"]


@admin.register(Building)
class BuildingAdmin(OrgScopedGeoAdmin):
    list_display = ["__str__", "house_no", "building_type", "construction", "storeys", "floor_area_m2",
                    "year_built_be"]
    list_filter = ["building_type", "construction", "is_condominium"]
    list_select_related = ["parcel"]
    search_fields = ["parcel__parcel_code", "house_no", "parcel__village__name_th"]
    autocomplete_fields = ["parcel"]
    readonly_fields = ["version"]
    inlines = [BuildingUseInline]


@admin.register(BuildingUse)
class BuildingUseAdmin(OrgScopedAdmin):
    list_display = ["building", "use_code", "floor_area_m2", "is_let"]
    list_filter = ["use_code", "is_let"]
    list_select_related = ["building__parcel"]
    search_fields = ["building__parcel__parcel_code"]
    autocomplete_fields = ["building"]


@admin.register(CondoUnit)
class CondoUnitAdmin(OrgScopedAdmin):
    list_display = ["__str__", "floor", "area_m2"]
    list_select_related = ["building__parcel"]
    search_fields = ["unit_no", "building__parcel__parcel_code"]
    autocomplete_fields = ["building"]


@admin.register(Owner)
class OwnerAdmin(OrgScopedAdmin):
    roles = OWNER_DATA_ROLES
    list_display = ["full_name", "id_number", "owner_type", "address_moo", "phone"]
    list_filter = ["owner_type", "address_moo"]
    search_fields = ["first_name", "last_name", "=id_number", "phone"]
    autocomplete_fields = ["user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The login linked to an owner record is one of this organisation's residents, never anyone else's.
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(
                memberships__organisation=request.organisation, memberships__role=Role.RESIDENT
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Ownership)
class OwnershipAdmin(OrgScopedAdmin):
    roles = OWNER_DATA_ROLES
    list_display = ["owner", "parcel", "building", "condo_unit", "share_numerator", "share_denominator",
                    "in_house_registration"]
    list_filter = ["in_house_registration"]
    list_select_related = ["owner", "parcel", "building__parcel", "condo_unit__building__parcel"]
    search_fields = ["owner__first_name", "owner__last_name", "=owner__id_number", "parcel__parcel_code"]
    autocomplete_fields = ["owner", "parcel", "building", "condo_unit"]
