"""Pages people see: the public landing, login, and the home page of each role. Queries live in selectors."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Role

from . import selectors


class LoginForm(AuthenticationForm):
    """Django's login form with labels and the bad-password message in our own catalogue (plain Thai)."""

    username = forms.CharField(
        label=_("Username"), max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is incorrect. Please check them and try again."),
        "inactive": _("This account has been disabled. Please contact the office."),
    }


class PortalLoginView(LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _surveyor_home(request: HttpRequest, org) -> tuple[str, dict]:
    return "core/home_surveyor.html", {
        "counts": selectors.registry_counts(org=org),
        "recent_edits": selectors.parcel_recent_edits(org=org),
        "map_features": selectors.organisation_map_features(org=org),
    }


def _tax_officer_home(request: HttpRequest, org) -> tuple[str, dict]:
    return "core/home_tax_officer.html", {
        "counts": selectors.registry_counts(org=org),
        "problems": selectors.registry_problems(org=org),
    }


def _resident_home(request: HttpRequest, org) -> tuple[str, dict]:
    parcels = selectors.resident_parcel_list(org=org, user=request.user)
    return "core/home_resident.html", {
        "parcels": parcels,
        "map_features": selectors.parcel_map_features(parcels=parcels),
    }


def _admin_home(request: HttpRequest, org) -> tuple[str, dict]:
    return "core/home_admin.html", {
        "memberships": selectors.membership_list_for_org(org=org),
        "role_counts": selectors.membership_role_counts(org=org),
    }


ROLE_HOMES = {
    Role.SURVEYOR: _surveyor_home,
    Role.TAX_OFFICER: _tax_officer_home,
    Role.RESIDENT: _resident_home,
    Role.ADMIN: _admin_home,
}


def home(request: HttpRequest) -> HttpResponse:
    """``/``: the public landing for visitors, otherwise the home page of the user's role."""
    if not request.user.is_authenticated:
        return render(request, "core/landing.html")
    membership = request.membership
    if not membership or membership.organisation is None:
        return render(request, "core/no_membership.html")
    template_name, context = ROLE_HOMES[Role(membership.role)](request, membership.organisation)
    return render(request, template_name, context)


@login_required
def my_parcel_detail(request: HttpRequest, parcel_id: int) -> HttpResponse:
    """A resident's own parcel. Anyone else's parcel (or another organisation's) is a 404, never a 403,
    so the page does not even confirm that the parcel exists."""
    org = request.organisation
    parcel = selectors.resident_parcel_get(org=org, user=request.user, parcel_id=parcel_id) if org else None
    if parcel is None:
        raise Http404
    return render(request, "core/my_parcel_detail.html", {
        "parcel": parcel,
        "map_features": selectors.parcel_map_features(parcels=[parcel]),
    })
