"""The tax map sheet as PDF: resolve what was asked (a DOL sheet name, a block, a centre point), read every
feature of the sheet with one SQL statement, lay out the pages (``sheets``) and render them (WeasyPrint).

Used by the ``sheet.pdf`` view and by ``manage.py export_sheet``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.contrib.gis.geos import Polygon as GeosPolygon
from django.db import connection
from django.utils.translation import gettext as _

from apps.assets.models import Road
from apps.core.pdf import FONT_FAMILY, render_pdf
from apps.organisations.models import Organisation
from apps.registry.domain.map_sheet import MapSheetError, cadastral_sheet, parse_cadastral_sheet
from apps.registry.models import Parcel, TaxMapBlock, TaxMapZone

from . import crs, sheets
from .sheets import Box, Feature, GridKind, SheetError, SheetGrid

logger = logging.getLogger(__name__)

# Room left around a block so its neighbours' edges show (metres on the ground).
BLOCK_MARGIN_M = 20.0
# The query clips this far outside the pages (more than the simplification tolerance).
CLIP_MARGIN_M = 5.0


@dataclass(frozen=True, slots=True)
class SheetRequest:
    """What the user asked for: one of ``block_id``, ``block_code``, ``sheet_name``, ``centre_lonlat``."""

    scale: int
    paper: str = "A3"
    grid: GridKind = "utm"
    block_id: int | None = None
    block_code: str | None = None  # "01A", from the command line
    sheet_name: str | None = None  # "5642 III 0448"
    centre_lonlat: tuple[float, float] | None = None  # WGS 84


@dataclass(frozen=True, slots=True)
class ResolvedSheet:
    grid: SheetGrid
    extent: Box  # ground metres of ``grid``
    fit_to_extent: bool
    title: str
    slug: str  # for the file name


@dataclass(frozen=True, slots=True)
class SheetPdf:
    pdf: bytes
    filename: str
    pages: int
    parcels: int
    unlabelled: int


def org_utm_zone(org: Organisation) -> int:
    return org.utm_srid - 32600


def grid_for(org: Organisation, kind: GridKind) -> SheetGrid:
    # The Indian 1975 shift is the same named setting imports use (crs.py), so a sheet and an imported DOL
    # file agree to the millimetre.
    return sheets.sheet_grid(kind, utm_zone=org_utm_zone(org), towgs84=crs.towgs84_parameters())


def sheet_resolve(*, org: Organisation, request: SheetRequest) -> ResolvedSheet:
    """Raises SheetError (a bad name, a sheet outside the organisation) or TaxMapBlock.DoesNotExist."""
    if request.sheet_name:
        try:
            sheet = parse_cadastral_sheet(request.sheet_name)
        except MapSheetError as exc:
            raise SheetError("invalid_sheet", str(exc), sheet=request.sheet_name) from None
        extent, utm_zone = sheets.cadastral_sheet_extent(sheet)
        # A DOL sheet is a cell of the Indian 1975 grid whatever grid was asked for (module doc of sheets).
        grid = sheets.sheet_grid("indian1975", utm_zone=utm_zone, towgs84=crs.towgs84_parameters())
        resolved = ResolvedSheet(grid, extent, True, str(sheet), sheet.compact)
    elif request.block_id is not None or request.block_code:
        blocks = TaxMapBlock.objects.select_related("zone").filter(organisation=org)
        if request.block_id is not None:
            block = blocks.get(pk=request.block_id)
        else:
            code = (request.block_code or "").strip().upper()
            if len(code) != 3 or not code[:2].isdigit():
                raise TaxMapBlock.DoesNotExist
            block = blocks.get(zone__zone_no=int(code[:2]), block_letter=code[2])
        grid = grid_for(org, request.grid)
        x0, y0, x1, y1 = shapely.transform(
            shapely.from_wkb(bytes(block.geom.wkb)), _lonlat_array_to(grid), interleaved=True
        ).bounds
        margin = max(BLOCK_MARGIN_M, 0.03 * max(x1 - x0, y1 - y0))
        extent = Box(x0 - margin, y0 - margin, x1 + margin, y1 + margin)
        resolved = ResolvedSheet(grid, extent, False, _("Block %(code)s") % {"code": block.code}, block.code)
    elif request.centre_lonlat is not None:
        grid = grid_for(org, request.grid)
        x, y = sheets.lonlat_to_grid(grid, *request.centre_lonlat)
        # A point asks for one page: an extent of one metre is always a single tile.
        extent = Box.around(x, y, 1, 1)
        title = _("Centre E %(e)s N %(n)s") % {
            "e": sheets.format_grid_value(x),
            "n": sheets.format_grid_value(y),
        }
        resolved = ResolvedSheet(grid, extent, False, title, f"{round(x)}-{round(y)}")
    else:
        raise SheetError("nothing", "Choose a block, a sheet name or a centre point.")
    lon0, lat0, lon1, lat1 = sheets.box_to_lonlat(resolved.grid, resolved.extent)
    if not org.boundary.intersects(GeosPolygon.from_bbox((lon0, lat0, lon1, lat1))):
        raise SheetError("outside", "That area lies outside the organisation.", title=resolved.title)
    return resolved


def _lonlat_array_to(grid: SheetGrid):
    transformer = sheets._from_lonlat(grid.proj)

    def transform(coords):
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return transform


# One statement for the whole sheet (every page of it): the frame is transformed to the storage SRID (4326)
# and densified, so the GiST indexes on geom do the filtering; only the matching rows are transformed to the
# sheet grid, simplified (1:4000) and clipped to the frame with ST_Intersection. Identifiers come from the
# models, values are parameters.
_FEATURES_SQL = """
WITH frame AS (
  SELECT ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s) AS m
), frame_ll AS (
  SELECT ST_Transform(ST_Segmentize(m, 100), %(proj)s, 4326) AS ll FROM frame
), src AS (
  SELECT 1 AS layer, 'road' AS kind, r.name AS label, r.geom, r.width_m::float8 AS width_m
    FROM {road} r, frame_ll f WHERE r.organisation_id = %(org)s AND r.geom && f.ll
  UNION ALL
  SELECT 2, 'parcel', p.parcel_code, p.geom, 0
    FROM {parcel} p, frame_ll f
   WHERE p.organisation_id = %(org)s AND p.status = %(active)s AND p.geom && f.ll
  UNION ALL
  SELECT 3, 'block', lpad(z.zone_no::text, 2, '0') || b.block_letter, b.geom, 0
    FROM {block} b JOIN {zone} z ON z.id = b.zone_id, frame_ll f
   WHERE b.organisation_id = %(org)s AND b.geom && f.ll
  UNION ALL
  SELECT 4, 'zone', lpad(z.zone_no::text, 2, '0'), z.geom, 0
    FROM {zone} z, frame_ll f WHERE z.organisation_id = %(org)s AND z.geom && f.ll
), clipped AS (
  SELECT s.layer, s.kind, s.label, s.width_m,
         ST_Intersection(
           ST_SimplifyPreserveTopology(ST_Transform(s.geom, %(proj)s), %(tolerance)s), frame.m
         ) AS g
    FROM src s, frame
)
SELECT kind, label, width_m, ST_AsBinary(g) FROM clipped WHERE NOT ST_IsEmpty(g) ORDER BY layer, label
"""


def sheet_features(*, org: Organisation, grid: SheetGrid, ground: Box, tolerance_m: float) -> list[Feature]:
    """Every road, active parcel, block and zone of ``org`` inside ``ground``, clipped, in grid metres."""
    sql = _FEATURES_SQL.format(
        road=connection.ops.quote_name(Road._meta.db_table),
        parcel=connection.ops.quote_name(Parcel._meta.db_table),
        block=connection.ops.quote_name(TaxMapBlock._meta.db_table),
        zone=connection.ops.quote_name(TaxMapZone._meta.db_table),
    )
    params = {
        "x0": ground.x0,
        "y0": ground.y0,
        "x1": ground.x1,
        "y1": ground.y1,
        "proj": grid.proj,
        "org": org.pk,
        "active": Parcel.Status.ACTIVE,
        "tolerance": tolerance_m,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    geoms = shapely.from_wkb([bytes(row[3]) for row in rows]) if rows else []
    return [
        Feature(kind, label or "", geom, float(width_m or 0))
        for (kind, label, width_m, _wkb), geom in zip(rows, geoms, strict=True)
    ]


def _dol_sheet_at(grid: SheetGrid, x: float, y: float) -> str:
    """The DOL 1:4,000 sheet holding a point of the drawing, for cross-reference in the title block."""
    try:
        if grid.kind == "indian1975":
            return str(cadastral_sheet(x, y, utm_zone=grid.utm_zone))
        indian = sheets.sheet_grid("indian1975", utm_zone=grid.utm_zone, towgs84=crs.towgs84_parameters())
        return str(cadastral_sheet(*sheets.lonlat_to_grid(indian, *sheets.grid_to_lonlat(grid, x, y))))
    except MapSheetError:
        return ""


def _convergence_text(convergence: float) -> str:
    degrees = f"{abs(convergence):.2f}"
    if convergence < 0:
        return _("True north is %(degrees)s° west of grid north.") % {"degrees": degrees}
    return _("True north is %(degrees)s° east of grid north.") % {"degrees": degrees}


def sheet_pdf(
    *, org: Organisation, request: SheetRequest, printed_on: dt.date, printed_by: str = ""
) -> SheetPdf:
    """The PDF of a tax map sheet. Raises SheetError or TaxMapBlock.DoesNotExist (see ``sheet_resolve``)."""
    started = time.monotonic()
    resolved = sheet_resolve(org=org, request=request)
    layout = sheets.page_layout(request.paper, request.scale)
    tiles = sheets.plan_pages(resolved.extent, layout, fit_to_extent=resolved.fit_to_extent)
    covered = Box(
        min(t.ground.x0 for t in tiles),
        min(t.ground.y0 for t in tiles),
        max(t.ground.x1 for t in tiles),
        max(t.ground.y1 for t in tiles),
    )
    # The query clips a little outside the pages, so its cut never lands on a neatline (sheets.page_svg).
    features = sheet_features(
        org=org,
        grid=resolved.grid,
        ground=Box(
            covered.x0 - CLIP_MARGIN_M,
            covered.y0 - CLIP_MARGIN_M,
            covered.x1 + CLIP_MARGIN_M,
            covered.y1 + CLIP_MARGIN_M,
        ),
        tolerance_m=sheets.SIMPLIFY_M[request.scale],
    )
    drawings = [sheets.page_svg(features, tile, layout, font_family=FONT_FAMILY) for tile in tiles]
    # A parcel cut by a page edge may be too small on one page and labelled on the next: only those with
    # no code on any page are reported.
    labelled_somewhere = {code for d in drawings for code in d.codes if code not in d.unlabelled}
    pages = []
    for tile, drawing in zip(tiles, drawings, strict=True):
        centre_x, centre_y = tile.ground.centre
        convergence = sheets.convergence_deg(resolved.grid, centre_x, centre_y)
        pages.append(
            {
                "tile": tile,
                "svg": drawing.svg,
                "parcel_count": drawing.parcels,
                "unlabelled": sorted({c for c in drawing.unlabelled if c not in labelled_somewhere}),
                "index_svg": sheets.index_svg(tile) if tile.count > 1 else "",
                "convergence_text": _convergence_text(convergence),
                "north_arrow_svg": sheets.north_arrow_svg(convergence),
                "dol_sheet": _dol_sheet_at(resolved.grid, centre_x, centre_y),
                "ground_sw": (
                    sheets.format_grid_value(tile.ground.x0),
                    sheets.format_grid_value(tile.ground.y0),
                ),
                "ground_ne": (
                    sheets.format_grid_value(tile.ground.x1),
                    sheets.format_grid_value(tile.ground.y1),
                ),
            }
        )
    parcel_codes = {f.label for f in features if f.kind == "parcel"}
    unlabelled = {code for page in pages for code in page["unlabelled"]}
    context = {
        "org": org,
        "layout": layout,
        "title": resolved.title,
        "is_dol_sheet": resolved.fit_to_extent,
        "grid": resolved.grid,
        "grid_spacing_m": sheets.GRID_SPACING_M[request.scale],
        "scale_text": f"1:{request.scale:,}",
        "scale_bar_svg": sheets.scale_bar_svg(request.scale),
        "swatches": {
            kind: sheets.legend_swatch_svg(kind) for kind in ("parcel", "block", "zone", "road", "grid")
        },
        "pages": pages,
        "printed_on": printed_on,
        "printed_by": printed_by,
    }
    pdf = render_pdf("imports/sheet_pdf.html", context)
    logger.info(
        "tax map sheet rendered",
        extra={
            "organisation_id": org.pk,
            "scale": request.scale,
            "paper": request.paper,
            "pages": len(tiles),
            "features": len(features),
            "seconds": round(time.monotonic() - started, 1),
        },
    )
    filename = f"{org.slug}-sheet-{resolved.slug}-1-{request.scale}-{request.paper.lower()}.pdf".replace(
        " ", ""
    )
    return SheetPdf(pdf, filename, len(tiles), len(parcel_codes), len(unlabelled))
