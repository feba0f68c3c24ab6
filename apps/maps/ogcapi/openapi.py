"""The OpenAPI 3.0 description of /ogc (its "service-desc" link), hand-written and as small as the API."""

from __future__ import annotations


def _json_response(description: str, schema_ref: str = "", media: str = "application/json") -> dict:
    content = {media: {"schema": {"$ref": schema_ref}} if schema_ref else {}}
    return {"description": description, "content": content}


def build(*, server_url: str, collection_ids: list[str], limit_default: int, limit_max: int) -> dict:
    error = {"400": {"description": "Invalid parameter"}, "404": {"description": "Not found"}}
    collection_id = {
        "name": "collectionId", "in": "path", "required": True,
        "schema": {"type": "string", "enum": collection_ids},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "gis_portal OGC API - Features", "version": "1.0.0"},
        "servers": [{"url": server_url}],
        "paths": {
            "/": {
                "get": {"operationId": "getLandingPage", "responses": {"200": _json_response("Landing page")}}
            },
            "/conformance": {
                "get": {"operationId": "getConformance", "responses": {"200": _json_response("Conformance")}}
            },
            "/collections": {
                "get": {"operationId": "getCollections", "responses": {"200": _json_response("Collections")}}
            },
            "/collections/{collectionId}": {
                "get": {
                    "operationId": "describeCollection",
                    "parameters": [collection_id],
                    "responses": {"200": _json_response("Collection"), **error},
                }
            },
            "/collections/{collectionId}/items": {
                "get": {
                    "operationId": "getFeatures",
                    "parameters": [
                        collection_id,
                        {"name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
                         "schema": {"type": "integer", "minimum": 1, "maximum": limit_max,
                                    "default": limit_default}},
                        {"name": "offset", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 0, "default": 0}},
                        {"name": "bbox", "in": "query", "required": False, "style": "form", "explode": False,
                         "schema": {"type": "array", "minItems": 4, "maxItems": 6,
                                    "items": {"type": "number"}}},
                        {"name": "bbox-crs", "in": "query", "required": False,
                         "schema": {"type": "string", "format": "uri"}},
                    ],
                    "responses": {"200": _json_response("Features", media="application/geo+json"), **error},
                }
            },
            "/collections/{collectionId}/items/{featureId}": {
                "get": {
                    "operationId": "getFeature",
                    "parameters": [
                        collection_id,
                        {"name": "featureId", "in": "path", "required": True, "schema": {"type": "integer"}},
                    ],
                    "responses": {"200": _json_response("Feature", media="application/geo+json"), **error},
                }
            },
        },
    }
