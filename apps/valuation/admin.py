from django.contrib import admin

from apps.core.admin_mixins import OrgScopedAdmin

from .models import AppraisalRound, BlockLandPrice, BuildingPrice, CondoPrice, ParcelLandPrice


@admin.register(AppraisalRound)
class AppraisalRoundAdmin(OrgScopedAdmin):
    list_display = ["name", "valid_from", "valid_to"]
    search_fields = ["name"]


@admin.register(BlockLandPrice)
class BlockLandPriceAdmin(OrgScopedAdmin):
    list_display = ["appraisal_round", "block", "price_per_sq_wa"]
    list_filter = [("appraisal_round", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["appraisal_round", "block__zone"]
    search_fields = ["block__block_letter", "=block__zone__zone_no", "appraisal_round__name"]
    autocomplete_fields = ["appraisal_round", "block"]


@admin.register(ParcelLandPrice)
class ParcelLandPriceAdmin(OrgScopedAdmin):
    list_display = ["appraisal_round", "parcel", "price_per_sq_wa"]
    list_filter = [("appraisal_round", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["appraisal_round", "parcel"]
    search_fields = ["parcel__parcel_code", "appraisal_round__name"]
    autocomplete_fields = ["appraisal_round", "parcel"]


@admin.register(BuildingPrice)
class BuildingPriceAdmin(OrgScopedAdmin):
    list_display = ["appraisal_round", "building_type", "price_per_sqm"]
    list_filter = [("appraisal_round", admin.RelatedOnlyFieldListFilter), "building_type"]
    list_select_related = ["appraisal_round"]
    search_fields = ["building_type", "appraisal_round__name"]
    autocomplete_fields = ["appraisal_round"]


@admin.register(CondoPrice)
class CondoPriceAdmin(OrgScopedAdmin):
    list_display = ["appraisal_round", "building", "price_per_sqm"]
    list_filter = [("appraisal_round", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["appraisal_round", "building__parcel"]
    search_fields = ["building__parcel__parcel_code", "appraisal_round__name"]
    autocomplete_fields = ["appraisal_round", "building"]
