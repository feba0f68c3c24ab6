"""GeoJSON built in SQL (ST_AsGeoJSON + json_agg, as tipg does): Python never touches a coordinate."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection

from ..layers import Audience, Layer
from ..tiles import STORAGE_SRID, layer_where, quote_identifier

# 7 decimals of a degree is about 1 cm: finer than any parcel survey, and 30 % less JSON than the default 9.
GEOJSON_DECIMALS = 7


@dataclass(frozen=True, slots=True)
class ItemsPage:
    number_matched: int
    number_returned: int
    features_json: str


def _feature(layer: Layer, row: str) -> str:
    columns = layer.columns_for(Audience.PUBLIC)
    # Keys are identifiers checked by layers.IDENTIFIER, so they are safe as SQL string literals.
    properties = ", ".join(f"'{column}', {row}.{quote_identifier(column)}" for column in columns)
    return (
        f"json_build_object('type', 'Feature', 'id', {row}.id, "
        f"'geometry', ST_AsGeoJSON({row}.geom, {GEOJSON_DECIMALS})::json, "
        f"'properties', json_build_object({properties}))"
    )


def _selected(layer: Layer) -> str:
    columns = layer.columns_for(Audience.PUBLIC)
    attributes = "".join(f", {layer.columns[column]} AS {quote_identifier(column)}" for column in columns)
    geom = quote_identifier(layer.geometry)
    return f"t.{quote_identifier(layer.id_column)} AS id, t.{geom} AS geom{attributes}"


def _filter(layer: Layer, *, with_bbox: bool) -> str:
    bbox = (
        f" AND t.{quote_identifier(layer.geometry)} && "
        f"ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, {STORAGE_SRID})"
        if with_bbox
        else ""
    )
    return f"{layer_where(layer)}{bbox}"


@functools.cache
def items_sql(layer: Layer, with_bbox: bool) -> str:
    table = quote_identifier(layer.table)
    where = _filter(layer, with_bbox=with_bbox)
    return (
        # Identifiers and expressions come from layers/*.toml (validated at import); values are parameters.
        f"WITH f AS (SELECT {_selected(layer)} FROM {table} t WHERE {where} "  # noqa: S608
        f"ORDER BY t.{quote_identifier(layer.id_column)} LIMIT %(limit)s OFFSET %(offset)s) "
        f"SELECT (SELECT count(*) FROM {table} t WHERE {where}), "
        "(SELECT count(*) FROM f), "
        f"coalesce((SELECT json_agg({_feature(layer, 'f')} ORDER BY f.id) FROM f), '[]'::json)::text"
    )


@functools.cache
def item_sql(layer: Layer) -> str:
    return (
        f"WITH f AS (SELECT {_selected(layer)} FROM {quote_identifier(layer.table)} t "  # noqa: S608
        f"WHERE {layer_where(layer)} AND t.{quote_identifier(layer.id_column)} = %(fid)s) "
        f"SELECT {_feature(layer, 'f')}::text FROM f"
    )


def items_page(
    *,
    layer: Layer,
    organisation_id: int,
    bbox: tuple[float, float, float, float] | None,
    limit: int,
    offset: int,
) -> ItemsPage:
    params: dict = {"org": organisation_id, "limit": limit, "offset": offset}
    if bbox is not None:
        params.update(zip(("xmin", "ymin", "xmax", "ymax"), bbox, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(items_sql(layer, bbox is not None), params)
        matched, returned, features = cursor.fetchone()
    return ItemsPage(matched, returned, features)


def item_get(*, layer: Layer, organisation_id: int, fid: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(item_sql(layer), {"org": organisation_id, "fid": fid})
        row = cursor.fetchone()
    return row[0] if row else None
