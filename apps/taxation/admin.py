"""Assessments are read in the admin, never edited there: a run writes them and issuing freezes them.
Rate ordinances are entered here (with their history), one table per year."""

from django.contrib import admin

from apps.core.admin_mixins import OrgScopedAdmin, OrgScopedAdminMixin

from .models import Assessment, AssessmentProblem, AssessmentRun, RateOrdinance


class _ReadOnlyOrgAdmin(OrgScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssessmentRun)
class AssessmentRunAdmin(_ReadOnlyOrgAdmin):
    list_display = [
        "tax_year",
        "status",
        "started_at",
        "finished_at",
        "taxpayers_count",
        "problems_count",
        "total_satang",
    ]
    list_filter = ["tax_year", "status"]


@admin.register(Assessment)
class AssessmentAdmin(_ReadOnlyOrgAdmin):
    list_display = ["tax_year", "owner", "version", "status", "total_satang", "issued_at"]
    list_filter = ["tax_year", "status"]
    list_select_related = ["owner"]
    search_fields = ["owner__first_name", "owner__last_name", "=owner__id_number"]


@admin.register(AssessmentProblem)
class AssessmentProblemAdmin(_ReadOnlyOrgAdmin):
    list_display = ["run", "kind", "parcel", "building", "owner"]
    list_filter = ["kind"]
    list_select_related = ["run", "parcel", "building", "owner"]


@admin.register(RateOrdinance)
class RateOrdinanceAdmin(OrgScopedAdmin):
    list_display = ["tax_year", "table", "reference"]
    list_filter = ["tax_year", "table"]
    search_fields = ["reference"]
