"""The navigation of each role, and links into the admin that degrade to nothing when a model is not
registered there (the admin of each app is written by its own team and may land later)."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Role

register = template.Library()

# (label, URL name, URL args) per role; admin URL names are skipped when that admin is not registered.
ROLE_NAV = {
    Role.SURVEYOR: [
        (_("Home"), "home"),
        (_("Map"), "map"),
        (_("Parcels"), "admin:registry_parcel_changelist"),
        (_("Buildings"), "admin:registry_building_changelist"),
        (_("Zones"), "admin:registry_taxmapzone_changelist"),
        (_("Blocks"), "admin:registry_taxmapblock_changelist"),
        (_("Import files"), "imports:index"),
        (_("Export"), "imports:export"),
        (_("Map sheet"), "imports:sheet"),
    ],
    Role.TAX_OFFICER: [
        (_("Home"), "home"),
        (_("Map"), "map"),
        (_("Parcels"), "admin:registry_parcel_changelist"),
        (_("Owners"), "admin:registry_owner_changelist"),
        (_("Buildings"), "admin:registry_building_changelist"),
        (_("Land prices"), "admin:valuation_blocklandprice_changelist"),
        (_("Land and building tax"), "taxation:list"),
        (_("Export"), "imports:export"),
        (_("Collection"), "billing:counter"),
        (_("Bank files"), "billing:bank"),
        (_("Collection dashboard"), "billing:dashboard"),
    ],
    Role.RESIDENT: [
        (_("My land"), "home"),
        (_("My bills"), "billing:my-bills"),
        (_("Map"), "map"),
    ],
    Role.ADMIN: [
        (_("Home"), "home"),
        (_("Map"), "map"),
        (_("Users"), "admin:auth_user_changelist"),
        (_("Memberships"), "admin:organisations_membership_changelist"),
        (_("Land and building tax"), "taxation:list"),
        (_("Import files"), "imports:index"),
        (_("Administration"), "admin:index"),
    ],
}

# The surveyor's shortcuts into the admin lists of the registry.
REGISTRY_LISTS = [
    (_("Parcels"), "admin:registry_parcel_changelist"),
    (_("Buildings"), "admin:registry_building_changelist"),
    (_("Zones"), "admin:registry_taxmapzone_changelist"),
    (_("Blocks"), "admin:registry_taxmapblock_changelist"),
    (_("Villages"), "admin:registry_village_changelist"),
]


def url_or_empty(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def admin_url(name: str, *args) -> str:
    """``{% admin_url "registry_parcel_change" parcel.pk as url %}`` → the URL, or "" if not registered."""
    return url_or_empty(f"admin:{name}", *args)


@register.inclusion_tag("core/_nav.html", takes_context=True)
def role_nav(context) -> dict:
    role = context.get("current_role")
    request = context.get("request")
    current_path = request.path if request else ""
    items = []
    for label, name in ROLE_NAV.get(role, []):
        url = url_or_empty(name)
        if url:
            items.append({"label": label, "url": url, "current": url == current_path})
    return {"items": items}


@register.inclusion_tag("core/_registry_links.html")
def registry_links() -> dict:
    """The registry lists this deployment's admin has; the whole section is left out when it has none."""
    items = [{"label": label, "url": url} for label, name in REGISTRY_LISTS if (url := url_or_empty(name))]
    return {"items": items}
