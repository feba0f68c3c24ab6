"""Map layers as declared in ``layers/*.toml``, loaded and checked once at import (django-leaflet's habit).

A layer file names its table, geometry column, the SQL expression of each attribute, and which attributes each
audience may see. Nothing here is ever taken from a URL: the tile and OGC views look a layer up by name in
``LAYERS`` and build SQL only from what this module validated. A bad file raises ``ImproperlyConfigured``, so
the server refuses to start instead of serving a half-broken map.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apps.organisations.models import Role

LAYERS_DIR = Path(settings.BASE_DIR) / "layers"

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
STYLE_KINDS = {"fill", "line", "circle"}
# Web Mercator tiles deeper than 24 are finer than a centimetre: nobody needs them, and z must stay bounded.
MAX_ZOOM = 24
MAX_FEATURES_CAP = 100_000
# Words that have no business in an attribute expression of a read-only layer file.
FORBIDDEN_SQL = re.compile(r";|--|/\*|\b(insert|update|delete|drop|alter|create|grant|truncate|copy)\b", re.I)


class Audience(StrEnum):
    """Who looks at a layer; each audience sees a superset of the one before it."""

    PUBLIC = "public"
    MEMBER = "member"
    TAX_OFFICER = "tax_officer"


# Personal data (PDPA): owner names go to the roles that assess tax; a resident's own details come from the
# API, never from tiles, so a resident sees what the public sees.
ROLE_AUDIENCE = {
    Role.ADMIN: Audience.TAX_OFFICER,
    Role.TAX_OFFICER: Audience.TAX_OFFICER,
    Role.SURVEYOR: Audience.MEMBER,
    Role.RESIDENT: Audience.PUBLIC,
}


def audience_for(membership) -> Audience:
    if not membership:
        return Audience.PUBLIC
    return ROLE_AUDIENCE.get(membership.role, Audience.PUBLIC)


# eq=False: layers are singletons, hashed by identity so the SQL built for each can be cached.
@dataclass(frozen=True, slots=True, eq=False)
class Layer:
    name: str
    title: str
    title_th: str
    table: str
    geometry: str
    geometry_type: str
    min_zoom: int
    max_zoom: int
    max_features: int
    publish_ogc: bool
    columns: dict[str, str]
    audiences: dict[Audience, tuple[str, ...]]
    version_tables: tuple[str, ...]
    style: dict[str, Any]
    where: str = ""
    id_column: str = "id"
    organisation_column: str = "organisation_id"
    # Changes whenever the file changes, so a new column or a new rule gives every tile a new URL.
    definition_hash: str = field(default="")

    def columns_for(self, audience: Audience) -> tuple[str, ...]:
        return self.audiences[audience]


def _fail(path: Path, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Map layer file {path.name}: {message}")


def _identifier(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str) or not IDENTIFIER.match(value):
        raise _fail(path, f"{key} must be a lower-case SQL identifier, got {value!r}")
    return value


def _int(path: Path, data: dict, key: str, low: int, high: int) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _fail(path, f"{key} must be a whole number from {low} to {high}, got {value!r}")
    return value


def _sql_expression(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"{key} must be a non-empty SQL expression")
    if FORBIDDEN_SQL.search(value):
        raise _fail(path, f"{key} contains a statement separator, a comment or a writing keyword")
    return " ".join(value.split())


def _style(path: Path, style: Any) -> dict[str, Any]:
    if not isinstance(style, dict):
        raise _fail(path, "[style] is missing")
    if style.get("kind") not in STYLE_KINDS:
        raise _fail(path, f"style.kind must be one of {sorted(STYLE_KINDS)}")
    for key in ("color", "fill_color"):
        if key in style and not HEX_COLOUR.match(str(style[key])):
            raise _fail(path, f"style.{key} must be a colour like #1a2b3c")
    for value, colour in style.get("categories", {}).items():
        if not HEX_COLOUR.match(str(colour)):
            raise _fail(path, f"style.categories.{value} must be a colour like #1a2b3c")
    return style


def layer_load(path: Path) -> Layer:
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(path, f"not valid TOML: {exc}") from exc

    name = _identifier(path, "file name", path.stem)
    known = {
        "title", "title_th", "table", "geometry", "geometry_type", "where", "min_zoom", "max_zoom",
        "max_features", "publish_ogc", "version_tables", "columns", "audiences", "style", "id_column",
        "organisation_column",
    }
    unknown = set(data) - known
    if unknown:
        raise _fail(path, f"unknown keys {sorted(unknown)}")
    for key in ("title", "title_th"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise _fail(path, f"{key} is required")
    if data.get("geometry_type") not in GEOMETRY_TYPES:
        raise _fail(path, f"geometry_type must be one of {sorted(GEOMETRY_TYPES)}")
    min_zoom = _int(path, data, "min_zoom", 0, MAX_ZOOM)
    max_zoom = _int(path, data, "max_zoom", min_zoom, MAX_ZOOM)

    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise _fail(path, "[columns] must list at least one attribute")
    columns = {
        _identifier(path, "column name", column): _sql_expression(path, f"columns.{column}", expression)
        for column, expression in columns.items()
    }
    reserved = {"geom", "id"} & set(columns)
    if reserved:
        raise _fail(path, f"column names {sorted(reserved)} are reserved for the geometry and the feature id")

    audiences_raw = data.get("audiences")
    if not isinstance(audiences_raw, dict) or set(audiences_raw) != {a.value for a in Audience}:
        raise _fail(path, f"[audiences] must define exactly {[a.value for a in Audience]}")
    audiences: dict[Audience, tuple[str, ...]] = {}
    previous: set[str] = set()
    for audience in Audience:
        names = audiences_raw[audience.value]
        if not isinstance(names, list) or len(set(names)) != len(names):
            raise _fail(path, f"audiences.{audience} must be a list of distinct column names")
        missing = set(names) - set(columns)
        if missing:
            raise _fail(path, f"audiences.{audience} names undefined columns {sorted(missing)}")
        if not previous <= set(names):
            raise _fail(path, f"audiences.{audience} must include every column of the audience before it")
        audiences[audience] = tuple(names)
        previous = set(names)

    version_tables = data.get("version_tables")
    if not isinstance(version_tables, list) or not version_tables:
        raise _fail(path, "version_tables must list the history tables that change this layer")

    where = data.get("where", "")
    return Layer(
        name=name,
        title=data["title"],
        title_th=data["title_th"],
        table=_identifier(path, "table", data.get("table")),
        geometry=_identifier(path, "geometry", data.get("geometry")),
        geometry_type=data["geometry_type"],
        min_zoom=min_zoom,
        max_zoom=max_zoom,
        max_features=_int(path, data, "max_features", 1, MAX_FEATURES_CAP),
        publish_ogc=bool(data.get("publish_ogc", False)),
        columns=columns,
        audiences=audiences,
        version_tables=tuple(_identifier(path, "version table", t) for t in version_tables),
        style=_style(path, data.get("style")),
        where=_sql_expression(path, "where", where) if where else "",
        id_column=_identifier(path, "id_column", data.get("id_column", "id")),
        organisation_column=_identifier(path, "organisation_column", data.get("organisation_column",
                                                                              "organisation_id")),
        definition_hash=hashlib.sha256(raw).hexdigest()[:6],
    )


def layers_load(directory: Path = LAYERS_DIR) -> dict[str, Layer]:
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise ImproperlyConfigured(f"No map layer files in {directory}")
    return {layer.name: layer for layer in map(layer_load, paths)}


LAYERS: dict[str, Layer] = layers_load()
