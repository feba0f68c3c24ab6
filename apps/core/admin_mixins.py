"""The Django admin, one organisation at a time (OpenWISP's MultitenantAdminMixin, in our words).

For everyone but a superuser: lists show only request.organisation's rows, so another organisation's id in
the URL is "not found"; foreign-key choices (and autocompletes, which use the related admin's queryset) are
narrowed to the same organisation; ``organisation`` is filled in from the request, never chosen or shown.
The model's full_clean runs in the ModelForm, so the admin refuses what the API and the importers refuse.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from leaflet.admin import LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.organisations.models import Organisation, OrgScoped

ORGANISATION_FIELD = "organisation"


def _organisation(request) -> Organisation | None:
    organisation = getattr(request, "organisation", None)
    return organisation if organisation else None


def _role(request) -> str | None:
    membership = getattr(request, "membership", None)
    return membership.role if membership else None


def _is_global(request) -> bool:
    return bool(request.user.is_superuser)


def _form_for_organisation(form_class, organisation: Organisation):
    """A form whose instance belongs to ``organisation`` *before* validation, so clean() and the unique
    constraints (organisation, code) see it. The hidden field is disabled: a forged POST value is ignored."""

    class OrganisationForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if ORGANISATION_FIELD in self.fields:
                if self.instance.organisation_id is None:
                    self.instance.organisation = organisation
                self.initial[ORGANISATION_FIELD] = self.instance.organisation_id

    OrganisationForm.__name__ = form_class.__name__
    return OrganisationForm


class _OrgScopedBase:
    """Shared by ModelAdmin and inlines.

    ``roles``: the roles that may open this admin at all (None: whoever has the model permission). Owners are
    personal data (PDPA), so their admins name the office roles that need them.
    """

    roles: frozenset[str] | None = None

    def _role_allowed(self, request) -> bool:
        return _is_global(request) or self.roles is None or _role(request) in self.roles

    def has_view_permission(self, request, obj=None):
        return self._role_allowed(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._role_allowed(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._role_allowed(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._role_allowed(request) and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _is_global(request):
            return queryset
        organisation = _organisation(request)
        if organisation is None:
            return queryset.none()
        return queryset.filter(**{ORGANISATION_FIELD: organisation})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == ORGANISATION_FIELD and not _is_global(request):
            organisation = _organisation(request)
            return forms.ModelChoiceField(
                queryset=Organisation.objects.filter(pk=getattr(organisation, "pk", None)),
                widget=forms.HiddenInput, disabled=True, required=True,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if not _is_global(request) and isinstance(related, type) and issubclass(related, OrgScoped):
            kwargs["queryset"] = related._default_manager.filter(organisation=_organisation(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrgScopedAdminMixin(_OrgScopedBase):
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        organisation = _organisation(request)
        if _is_global(request) or organisation is None:
            return form
        return _form_for_organisation(form, organisation)


class OrgScopedInlineMixin(_OrgScopedBase):
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        organisation = _organisation(request)
        if not _is_global(request) and organisation is not None:
            formset.form = _form_for_organisation(formset.form, organisation)
        return formset


class OrgScopedAdmin(OrgScopedAdminMixin, SimpleHistoryAdmin):
    """A registry table without geometry: scoped, with its history page."""

    list_per_page = 50


class OrgScopedGeoAdmin(OrgScopedAdminMixin, LeafletGeoAdminMixin, SimpleHistoryAdmin):
    """A map layer: django-leaflet's widget (its bundled Leaflet, no CDN) and the history page."""

    list_per_page = 50
    # The office link is slow: the raw WKT/GeoJSON textarea stays hidden, the map is enough.
    display_raw = False


class OrgScopedTabularInline(OrgScopedInlineMixin, admin.TabularInline):
    extra = 0
