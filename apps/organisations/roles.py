"""Each role is a Django group with its model permissions; scoping by organisation is done by the queries."""

from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from .models import Role

_REGISTRY_GEOMETRY = ["parcel", "parcellineage", "building", "village", "taxmapzone", "taxmapblock"]
_REGISTRY_RECORDS = ["owner", "ownership", "landuse", "buildinguse", "condounit", "parcel", "building"]
_ASSETS = ["road", "streetlight", "signboard"]
_PERSONAL = ("owner", "ownership", "historicalowner", "historicalownership")


def _perms(app: str, models: list[str], actions: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(app, f"{action}_{model}") for model in models for action in actions]


def _view_all(apps: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        (p.content_type.app_label, p.codename)
        for p in Permission.objects.filter(content_type__app_label__in=apps, codename__startswith="view_")
    ]


ROLE_PERMISSIONS = {
    Role.SURVEYOR: lambda: (
        _view_all(("registry", "assets", "valuation"))
        + _perms("registry", _REGISTRY_GEOMETRY, ("add", "change"))
        + _perms("assets", _ASSETS, ("add", "change"))
    ),
    Role.TAX_OFFICER: lambda: (
        _view_all(("registry", "assets", "valuation"))
        + _perms("registry", _REGISTRY_RECORDS, ("add", "change"))
        + _perms("valuation", ["appraisalround", "blocklandprice", "parcellandprice", "buildingprice",
                                "condoprice"],
                 ("add", "change"))
        + _perms("taxation", ["rateordinance"], ("view", "add", "change"))
        + _perms("taxation", ["assessment", "assessmentrun", "assessmentproblem"], ("view",))
    ),
    Role.RESIDENT: lambda: [],
    Role.ADMIN: lambda: [
        (p.content_type.app_label, p.codename)
        for p in Permission.objects.filter(
            content_type__app_label__in=(
                "registry", "assets", "valuation", "taxation", "organisations", "auth",
            )
        ).exclude(content_type__model__in=("permission", "group", "organisation"))
    ],
}

STAFF_ROLES = {Role.ADMIN, Role.SURVEYOR, Role.TAX_OFFICER}


def role_groups_sync() -> None:
    """Create or refresh the four role groups (idempotent; runs after every migrate)."""
    # post_migrate fires per app in INSTALLED_APPS order, and this app comes before registry: make sure every
    # app's permissions exist before handing them out, or a fresh database gets groups without them.
    for app_config in django_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        pairs = set(wanted())
        perms = [
            p
            for p in Permission.objects.select_related("content_type")
            if (p.content_type.app_label, p.codename) in pairs
        ]
        group.permissions.set(perms)
