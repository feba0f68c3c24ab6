"""Organisations, memberships and users in the admin.

An organisation's administrator manages the people of *their* organisation: the membership list and the user
list show only them, and a role is granted through membership_grant so the role group follows. Creating
organisations, superusers and groups stays with superusers.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from apps.core.admin_mixins import OrgScopedAdmin

from .models import Membership, Organisation
from .services import membership_grant


@admin.register(Organisation)
class OrganisationAdmin(LeafletGeoAdminMixin, SimpleHistoryAdmin):
    list_display = ["name_th", "name_en", "dla_code", "kind", "province_th", "utm_srid"]
    list_filter = ["kind", "province_th"]
    search_fields = ["name_th", "name_en", "dla_code", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Membership)
class MembershipAdmin(OrgScopedAdmin):
    list_display = ["user", "user_full_name", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]

    @admin.display(description=_("name"), ordering="user__first_name")
    def user_full_name(self, membership: Membership) -> str:
        return membership.user.get_full_name()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = users_of(request.organisation)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # Moving a membership to another person is a new membership, not an edit.
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        # The role group carries the permissions: granting through the service keeps the two in step.
        saved = membership_grant(user=obj.user, org=obj.organisation, role=obj.role)
        obj.pk = saved.pk
        obj._state.adding = False


def users_of(organisation: Organisation):
    """Users an organisation's administrator may manage: its members, and new accounts not yet in any
    organisation (so a freshly created login can be given a role)."""
    member_here = Membership.objects.filter(user=OuterRef("pk"), organisation=organisation)
    member_anywhere = Membership.objects.filter(user=OuterRef("pk"))
    return User.objects.filter(Exists(member_here) | ~Exists(member_anywhere), is_superuser=False)


admin.site.unregister(User)


@admin.register(User)
class OrganisationUserAdmin(UserAdmin):
    """Django's user admin; for an organisation's administrator it lists only their people and hides the
    switches that would make someone a superuser or hand out permissions outside the role groups."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if not request.organisation:
            return queryset.none()
        return queryset.filter(pk__in=users_of(request.organisation).values("pk"))

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return [
            (None, {"fields": ["username", "password"]}),
            (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
            (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["last_login", "date_joined"]

    def get_list_filter(self, request):
        return super().get_list_filter(request) if request.user.is_superuser else ["is_active"]
