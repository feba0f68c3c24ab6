"""Mapbox vector tiles straight from PostGIS: one SQL statement per tile (the shape of tipg and pg_tileserv).

The statement for each (layer, audience) is built once from ``layers/*.toml`` and cached; a request only
supplies values (z, x, y, organisation, feature cap) as bind parameters.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection

from .layers import MAX_ZOOM, Audience, Layer

MVT_EXTENT = 4096
MVT_BUFFER = 64
# ST_TileEnvelope's margin is a fraction of the tile: widen the query box by the buffer ST_AsMVTGeom keeps, so
# a polygon just outside the tile still draws its edge inside the buffer (pg_tileserv's layer_table.go).
ENVELOPE_MARGIN = MVT_BUFFER / MVT_EXTENT
STORAGE_SRID = 4326


class TileOutOfRange(ValueError):
    """z/x/y does not name a tile of the WebMercatorQuad grid."""


@dataclass(frozen=True, slots=True)
class TileAddress:
    z: int
    x: int
    y: int

    @classmethod
    def parse(cls, z: int, x: int, y: int) -> TileAddress:
        if not 0 <= z <= MAX_ZOOM:
            raise TileOutOfRange(f"zoom {z} is outside 0..{MAX_ZOOM}")
        side = 1 << z
        if not (0 <= x < side and 0 <= y < side):
            raise TileOutOfRange(f"tile {x}/{y} does not exist at zoom {z}")
        return cls(z, x, y)


def quote_identifier(identifier: str) -> str:
    # Identifiers were checked against layers.IDENTIFIER ([a-z_][a-z0-9_]*), so quoting cannot be escaped.
    return f'"{identifier}"'


def layer_where(layer: Layer) -> str:
    extra = f" AND ({layer.where})" if layer.where else ""
    return f"t.{quote_identifier(layer.organisation_column)} = %(org)s{extra}"


@functools.cache
def tile_sql(layer: Layer, audience: Audience) -> str:
    attributes = "".join(
        f", {layer.columns[column]} AS {quote_identifier(column)}" for column in layer.columns_for(audience)
    )
    geom = f"t.{quote_identifier(layer.geometry)}"
    return (
        # Identifiers and expressions come from layers/*.toml (validated at import); values are parameters.
        "WITH b AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env, "  # noqa: S608
        f"ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => {ENVELOPE_MARGIN}), {STORAGE_SRID}) "
        "AS env_storage), "
        # Transform the 4 corners of the envelope, not every row's geometry: the GiST index on the column then
        # does the filtering (pg_tileserv README). The LIMIT keeps one dense tile from taking the server down.
        f"mvt AS (SELECT ST_AsMVTGeom(ST_Transform({geom}, 3857), b.env, {MVT_EXTENT}, {MVT_BUFFER}, true) "
        f"AS geom, t.{quote_identifier(layer.id_column)} AS id{attributes} "
        f"FROM {quote_identifier(layer.table)} t, b "
        f"WHERE {layer_where(layer)} AND {geom} && b.env_storage "
        "LIMIT %(max_features)s) "
        f"SELECT ST_AsMVT(mvt, %(layer)s, {MVT_EXTENT}, 'geom', 'id') FROM mvt"
    )


def tile_fetch(*, layer: Layer, audience: Audience, organisation_id: int, tile: TileAddress) -> bytes:
    params = {
        "z": tile.z, "x": tile.x, "y": tile.y, "org": organisation_id,
        "max_features": layer.max_features, "layer": layer.name,
    }
    with connection.cursor() as cursor:
        cursor.execute(tile_sql(layer, audience), params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


@functools.cache
def version_sql(layer: Layer) -> str:
    # The newest history row of any table the layer reads. Each max() walks the history_date index backwards
    # and stops at the first row of this organisation, so it is cheap while the organisation edits its data.
    latest = ", ".join(
        f"(SELECT max(history_date) FROM {quote_identifier(table)} WHERE organisation_id = %(org)s)"  # noqa: S608
        for table in layer.version_tables
    )
    return f"SELECT floor(extract(epoch FROM GREATEST({latest})) * 1000000)::bigint"  # noqa: S608


def layer_version(*, layer: Layer, organisation_id: int) -> str:
    """A short token that changes whenever the layer's data (or its layer file) changes."""
    with connection.cursor() as cursor:
        cursor.execute(version_sql(layer), {"org": organisation_id})
        (microseconds,) = cursor.fetchone()
    return f"{layer.definition_hash}{_base36(microseconds or 0)}"


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text
