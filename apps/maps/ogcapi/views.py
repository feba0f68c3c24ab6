"""OGC API - Features endpoints: JSON and GeoJSON only, public layers and public attributes only.

A logged-in member reads their own organisation, anybody else the public one (as with the tiles); the
attributes are always the public audience's, so nothing personal ever leaves through this door.
"""

from __future__ import annotations

import json
import math

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.core.i18n import bilingual

from ..layers import LAYERS, Layer
from ..selectors import MapScope, map_scope, organisation_extent
from . import openapi as openapi_document
from .queries import item_get, items_page

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
LIMIT_DEFAULT = 10
LIMIT_MAX = 10_000
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
]
ITEMS_PARAMETERS = {"bbox", "bbox-crs", "limit", "offset", "f"}
JSON_FORMATS = {"", "json", "geojson", "application/json", "application/geo+json"}


class BadRequest(ValueError):
    pass


def _json(document: dict, content_type: str = JSON, status: int = 200) -> JsonResponse:
    return JsonResponse(
        document, status=status, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )


def _problem(code: str, description: str, status: int) -> JsonResponse:
    return _json({"code": code, "description": description}, status=status)


def _url(request: HttpRequest, name: str, *args, query: dict | None = None) -> str:
    url = request.build_absolute_uri(reverse(name, args=args))
    return f"{url}?{urlencode(query)}" if query else url


class NotFound(Http404):
    pass


def _published(collection_id: str) -> Layer:
    layer = LAYERS.get(collection_id)
    if layer is None or not layer.publish_ogc:
        raise NotFound(_("There is no collection of that name."))
    return layer


def _scope(request: HttpRequest) -> MapScope:
    scope = map_scope(user=request.user, membership=request.membership, organisation=request.organisation)
    if scope is None:
        raise NotFound(_("There is no organisation to show."))
    return scope


def _collection(request: HttpRequest, layer: Layer, extent: list[float] | None) -> dict:
    document = {
        "id": layer.name,
        "title": str(bilingual(layer.title_th, layer.title)),
        "description": str(bilingual(layer.title_th, layer.title)),
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            {"href": _url(request, "ogc-collection", layer.name), "rel": "self", "type": JSON,
             "title": _("This collection")},
            {"href": _url(request, "ogc-items", layer.name), "rel": "items", "type": GEOJSON,
             "title": _("Features")},
        ],
    }
    if extent:
        document["extent"] = {"spatial": {"bbox": [extent], "crs": CRS84}}
    return document


def _format_checked(view):
    """Only JSON is served: ?f=html (or anything else unknown) is a 400, as Part 1 asks of unknown values."""

    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.GET.get("f", "") not in JSON_FORMATS:
            return _problem("InvalidParameterValue", _("Only f=json is offered."), 400)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            # A JSON client (GDAL, QGIS) gets a JSON exception, not Django's HTML 404 page.
            return _problem("NotFound", str(exc), 404)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return transaction.non_atomic_requests(require_safe(wrapper))


@_format_checked
def landing(request: HttpRequest) -> HttpResponse:
    return _json({
        "title": _("Tax map and municipal registry: map layers"),
        "description": _("Public map layers of the organisation, as OGC API - Features."),
        "links": [
            {"href": _url(request, "ogc-landing"), "rel": "self", "type": JSON, "title": _("This document")},
            {"href": _url(request, "ogc-openapi"), "rel": "service-desc", "type": OPENAPI_JSON,
             "title": _("The API definition")},
            {"href": _url(request, "ogc-conformance"), "rel": "conformance", "type": JSON,
             "title": _("Conformance classes")},
            {"href": _url(request, "ogc-collections"), "rel": "data", "type": JSON,
             "title": _("Collections")},
        ],
    })


@_format_checked
def conformance(request: HttpRequest) -> HttpResponse:
    return _json({"conformsTo": CONFORMANCE})


@_format_checked
def openapi(request: HttpRequest) -> HttpResponse:
    document = openapi_document.build(
        server_url=_url(request, "ogc-landing").rstrip("/"),
        collection_ids=[name for name, layer in LAYERS.items() if layer.publish_ogc],
        limit_default=LIMIT_DEFAULT,
        limit_max=LIMIT_MAX,
    )
    return _json(document, content_type=OPENAPI_JSON)


@_format_checked
def collections(request: HttpRequest) -> HttpResponse:
    extent = organisation_extent(organisation_id=_scope(request).organisation_id)
    return _json({
        "links": [{"href": _url(request, "ogc-collections"), "rel": "self", "type": JSON}],
        "collections": [
            _collection(request, layer, extent) for layer in LAYERS.values() if layer.publish_ogc
        ],
    })


@_format_checked
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    layer = _published(collection_id)
    extent = organisation_extent(organisation_id=_scope(request).organisation_id)
    return _json(_collection(request, layer, extent))


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError as exc:
        raise BadRequest(_("bbox must be four numbers: west,south,east,north.")) from exc
    if len(numbers) == 6:  # 3D box: drop the heights
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise BadRequest(_("bbox must be four numbers: west,south,east,north."))
    west, south, east, north = numbers
    if south > north or not (-90 <= south <= 90 and -90 <= north <= 90):
        raise BadRequest(_("bbox latitudes must run from south to north within -90..90."))
    return west, south, east, north


def _whole(text: str | None, name: str, default: int, low: int) -> int:
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError as exc:
        raise BadRequest(_("%(name)s must be a whole number.") % {"name": name}) from exc
    if value < low:
        raise BadRequest(_("%(name)s must be at least %(low)s.") % {"name": name, "low": low})
    return value


@_format_checked
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    layer = _published(collection_id)
    unknown = set(request.GET) - ITEMS_PARAMETERS
    if unknown:
        return _problem(
            "InvalidParameterValue",
            _("Unknown query parameters: %(names)s") % {"names": ", ".join(sorted(unknown))},
            400,
        )
    try:
        if request.GET.get("bbox-crs", CRS84) != CRS84:
            raise BadRequest(_("Only bbox-crs=%(crs)s is supported.") % {"crs": CRS84})
        bbox = _bbox(request.GET.get("bbox"))
        # Part 1 lets a server cap a larger limit instead of refusing it; tipg caps at 10,000 as well.
        limit = min(_whole(request.GET.get("limit"), "limit", LIMIT_DEFAULT, 1), LIMIT_MAX)
        offset = _whole(request.GET.get("offset"), "offset", 0, 0)
    except BadRequest as exc:
        return _problem("InvalidParameterValue", str(exc), 400)

    scope = _scope(request)
    page = items_page(
        layer=layer, organisation_id=scope.organisation_id, bbox=bbox, limit=limit, offset=offset
    )
    query = {key: value for key, value in request.GET.items() if key not in {"offset", "limit"}}
    links = [
        {"href": _url(request, "ogc-items", layer.name, query={**query, "limit": limit, "offset": offset}),
         "rel": "self", "type": GEOJSON, "title": _("This page")},
        {"href": _url(request, "ogc-collection", layer.name), "rel": "collection", "type": JSON,
         "title": _("The collection")},
    ]
    if offset + page.number_returned < page.number_matched:
        links.append({
            "href": _url(request, "ogc-items", layer.name,
                         query={**query, "limit": limit, "offset": offset + limit}),
            "rel": "next", "type": GEOJSON, "title": _("Next page"),
        })
    if offset > 0:
        links.append({
            "href": _url(request, "ogc-items", layer.name,
                         query={**query, "limit": limit, "offset": max(offset - limit, 0)}),
            "rel": "prev", "type": GEOJSON, "title": _("Previous page"),
        })
    # The features arrive from PostGIS as JSON text and are spliced in as they are: no parse, no re-encode.
    head = json.dumps({
        "type": "FeatureCollection",
        "numberMatched": page.number_matched,
        "numberReturned": page.number_returned,
        "timeStamp": now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
    }, ensure_ascii=False)
    body = f'{head[:-1]}, "features": {page.features_json}}}'
    return HttpResponse(body, content_type=GEOJSON)


@_format_checked
def item(request: HttpRequest, collection_id: str, fid: int) -> HttpResponse:
    layer = _published(collection_id)
    scope = _scope(request)
    feature = item_get(layer=layer, organisation_id=scope.organisation_id, fid=fid)
    if feature is None:
        raise NotFound(_("There is no feature with that id."))
    links = [
        {"href": _url(request, "ogc-item", layer.name, fid), "rel": "self", "type": GEOJSON},
        {"href": _url(request, "ogc-collection", layer.name), "rel": "collection", "type": JSON},
    ]
    body = f'{feature[:-1]}, "links": {json.dumps(links, ensure_ascii=False)}}}'
    return HttpResponse(body, content_type=GEOJSON)

