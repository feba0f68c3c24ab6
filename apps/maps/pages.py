"""The map page of each role, and the small JSON reads it needs beside the tiles and the registry API.

Thin views: who may see what is decided by the registry selectors (a resident's own parcels) and the role
sets below; the page itself draws parcels from the vector tiles and asks /api/v1/ for every detail, so a
resident who opens another parcel's URL gets the API's 404, never its data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.core.i18n import bilingual
from apps.organisations.models import Role
from apps.registry import selectors as registry
from apps.registry.domain import codes
from apps.registry.models import Parcel

from . import ortho, page_selectors
from .layers import LAYERS
from .selectors import organisation_extent

# Surveyors draw; administrators may correct. Tax amounts and payment are the tax office's (and the
# resident's own); owner names follow the registry API's PDPA rules.
EDIT_ROLES = frozenset({Role.SURVEYOR, Role.ADMIN})
TAX_ROLES = frozenset({Role.TAX_OFFICER, Role.ADMIN, Role.RESIDENT})
CHOROPLETH_ROLES = frozenset({Role.TAX_OFFICER, Role.ADMIN})
OWNER_SEARCH_ROLES = registry.OWNER_DATA_ROLES
CONFIRM_ROLES = frozenset({Role.TAX_OFFICER, Role.ADMIN})
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
MEASURES = ("tax", "payment")


def _member(request: HttpRequest):
    membership = request.membership
    if not membership or request.organisation is None:
        raise Http404(_("You are not a member of an organisation."))
    return membership


def _texts() -> dict[str, str]:
    """Every string the page's script shows, translated here (one catalogue for the whole site)."""
    return {
        "loading": _("Loading…"), "close": _("Close"), "parcel": _("Parcel"),
        "not_yours": _("You can see the details of your own parcels only."),
        "not_found": _("Nothing was found."), "error": _("Something went wrong. Please try again."),
        "document": _("Document"), "no": _("no."), "land_no": _("Land no."),
        "deed_area": _("Deed area (rai-ngan-sq wa)"), "map_area": _("Map area"),
        "village": _("Village"), "address": _("Address"), "owners": _("Owners"),
        "buildings": _("Buildings"), "none": _("none"), "storeys": _("storeys"),
        "land_use": _("Land use"), "assessed_tax": _("Assessed tax"), "tax_year": _("tax year"),
        "baht": _("baht"), "no_assessment": _("Not assessed yet."), "draft": _("draft"),
        "shared_line": _("part of a tax line shared with adjoining parcels"),
        "payment": _("Payment"), "no_bill": _("No bill yet."), "status": _("Status"),
        "version": _("version"), "sq_m": _("m²"), "rai_ngan_wa": _("rai-ngan-sq wa"),
        "draw_parcel": _("Draw a parcel"), "reshape": _("Reshape"), "split": _("Split"),
        "merge": _("Merge"), "history": _("History"), "draw_building": _("Draw a building"),
        "save": _("Save"), "cancel": _("Cancel"), "parcel_code": _("Parcel code"),
        "saved": _("Saved."), "area_live": _("Area"),
        "zoom_in_to_edit": _("Zoom in closer (level 17 or more) to edit, so you can snap to the neighbours."),
        "select_parcel_first": _("Click a parcel on the map first."),
        "draw_cut": _("Draw the cut line across the parcel, then click its last point again."),
        "split_done": _("Split into"), "merge_pick": _("Click the parcels to merge, then press Merge again."),
        "merge_done": _("Merged into"), "merge_selected": _("Merge selected"),
        "conflict": _("Someone else saved this parcel while you were editing it."),
        "their_version": _("Their version"), "your_version": _("Your version"),
        "load_theirs": _("Load their version"), "revert": _("Revert to this version"),
        "reverted": _("Reverted: saved as a new version."), "by": _("by"), "system": _("system"),
        "created": _("created"), "changed": _("changed"), "deleted": _("deleted"),
        "changed_fields": _("changed"), "parents": _("Made from"), "children": _("Became"),
        "to_confirm": _("New parcels whose owners and uses need confirming"), "confirm": _("Confirm"),
        "confirmed": _("Confirmed."), "building_saved": _("Building saved."),
        "colour_by": _("Colour parcels by"), "by_land_use": _("Land use"), "by_tax": _("Assessed tax"),
        "by_payment": _("Payment status"), "payment_unavailable": _("Payment status is not available yet."),
        "legend": _("Legend"), "no_data": _("no data"), "search": _("Search"),
        "my_parcels": _("My parcels"), "open_details": _("Details"),
        "paid": _("Paid"), "open": _("Open"), "partly_paid": _("Partly paid"), "overdue": _("Overdue"),
        "zoom_for_parcels": _("Zoom in to see the parcels."),
        "building_type": _("Building type"), "construction": _("Construction"),
        "floor_area": _("Floor area (m²)"), "basemap_none": _("No basemap"),
        "basemap_ortho": _("Orthophoto"), "basemap_osm": _("OpenStreetMap (online only)"),
        "zones": _("Tax-map zones"), "blocks": _("Tax-map blocks"), "parcels": _("Parcels"),
        "selected": _("selected"), "mine": _("My parcel"), "problem": _("Problem to fix"),
        "old_outline": _("Earlier outline"), "show_outline": _("Show outline"),
    }


def _code_list(code_list) -> list[dict]:
    return [{"code": code, "label": str(bilingual(thai, english))} for code, thai, english in code_list]


@login_required
@require_safe
def map_page(request: HttpRequest, parcel_id: int | None = None) -> HttpResponse:
    """``/map/`` (and ``/map/parcels/<id>/`` to open one parcel's card): the same page, tools by role."""
    membership = _member(request)
    org = request.organisation
    if parcel_id is not None:
        try:
            registry.parcel_get(org=org, membership=membership, pk=parcel_id)
        except Parcel.DoesNotExist:
            raise Http404(_("There is no such parcel, or it is not yours to see.")) from None
    role = membership.role
    ortho_path = ortho.orthophoto_path()
    parcels_style = LAYERS["parcels"].style
    config = {
        "role": role,
        "can_edit": role in EDIT_ROLES,
        "can_see_tax": role in TAX_ROLES,
        "can_colour_by_tax": role in CHOROPLETH_ROLES,
        "can_confirm": role in CONFIRM_ROLES,
        "is_resident": role == Role.RESIDENT,
        "extent": organisation_extent(organisation_id=org.pk),
        "initial_parcel": parcel_id,
        "edit_min_zoom": 17,
        "urls": {
            "tilejson": {name: reverse("tilejson", args=[name])
                         for name in ("zones", "blocks", "parcels", "buildings")},
            "parcels": reverse("registry_api:parcel-list"),
            "buildings": reverse("registry_api:building-list"),
            "search": reverse("registry_api:search"),
            "merge": reverse("registry_api:parcel-merge"),
            "to_confirm": reverse("registry_api:parcel-to-confirm"),
            "tax": reverse("map-parcel-tax", args=[0]).replace("/0/", "/{id}/"),
            "values": reverse("map-values", args=["tax"]).replace("tax.json", "{measure}.json"),
            "ortho": (reverse("map-ortho", args=[0, 0, 0]).replace("/0/0/0.png", "/{z}/{x}/{y}.png")
                      if ortho_path else None),
            "osm": OSM_TILES,
            "page": reverse("map"),
        },
        "land_uses": [
            {"code": code, "label": str(bilingual(thai, english)),
             "colour": parcels_style.get("categories", {}).get(str(code), parcels_style.get("fill_color"))}
            for code, thai, english in codes.LAND_USES
        ],
        "building_types": _code_list(codes.BUILDING_TYPES),
        "constructions": _code_list(codes.CONSTRUCTIONS),
        "texts": _texts(),
    }
    return render(request, "maps/map.html", {"map_config": config, "role": role})


@login_required
@require_safe
def parcel_tax_json(request: HttpRequest, parcel_id: int) -> JsonResponse:
    """Assessed tax (and payment status, when billing has it) of one parcel, for the card."""
    membership = _member(request)
    if membership.role not in TAX_ROLES:
        return JsonResponse({"detail": _("You do not have permission to see tax amounts.")}, status=403)
    try:
        parcel = registry.parcel_get(org=request.organisation, membership=membership, pk=parcel_id)
    except Parcel.DoesNotExist:
        raise Http404 from None
    tax = page_selectors.parcel_tax(org=request.organisation, parcel=parcel)
    if tax is None:
        return JsonResponse({"parcel_id": parcel.pk, "assessed": None, "payment": None})
    payment = page_selectors.parcel_payment_status(
        org=request.organisation, assessment_ids=tax.assessment_ids
    )
    return JsonResponse({
        "parcel_id": parcel.pk,
        "assessed": {
            "tax_year": tax.tax_year, "tax_satang": tax.tax_satang, "shared": tax.shared,
            "issued": "issued" in tax.statuses,
        },
        "payment": payment,
    })


@login_required
@require_safe
def parcel_values_json(request: HttpRequest, measure: str) -> JsonResponse:
    """``/map/values/tax.json`` or ``payment.json``: {parcel id: value} for the choropleths (tax office)."""
    membership = _member(request)
    if measure not in MEASURES:
        raise Http404
    if membership.role not in CHOROPLETH_ROLES:
        return JsonResponse({"detail": _("You do not have permission to see tax amounts.")}, status=403)
    if measure == "tax":
        year, values = page_selectors.tax_by_parcel(org=request.organisation)
        return JsonResponse({"measure": "tax_satang", "tax_year": year, "available": year is not None,
                             "values": {str(k): v for k, v in values.items()}})
    statuses = page_selectors.payment_status_by_parcel(org=request.organisation)
    return JsonResponse({"measure": "payment_status", "available": statuses is not None,
                         "values": {str(k): v for k, v in (statuses or {}).items()}})


@login_required
@require_safe
def ortho_tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    _member(request)
    path = ortho.orthophoto_path()
    if path is None or not 0 <= z <= 22 or not (0 <= x < (1 << z) and 0 <= y < (1 << z)):
        raise Http404
    # Outside the image: a transparent tile (an empty answer would show as a broken image).
    png = ortho.orthophoto_tile_png(path, z, x, y) or ortho.empty_tile_png()
    response = HttpResponse(png, content_type="image/png")
    # The image changes only when a new file is configured; a day keeps panning cheap on slow links.
    response["Cache-Control"] = "private, max-age=86400"
    return response
