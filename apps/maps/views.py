"""Vector tiles and their TileJSON. Thin: parse, scope, call tiles.py, set cache headers."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.core.i18n import bilingual

from .layers import LAYERS, Layer
from .selectors import MapScope, map_scope, organisation_extent
from .tiles import TileAddress, TileOutOfRange, layer_version, tile_fetch

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
ONE_YEAR_S = 31_536_000


def _layer(name: str) -> Layer:
    layer = LAYERS.get(name)
    if layer is None:
        raise Http404(_("There is no map layer of that name."))
    return layer


def _scope(request: HttpRequest) -> MapScope:
    scope = map_scope(
        user=request.user, membership=request.membership, organisation=request.organisation
    )
    if scope is None:
        raise Http404(_("There is no organisation to show."))
    return scope


def _etag(layer: Layer, scope: MapScope, version: str) -> str:
    return f'"{layer.name}-{scope.organisation_id}-{scope.audience}-{version}"'


def _not_modified(request: HttpRequest, etag: str) -> bool:
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    return "*" in wanted or etag in wanted or etag in (w.removeprefix("W/") for w in wanted)


def _cache_headers(response: HttpResponse, scope: MapScope, etag: str, *, immutable: bool) -> HttpResponse:
    visibility = "private" if scope.private else "public"
    response["Cache-Control"] = (
        f"{visibility}, max-age={ONE_YEAR_S}, immutable" if immutable else f"{visibility}, no-cache"
    )
    response["ETag"] = etag
    # The same URL answers differently for each login: shared caches must key on the session cookie.
    patch_vary_headers(response, ["Cookie"])
    return response


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


# A tile is one read-only statement; a transaction around it would only add two round trips.
@transaction.non_atomic_requests
@require_safe
def tile(
    request: HttpRequest, layer: str, z: int, x: int, y: int, version: str | None = None
) -> HttpResponse:
    """``/tiles/{layer}/{version}/{z}/{x}/{y}.pbf`` (immutable) or ``/tiles/{layer}/{z}/{x}/{y}.pbf``.

    The versioned URL comes from the TileJSON and never changes meaning, so it is cached for a year and costs
    no version query; the plain URL reads the version (one tiny query) and answers 304 when it still matches.
    """
    map_layer = _layer(layer)
    try:
        address = TileAddress.parse(z, x, y)
    except TileOutOfRange:
        return _error(_("That tile does not exist: z/x/y is out of range."), 400)
    if not map_layer.min_zoom <= address.z <= map_layer.max_zoom:
        return _error(
            _("This layer is drawn from zoom %(min)s to %(max)s.")
            % {"min": map_layer.min_zoom, "max": map_layer.max_zoom},
            404,
        )
    scope = _scope(request)
    immutable = version is not None
    if version is None:
        version = layer_version(layer=map_layer, organisation_id=scope.organisation_id)
    etag = _etag(map_layer, scope, version)
    if _not_modified(request, etag):
        return _cache_headers(HttpResponse(status=304), scope, etag, immutable=immutable)
    body = tile_fetch(
        layer=map_layer, audience=scope.audience, organisation_id=scope.organisation_id, tile=address
    )
    response = HttpResponse(body, content_type=MVT_CONTENT_TYPE)
    return _cache_headers(response, scope, etag, immutable=immutable)


@transaction.non_atomic_requests
@require_safe
def tilejson(request: HttpRequest, layer: str) -> HttpResponse:
    """TileJSON 3.0 of one layer: the current (versioned) URL template, zoom range, attributes and style."""
    map_layer = _layer(layer)
    scope = _scope(request)
    version = layer_version(layer=map_layer, organisation_id=scope.organisation_id)
    etag = _etag(map_layer, scope, version)
    if _not_modified(request, etag):
        return _cache_headers(HttpResponse(status=304), scope, etag, immutable=False)
    template = request.build_absolute_uri(f"/tiles/{map_layer.name}/{version}/") + "{z}/{x}/{y}.pbf"
    columns = map_layer.columns_for(scope.audience)
    document = {
        "tilejson": "3.0.0",
        "name": map_layer.name,
        "description": str(bilingual(map_layer.title_th, map_layer.title)),
        "version": "1.0.0",
        "scheme": "xyz",
        "tiles": [template],
        "minzoom": map_layer.min_zoom,
        "maxzoom": map_layer.max_zoom,
        "vector_layers": [
            {
                "id": map_layer.name,
                "fields": dict.fromkeys(columns, ""),
                "minzoom": map_layer.min_zoom,
                "maxzoom": map_layer.max_zoom,
            }
        ],
        # Not part of TileJSON: the default look of the layer, for the map page.
        "style": map_layer.style,
        "data_version": version,
    }
    extent = organisation_extent(organisation_id=scope.organisation_id)
    if extent:
        document["bounds"] = extent
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    return _cache_headers(response, scope, etag, immutable=False)
