"""Layers out to surveyors' formats through GDAL (pyogrio): Shapefile (zipped, with .cpg), GeoPackage,
GeoJSON,
KML, DXF and CSV, in the coordinate system the user picks.

Rows are read with one query (geometry as WKB, already transformed by PostGIS); Indian 1975 targets are
transformed in Python with the same pinned pipeline as imports (crs.py), never PostGIS's default.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from django.contrib.gis.db.models.functions import AsWKB, Transform
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from apps.assets.models import Road, Signboard, Streetlight
from apps.organisations.models import Organisation
from apps.registry.models import Building, Parcel, Village

from . import crs as crs_mod


@dataclass(frozen=True)
class LayerSpec:
    label: object
    model: type
    geometry_type: str
    # (output column, ≤10 characters for the DBF; queryset path)
    columns: tuple[tuple[str, str], ...]
    name_column: str  # shown as the KML placemark name


LAYERS: dict[str, LayerSpec] = {
    "parcels": LayerSpec(
        _("Parcels"),
        Parcel,
        "MultiPolygon",
        (
            ("PCODE", "parcel_code"),
            ("STATUS", "status"),
            ("DOC_TYPE", "land_document_type"),
            ("DOC_NO", "document_no"),
            ("LAND_NO", "land_no"),
            ("SURV_PAGE", "survey_page"),
            ("DEED_WA", "deed_area_sq_wa"),
            ("AREA_M2", "area_m2"),
            ("HOUSE_NO", "house_no"),
            ("ROAD", "road"),
            ("MOO", "village__moo_no"),
            ("VILLAGE", "village__name_th"),
        ),
        "PCODE",
    ),
    "villages": LayerSpec(
        _("Villages"),
        Village,
        "MultiPolygon",
        (("MOO", "moo_no"), ("NAME", "name_th"), ("NAME_EN", "name_en")),
        "NAME",
    ),
    "buildings": LayerSpec(
        _("Buildings"),
        Building,
        "MultiPolygon",
        (
            ("PCODE", "parcel__parcel_code"),
            ("BLDG_NO", "building_no"),
            ("HOUSE_NO", "house_no"),
            ("TYPE", "building_type"),
            ("STOREYS", "storeys"),
            ("FLOOR_M2", "floor_area_m2"),
        ),
        "HOUSE_NO",
    ),
    "roads": LayerSpec(
        _("Roads"),
        Road,
        "MultiLineString",
        (("NAME", "name"), ("CODE", "code"), ("SURFACE", "surface"), ("WIDTH_M", "width_m")),
        "NAME",
    ),
    "streetlights": LayerSpec(
        _("Streetlights"),
        Streetlight,
        "Point",
        (("POLE_NO", "pole_no"), ("LAMP", "lamp_type"), ("WATTS", "watts"), ("STATUS", "status")),
        "POLE_NO",
    ),
    "signboards": LayerSpec(_("Signboards"), Signboard, "Point", (), ""),
}

FORMATS: dict[str, tuple[str, str, object]] = {
    # key: (GDAL driver, file suffix, label)
    "shp": ("ESRI Shapefile", ".zip", _("Shapefile (zipped, with .cpg)")),
    "gpkg": ("GPKG", ".gpkg", _("GeoPackage")),
    "geojson": ("GeoJSON", ".geojson", _("GeoJSON")),
    "kml": ("KML", ".kml", _("KML (Google Earth)")),
    "dxf": ("DXF", ".dxf", _("DXF (CAD)")),
    "csv": ("CSV", ".csv", _("CSV with WKT geometry")),
}
SHAPEFILE_ENCODINGS = ("cp874", "utf-8")


class ExportError(ValueError):
    pass


def export_queryset(
    *, org: Organisation, layer: str, village_no: int | None = None, land_use: int | None = None
) -> QuerySet:
    spec = LAYERS[layer]
    qs = spec.model.objects.filter(organisation=org, geom__isnull=False)
    if village_no is not None:
        if layer == "parcels":
            qs = qs.filter(village__moo_no=village_no)
        elif layer == "villages":
            qs = qs.filter(moo_no=village_no)
        elif layer == "buildings":
            qs = qs.filter(parcel__village__moo_no=village_no)
    if land_use is not None:
        if layer == "parcels":
            qs = qs.filter(land_uses__use_code=land_use).distinct()
        elif layer == "buildings":
            qs = qs.filter(parcel__land_uses__use_code=land_use).distinct()
    return qs.order_by("pk")


def _column(values: list) -> np.ndarray:
    out = []
    for v in values:
        if isinstance(v, Decimal):
            v = float(v)
        out.append(v)
    clean = [v for v in out if v is not None]
    if clean and all(isinstance(v, int | float) and not isinstance(v, bool) for v in clean):
        return np.array(
            [np.nan if v is None else v for v in out],
            dtype=float if any(isinstance(v, float) for v in clean) or None in out else np.int64,
        )
    return np.array(["" if v is None else str(v) for v in out], dtype=object)


def export_layer(
    *,
    org: Organisation,
    layer: str,
    fmt: str,
    out: Path,
    srid: int = 4326,
    encoding: str = "cp874",
    village_no: int | None = None,
    land_use: int | None = None,
) -> Path:
    """Write the layer to ``out`` (a .zip for shapefiles) and return the path written."""
    if layer not in LAYERS:
        raise ExportError(f"unknown layer {layer!r}; choose from {', '.join(LAYERS)}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if srid not in crs_mod.ACCEPTED_SRIDS:
        raise ExportError(f"EPSG:{srid} is not offered; choose from {sorted(crs_mod.ACCEPTED_SRIDS)}")
    driver, _suffix, _label = FORMATS[fmt]
    if fmt == "kml" and srid != 4326:
        raise ExportError("KML is always WGS 84 longitude/latitude (EPSG:4326)")
    spec = LAYERS[layer]
    # Indian 1975 targets: PostGIS gives WGS 84, our pipeline does the datum shift (crs.py says why).
    db_srid = 4326 if srid in crs_mod.INDIAN_1975_UTM_ZONES else srid
    qs = export_queryset(org=org, layer=layer, village_no=village_no, land_use=land_use)
    paths = [path for _name, path in spec.columns]
    rows = list(qs.annotate(_wkb=AsWKB(Transform("geom", db_srid))).values_list("_wkb", *paths))
    geoms = shapely.from_wkb([bytes(r[0]) for r in rows]) if rows else np.array([], dtype=object)
    if srid in crs_mod.INDIAN_1975_UTM_ZONES and len(geoms):
        transformer = crs_mod.to_storage(srid).transformer
        geoms = shapely.transform(
            geoms,
            lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1], direction="INVERSE")),
        )
    names = [name for name, _path in spec.columns]
    data = [_column([r[i + 1] for r in rows]) for i in range(len(names))]
    options: dict = {}
    if fmt == "kml" and spec.name_column:
        names = ["Name" if n == spec.name_column else n for n in names]
    if fmt == "csv":
        options["layer_options"] = {"GEOMETRY": "AS_WKT"}
    if fmt == "dxf":
        # The DXF driver keeps only its own columns (Layer, Text…); the layer name goes into Layer.
        names, data = ["Layer"], [np.array([layer.upper()] * len(rows), dtype=object)]
    if fmt in ("shp", "csv"):
        options["encoding"] = encoding if fmt == "shp" else "utf-8"
    out = Path(out)
    target = out.with_suffix(".shp") if fmt == "shp" else out
    if fmt == "shp":
        target = out.parent / f"{out.stem}-shp" / f"{layer}.shp"
        target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    wkb = shapely.to_wkb(geoms) if len(geoms) else np.array([], dtype=object)
    pyogrio.raw.write(
        str(target),
        wkb,
        data,
        names,
        driver=driver,
        layer=layer,
        crs=_crs_text(srid),
        geometry_type=spec.geometry_type,
        **options,
    )
    if fmt == "shp":
        out = out.with_suffix(".zip")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(target.parent.iterdir()):
                zf.write(part, part.name)
        return out
    return target


def _crs_text(srid: int) -> str:
    return f"EPSG:{srid}"
