"""Tax map sheets: page layout, exact scale, grid, parcel labels and the SVG of one printed page.

Pure: no database and no Django. Geometry comes in as metres of the sheet's grid (a UTM projection, see
``SheetGrid``) and goes out as millimetres on the page, where one SVG user unit is one millimetre. The scale
is exact by construction: ``MM_PER_M = 1000 / scale``, so a 40 m parcel edge is 40 mm long at 1:1000 and
10 mm at 1:4000 (tests measure it).

Grid choice (decided here, see tax-map-and-registry.md §3.2 and §6):
- A DOL cadastral sheet name (``5642 III 0448``) is a 2 km cell of the **Indian 1975** UTM grid, so a sheet
  asked for by name is drawn in Indian 1975 / UTM (EPSG:24047/24048) with the pinned 1304-style datum shift
  (``towgs84``), never PROJ's default (~190 m off, §6.3). Its frame is then exactly the DOL frame
  (50 cm x 50 cm at 1:4000) and its grid lines are the DOL grid.
- Everything else (a block, a centre point) is drawn in the organisation's WGS 84 / UTM zone, the system
  areas are measured in and GPS speaks. The user may ask for the Indian 1975 grid instead.
Either way the drawing is in the grid's own metres, grid north up; the title block gives the angle to true
north (meridian convergence).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import Literal

import numpy as np
import shapely
from pyproj import Transformer
from shapely import affinity
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from apps.registry.domain.map_sheet import (
    CELL_SIZE_M,
    INDIAN_1975_UTM_SRID,
    CadastralSheet,
    MapSheetError,
    cadastral_sheet,
)

Scale = Literal[1000, 4000]
Paper = Literal["A3", "A1"]
GridKind = Literal["utm", "indian1975"]
FeatureKind = Literal["zone", "block", "parcel", "road"]

SCALES: tuple[int, ...] = (1000, 4000)
# ISO 216, landscape (width, height).
PAPER_SIZES_MM: dict[str, tuple[float, float]] = {"A3": (420.0, 297.0), "A1": (841.0, 594.0)}
PAGE_MARGIN_MM = 8.0
# Room between the page margin and the neatline for the grid coordinates.
GRID_LABEL_BAND_MM = 6.0
TITLE_BLOCK_WIDTH_MM = {"A3": 92.0, "A1": 130.0}
TITLE_BLOCK_GAP_MM = 6.0
# A block or a sheet that needs more pages than this is refused: a clerk asked for the wrong scale.
MAX_PAGES = 16

# Grid lines 100 mm apart at 1:1000 and 125 mm at 1:4000; the 2 km DOL cell holds 4 x 4 grid squares.
GRID_SPACING_M = {1000: 100, 4000: 500}
# (whole bar, one segment) in metres: 50 mm of paper either way.
SCALE_BAR_M = {1000: (50, 10), 4000: (200, 50)}
# Simplification tolerance, well under the thinnest line on paper (0.05 mm at 1:1000, 0.125 mm at 1:4000).
SIMPLIFY_M = {1000: 0.05, 4000: 0.5}
# Parcel-code text heights tried in turn (mm); 1.6 mm is about 4.5 pt, the smallest that stays readable.
LABEL_FONT_MM = {1000: (2.5, 2.0), 4000: (2.0, 1.6)}
BLOCK_LABEL_FONT_MM = {1000: 14.0, 4000: 9.0}
GRID_LABEL_FONT_MM = 2.2
# Sarabun's digits and capitals advance about 0.56-0.6 em; estimate high so a label never spills out.
_CHAR_WIDTH_EM = 0.62
_CAP_HEIGHT_EM = 0.74
_LABEL_PADDING_MM = 0.6
MIN_ROAD_WIDTH_MM = 0.5


class SheetError(ValueError):
    """``code`` is stable (forms, the command); ``params`` fill the caller's translated message."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle: metres on the ground (y north) or millimetres on the page (y down)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2

    @classmethod
    def around(cls, x: float, y: float, width: float, height: float) -> Box:
        return cls(x - width / 2, y - height / 2, x + width / 2, y + height / 2)


@dataclass(frozen=True, slots=True)
class SheetGrid:
    """The projected system a sheet is drawn in. ``proj`` is given as-is to PostGIS and pyproj."""

    kind: GridKind
    utm_zone: int
    proj: str
    label: str


def sheet_grid(kind: GridKind, *, utm_zone: int, towgs84: Sequence[float] = (210, 814, 289)) -> SheetGrid:
    """WGS 84 / UTM or Indian 1975 / UTM with an explicit datum shift (``towgs84``, 3 or 7 values)."""
    if utm_zone not in INDIAN_1975_UTM_SRID:
        raise SheetError("unsupported_zone", f"UTM zone must be 47 or 48, not {utm_zone}.")
    if kind == "utm":
        srid = 32600 + utm_zone
        return SheetGrid("utm", utm_zone, f"EPSG:{srid}", f"WGS 84 / UTM zone {utm_zone}N (EPSG:{srid})")
    shift = ",".join(f"{value:g}" for value in (*towgs84, 0, 0, 0, 0)[:7])
    proj = (
        f"+proj=utm +zone={utm_zone} +a=6377276.345 +rf=300.8017 +towgs84={shift} +units=m +no_defs +type=crs"
    )
    srid = INDIAN_1975_UTM_SRID[utm_zone]
    return SheetGrid("indian1975", utm_zone, proj, f"Indian 1975 / UTM zone {utm_zone}N (EPSG:{srid})")


@lru_cache(maxsize=8)
def _to_lonlat(proj: str) -> Transformer:
    return Transformer.from_crs(proj, "EPSG:4326", always_xy=True)


@lru_cache(maxsize=8)
def _from_lonlat(proj: str) -> Transformer:
    return Transformer.from_crs("EPSG:4326", proj, always_xy=True)


def grid_to_lonlat(grid: SheetGrid, x: float, y: float) -> tuple[float, float]:
    lon, lat = _to_lonlat(grid.proj).transform(x, y, errcheck=True)
    return float(lon), float(lat)


def lonlat_to_grid(grid: SheetGrid, lon: float, lat: float) -> tuple[float, float]:
    x, y = _from_lonlat(grid.proj).transform(lon, lat, errcheck=True)
    return float(x), float(y)


def box_to_lonlat(grid: SheetGrid, box: Box) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a ground box, its edges followed (densified)."""
    lons, lats = [], []
    for t in np.linspace(0, 1, 21):
        for x, y in (
            (box.x0 + t * box.width, box.y0),
            (box.x0 + t * box.width, box.y1),
            (box.x0, box.y0 + t * box.height),
            (box.x1, box.y0 + t * box.height),
        ):
            lon, lat = grid_to_lonlat(grid, x, y)
            lons.append(lon)
            lats.append(lat)
    return min(lons), min(lats), max(lons), max(lats)


def convergence_deg(grid: SheetGrid, x: float, y: float) -> float:
    """Angle from grid north to true north at a point, degrees, positive when true north lies east of it."""
    lon, lat = grid_to_lonlat(grid, x, y)
    x2, y2 = lonlat_to_grid(grid, lon, lat + 0.01)
    return math.degrees(math.atan2(x2 - x, y2 - y))


# --- DOL sheet names → ground extent --------------------------------------------------------------------


def cadastral_sheet_extent(sheet: CadastralSheet) -> tuple[Box, int]:
    """The 2 km Indian 1975 UTM cell of a 1:4000 DOL sheet name, and its UTM zone.

    The name keeps only the kilometres modulo 100 (§3.2); the 1:50,000 sheet (15' x 15', about 27 km) says
    which 100 km square is meant. Checked back with ``cadastral_sheet`` so a name that no cell carries (wrong
    quarter, digits of another 1:50,000 sheet) is refused instead of printing an empty page.
    """
    if sheet.subsheet is not None:
        raise SheetError(
            "subsheet",
            f"Sub-sheet numbering ({sheet}) is not known yet; give the 1:4,000 sheet name.",
            sheet=str(sheet),
        )
    number = sheet.topo.number
    col, row = int(number[:2]), int(number[2:])
    east = sheet.topo.quadrant in ("I", "II")
    north = sheet.topo.quadrant in ("I", "IV")
    lon = (col + 150) / 2 + (0.25 if east else 0) + 0.125
    lat = (row - 9) / 2 + (0.25 if north else 0) + 0.125
    utm_zone = 48 if lon >= 102 else 47
    # No datum question here: Indian 1975 geographic → Indian 1975 UTM (the sheet series is on that datum).
    centre_x, centre_y = _indian_geographic_to_utm(utm_zone).transform(lon, lat)

    def nearest(km_mod_100: int, around_m: float) -> float:
        base = math.floor(around_m / 100_000) * 100_000 + km_mod_100 * 1000
        return min((base - 100_000, base, base + 100_000), key=lambda v: abs(v + CELL_SIZE_M / 2 - around_m))

    x0, y0 = nearest(sheet.grid_e, centre_x), nearest(sheet.grid_n, centre_y)
    try:
        found = cadastral_sheet(x0 + 1, y0 + 1, utm_zone=utm_zone)
    except MapSheetError:
        found = None
    if found is None or str(found) != str(sheet):
        raise SheetError("no_such_sheet", f"No 1:4,000 sheet is named {sheet}.", sheet=str(sheet))
    return Box(x0, y0, x0 + CELL_SIZE_M, y0 + CELL_SIZE_M), utm_zone


@lru_cache(maxsize=2)
def _indian_geographic_to_utm(utm_zone: int) -> Transformer:
    return Transformer.from_crs("EPSG:4240", f"EPSG:{INDIAN_1975_UTM_SRID[utm_zone]}", always_xy=True)


# --- page layout ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageLayout:
    paper: str
    scale: int
    page_w_mm: float
    page_h_mm: float
    map_area: Box  # the largest neatline that fits, page mm
    title_area: Box

    @property
    def mm_per_m(self) -> float:
        return 1000 / self.scale

    @property
    def map_ground_w_m(self) -> float:
        return self.map_area.width / self.mm_per_m

    @property
    def map_ground_h_m(self) -> float:
        return self.map_area.height / self.mm_per_m


def page_layout(paper: str, scale: int) -> PageLayout:
    if paper not in PAPER_SIZES_MM:
        raise SheetError("paper", f"Paper must be one of {', '.join(PAPER_SIZES_MM)}, not {paper}.")
    if scale not in SCALES:
        raise SheetError("scale", f"Scale must be 1:1000 or 1:4000, not 1:{scale}.")
    w, h = PAPER_SIZES_MM[paper]
    title_w = TITLE_BLOCK_WIDTH_MM[paper]
    inset = PAGE_MARGIN_MM + GRID_LABEL_BAND_MM
    title_x0 = w - PAGE_MARGIN_MM - title_w
    map_area = Box(inset, inset, title_x0 - TITLE_BLOCK_GAP_MM - GRID_LABEL_BAND_MM, h - inset)
    title_area = Box(title_x0, PAGE_MARGIN_MM, w - PAGE_MARGIN_MM, h - PAGE_MARGIN_MM)
    return PageLayout(paper, scale, w, h, map_area, title_area)


@dataclass(frozen=True, slots=True)
class Tile:
    """One page of a sheet: which part of the ground it shows and where its neatline sits on the page."""

    row: int  # 0 = northernmost
    col: int  # 0 = westernmost
    rows: int
    cols: int
    ground: Box  # metres
    frame: Box  # page mm

    @property
    def number(self) -> int:
        return self.row * self.cols + self.col + 1

    @property
    def count(self) -> int:
        return self.rows * self.cols


def plan_pages(extent: Box, layout: PageLayout, *, fit_to_extent: bool) -> list[Tile]:
    """Cut ``extent`` into pages at the layout's scale.

    ``fit_to_extent``: the neatline is the extent itself (a DOL sheet: exactly its 50 cm frame, or equal
    quarters of it on A3). Otherwise every page shows a full map area centred on the extent (a block or a
    point gets its surroundings too). Page origins are whole metres so grid lines fall on round numbers.
    """
    avail_w, avail_h = layout.map_ground_w_m, layout.map_ground_h_m
    # 1 mm of slack: a 2 km sheet on A1 at 1:4000 must not become two pages through rounding.
    cols = max(1, math.ceil((extent.width - 1e-3) / avail_w))
    rows = max(1, math.ceil((extent.height - 1e-3) / avail_h))
    if rows * cols > MAX_PAGES:
        raise SheetError(
            "too_many_pages",
            f"This needs {rows * cols} pages (more than {MAX_PAGES}).",
            pages=rows * cols,
            limit=MAX_PAGES,
        )
    if fit_to_extent:
        tile_w, tile_h = extent.width / cols, extent.height / rows
        origin_x, top_y = extent.x0, extent.y1
    else:
        tile_w, tile_h = math.floor(avail_w), math.floor(avail_h)
        cx, cy = extent.centre
        origin_x = round(cx - cols * tile_w / 2)
        top_y = round(cy + rows * tile_h / 2)
    k = layout.mm_per_m
    frame = Box.around(*layout.map_area.centre, tile_w * k, tile_h * k)
    tiles = []
    for row in range(rows):
        for col in range(cols):
            x0 = origin_x + col * tile_w
            y1 = top_y - row * tile_h
            tiles.append(Tile(row, col, rows, cols, Box(x0, y1 - tile_h, x0 + tile_w, y1), frame))
    return tiles


def to_page(tile: Tile, mm_per_m: float):
    """The affine map ground metres → page millimetres of one tile (north up, y down on the page)."""
    g, f = tile.ground, tile.frame

    def transform(coords: np.ndarray) -> np.ndarray:
        out = np.empty_like(coords)
        out[:, 0] = f.x0 + (coords[:, 0] - g.x0) * mm_per_m
        out[:, 1] = f.y0 + (g.y1 - coords[:, 1]) * mm_per_m
        return out

    return transform


# --- features and labels --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Feature:
    kind: FeatureKind
    label: str
    geom: BaseGeometry  # ground metres of the sheet grid
    width_m: float = 0.0  # roads: carriageway width


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    x: float  # page mm, centre of the text
    y: float
    font_mm: float
    angle_deg: float = 0.0


@dataclass(slots=True)
class PageDrawing:
    svg: str
    parcels: int = 0
    labelled: int = 0
    unlabelled: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # every parcel drawn on the page


def label_size_mm(text: str, font_mm: float) -> tuple[float, float]:
    return len(text) * _CHAR_WIDTH_EM * font_mm, _CAP_HEIGHT_EM * font_mm


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    if isinstance(geom, MultiPolygon):
        return [p for p in geom.geoms if not p.is_empty]
    if hasattr(geom, "geoms"):  # a GeometryCollection left by clipping
        return [p for part in geom.geoms for p in _polygons(part)]
    return []


def _lines(geom: BaseGeometry) -> list[LineString]:
    if isinstance(geom, LineString):
        return [geom] if not geom.is_empty else []
    if isinstance(geom, MultiLineString):
        return [line for line in geom.geoms if not line.is_empty]
    if hasattr(geom, "geoms"):
        return [line for part in geom.geoms for line in _lines(part)]
    return []


def _long_axis_deg(polygon: Polygon) -> float:
    """Direction of the longer side of the minimum rotated rectangle, folded to (-90, 90] (upright text)."""
    rect = polygon.minimum_rotated_rectangle
    if not isinstance(rect, Polygon):
        return 0.0
    (x0, y0), (x1, y1), (x2, y2) = list(rect.exterior.coords)[:3]
    a, b = (x1 - x0, y1 - y0), (x2 - x1, y2 - y1)
    dx, dy = a if math.hypot(*a) >= math.hypot(*b) else b
    angle = math.degrees(math.atan2(dy, dx))
    if angle <= -90:
        angle += 180
    elif angle > 90:
        angle -= 180
    return angle


def place_label(text: str, polygon: Polygon, fonts_mm: Iterable[float]) -> Label | None:
    """Where a code fits inside a parcel drawn on paper (mm): at its centroid, or else its pole of
    inaccessibility, level or along the parcel's long side, at the first font size whose box fits; None when
    none does. (The pole alone is a poor centre for a long strip: every point of its middle line ties.)"""
    if polygon.is_empty or polygon.area <= 0:
        return None
    points = [polygon.centroid, polylabel(polygon, tolerance=0.05)]
    points = [p for p in points if polygon.contains(p)] or [polygon.representative_point()]
    angles = [0.0]
    axis = _long_axis_deg(polygon)
    if abs(axis) > 5:
        angles.append(axis)
    for font in fonts_mm:
        for point in points:
            for angle in angles:
                label = Label(text, point.x, point.y, font, angle)
                if polygon.contains(label_box(label, _LABEL_PADDING_MM)):
                    return label
    return None


def label_box(label: Label, padding_mm: float = 0.0) -> Polygon:
    """The page area a label covers (mm), rotated with it."""
    w, h = label_size_mm(label.text, label.font_mm)
    box = shapely.box(-w / 2 - padding_mm, -h / 2 - padding_mm, w / 2 + padding_mm, h / 2 + padding_mm)
    return affinity.translate(affinity.rotate(box, label.angle_deg, origin=(0, 0)), label.x, label.y)


def place_area_label(
    text: str, polygon: Polygon, font_mm: float, *, avoid: Sequence[Polygon]
) -> Label | None:
    """A big area label (a block code) inside ``polygon``, as near its centre as the labels in ``avoid``
    allow: candidates on a grid of half the text height, nearest to the pole of inaccessibility first."""
    if polygon.is_empty:
        return None
    w, h = label_size_mm(text, font_mm)
    tree = shapely.STRtree(list(avoid))
    centre = polylabel(polygon, tolerance=0.5)
    x0, y0, x1, y1 = polygon.bounds
    step = max(h / 2, 1.0)
    xs = np.arange(x0 + w / 2, x1 - w / 2 + step, step)
    ys = np.arange(y0 + h / 2, y1 - h / 2 + step, step)
    candidates = [
        (centre.x, centre.y),
        *sorted(
            ((float(x), float(y)) for x in xs for y in ys),
            key=lambda p: (p[0] - centre.x) ** 2 + (p[1] - centre.y) ** 2,
        ),
    ]
    for x, y in candidates[:2000]:
        label = Label(text, x, y, font_mm)
        box = label_box(label, _LABEL_PADDING_MM)
        if polygon.contains(box) and not len(tree.query(box, predicate="intersects")):
            return label
    return None


# --- SVG ------------------------------------------------------------------------------------------------


def _num(value: float) -> str:
    # 0.01 mm is far below what a printer shows; trailing zeros only cost bytes.
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _ring_d(coords) -> str:
    points = np.asarray(coords)
    if len(points) < 2:
        return ""
    pairs = " ".join(f"{_num(x)},{_num(y)}" for x, y in points[:-1])
    return f"M{pairs}Z"


def polygon_path_d(polygons: Iterable[Polygon]) -> str:
    parts = []
    for polygon in polygons:
        parts.append(_ring_d(polygon.exterior.coords))
        parts.extend(_ring_d(ring.coords) for ring in polygon.interiors)
    return "".join(parts)


def line_path_d(lines: Iterable[LineString]) -> str:
    return "".join("M" + " ".join(f"{_num(x)},{_num(y)}" for x, y in line.coords) for line in lines)


def _text(label: Label, css_class: str) -> str:
    # Baseline sits half a cap height below the centre: WeasyPrint ignores dominant-baseline.
    baseline = label.y + label.font_mm * _CAP_HEIGHT_EM / 2
    rotate = (
        f' transform="rotate({_num(label.angle_deg)} {_num(label.x)} {_num(label.y)})"'
        if label.angle_deg
        else ""
    )
    return (
        f'<text class="{css_class}" x="{_num(label.x)}" y="{_num(baseline)}" '
        f'font-size="{_num(label.font_mm)}"{rotate}>{escape(label.text)}</text>'
    )


def format_grid_value(metres: float) -> str:
    return f"{round(metres):,}".replace(",", "\u2009")  # thin space groups, as on survey plans


def grid_lines(tile: Tile, spacing_m: int) -> tuple[list[float], list[float]]:
    g = tile.ground
    xs = [v * spacing_m for v in range(math.ceil(g.x0 / spacing_m), math.floor(g.x1 / spacing_m) + 1)]
    ys = [v * spacing_m for v in range(math.ceil(g.y0 / spacing_m), math.floor(g.y1 / spacing_m) + 1)]
    return xs, ys


_SVG_STYLE = """
.road-casing{fill:none;stroke:#8a8a8a;stroke-linecap:butt;stroke-linejoin:round}
.road{fill:none;stroke:#f3ead2;stroke-linecap:butt;stroke-linejoin:round}
.parcel{fill:none;stroke:#1a1a1a;stroke-width:0.18;stroke-linejoin:round}
.block{fill:none;stroke:#7a1f1f;stroke-width:0.6;stroke-linejoin:round}
.zone{fill:none;stroke:#7a1f1f;stroke-width:1.1;stroke-dasharray:6 1.5 1 1.5;stroke-linejoin:round}
.grid{fill:none;stroke:#5b8fc9;stroke-width:0.12}
.neatline{fill:none;stroke:#000;stroke-width:0.5}
.code{fill:#000;text-anchor:middle}
.block-code{fill:#c9a5a5;text-anchor:middle;font-weight:700}
.road-name{fill:#555;text-anchor:middle}
.grid-value{fill:#2b5b8f;text-anchor:middle}
"""


def page_svg(
    features: Sequence[Feature],
    tile: Tile,
    layout: PageLayout,
    *,
    font_family: str = "sans-serif",
) -> PageDrawing:
    """One page: roads, parcels with codes, block and zone boundaries, the grid and the neatline.

    The SVG spans the whole page (viewBox in mm), so it can be laid at the page origin with no scaling.
    """
    k = layout.mm_per_m
    g = tile.ground
    transform = to_page(tile, k)
    drawing = PageDrawing(svg="")
    roads_casing, roads_fill, road_labels = [], [], []
    parcel_d, block_d, zone_d = [], [], []
    labels, block_labels = [], []

    placed_boxes: list[Polygon] = []
    blocks_to_label: list[tuple[str, Polygon]] = []
    for feature in features:
        if feature.kind == "road":
            lines = _lines(
                shapely.transform(shapely.clip_by_rect(feature.geom, g.x0, g.y0, g.x1, g.y1), transform)
            )
            if not lines:
                continue
            width = max(feature.width_m * k, MIN_ROAD_WIDTH_MM)
            d = line_path_d(lines)
            roads_casing.append(f'<path class="road-casing" stroke-width="{_num(width + 0.35)}" d="{d}"/>')
            roads_fill.append(f'<path class="road" stroke-width="{_num(width)}" d="{d}"/>')
            label = _road_label(feature.label, lines)
            if label:
                road_labels.append(_text(label, "road-name"))
            continue
        area = _polygons(shapely.clip_by_rect(feature.geom, g.x0, g.y0, g.x1, g.y1))
        if not area:
            continue
        # Outlines are the polygon's own edges clipped as lines: clipping the polygon first would draw its
        # cut along the neatline (and a dashed zone line along every page edge).
        outline = _lines(
            shapely.transform(
                shapely.clip_by_rect(MultiPolygon(_polygons(feature.geom)).boundary, g.x0, g.y0, g.x1, g.y1),
                transform,
            )
        )
        d = line_path_d(outline)
        largest = shapely.transform(max(area, key=lambda p: p.area), transform)
        code = escape(feature.label)
        if feature.kind == "parcel":
            drawing.parcels += 1
            drawing.codes.append(feature.label)
            if d:
                parcel_d.append(f'<path class="parcel" data-code="{code}" d="{d}"/>')
            label = place_label(feature.label, largest, LABEL_FONT_MM[layout.scale])
            if label is None:
                drawing.unlabelled.append(feature.label)
            else:
                drawing.labelled += 1
                placed_boxes.append(label_box(label))
                labels.append(_text(label, "code"))
        elif feature.kind == "block":
            if d:
                block_d.append(f'<path class="block" data-code="{code}" d="{d}"/>')
            blocks_to_label.append((feature.label, largest))
        elif d:
            zone_d.append(f'<path class="zone" data-code="{code}" d="{d}"/>')
    # Block codes go last, into room the parcel codes left free.
    for text, polygon in blocks_to_label:
        label = place_area_label(text, polygon, BLOCK_LABEL_FONT_MM[layout.scale], avoid=placed_boxes)
        if label is not None:
            placed_boxes.append(label_box(label))
            block_labels.append(_text(label, "block-code"))

    f = tile.frame
    grid_d, grid_values = [], []
    edge_m = 0.01
    xs, ys = grid_lines(tile, GRID_SPACING_M[layout.scale])
    # Lines on the neatline itself are left out: the title block gives the corner coordinates, and their
    # values would collide in the corners.
    xs = [x for x in xs if g.x0 + edge_m < x < g.x1 - edge_m]
    ys = [y for y in ys if g.y0 + edge_m < y < g.y1 - edge_m]
    for x in xs:
        px = f.x0 + (x - g.x0) * k
        grid_d.append(f"M{_num(px)},{_num(f.y0)}V{_num(f.y1)}")
        for y_text in (f.y0 - 1.4, f.y1 + 1.4 + GRID_LABEL_FONT_MM * _CAP_HEIGHT_EM):
            grid_values.append(
                _text(Label(format_grid_value(x), px, y_text, GRID_LABEL_FONT_MM), "grid-value")
            )
    for y in ys:
        py = f.y1 - (y - g.y0) * k
        grid_d.append(f"M{_num(f.x0)},{_num(py)}H{_num(f.x1)}")
        for x_text in (
            f.x0 - 1.4 - GRID_LABEL_FONT_MM * _CAP_HEIGHT_EM / 2,
            f.x1 + 1.4 + GRID_LABEL_FONT_MM * 0.4,
        ):
            grid_values.append(
                _text(Label(format_grid_value(y), x_text, py, GRID_LABEL_FONT_MM, -90), "grid-value")
            )

    frame_rect = f'x="{_num(f.x0)}" y="{_num(f.y0)}" width="{_num(f.width)}" height="{_num(f.height)}"'
    clip = f'<clipPath id="frame-{tile.number}"><rect {frame_rect}/></clipPath>'
    body = "".join(
        [
            f'<g clip-path="url(#frame-{tile.number})">',
            *roads_casing,
            *roads_fill,
            *block_labels,
            f'<path class="grid" d="{"".join(grid_d)}"/>' if grid_d else "",
            *parcel_d,
            *block_d,
            *zone_d,
            *road_labels,
            *labels,
            "</g>",
            f'<rect class="neatline" {frame_rect}/>',
            *grid_values,
        ]
    )
    w, h = _num(layout.page_w_mm), _num(layout.page_h_mm)
    drawing.svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sheet-map" width="{w}mm" height="{h}mm" '
        f'viewBox="0 0 {w} {h}" '
        f'font-family="{escape(font_family)}">'
        f"<defs><style>{_SVG_STYLE}</style>{clip}</defs>{body}</svg>"
    )
    return drawing


def _road_label(name: str, lines: list[LineString]) -> Label | None:
    """A road's name along its longest piece on the page, if that piece is long enough to carry it."""
    if not name:
        return None
    longest = max(lines, key=lambda line: line.length)
    font = 2.0
    w, _h = label_size_mm(name, font)
    if longest.length < w * 1.5:
        return None
    mid = longest.interpolate(0.5, normalized=True)
    before = longest.interpolate(max(0.0, longest.length / 2 - w / 2))
    after = longest.interpolate(min(longest.length, longest.length / 2 + w / 2))
    angle = math.degrees(math.atan2(after.y - before.y, after.x - before.x))
    if angle <= -90:
        angle += 180
    elif angle > 90:
        angle -= 180
    return Label(name, mid.x, mid.y, font, angle)


# --- pieces of the title block (each its own small SVG, in mm) ------------------------------------------


def scale_bar_svg(scale: int) -> str:
    """A bar of ``SCALE_BAR_M`` metres drawn exactly to scale (50 mm), alternating segments, labelled in m."""
    total_m, step_m = SCALE_BAR_M[scale]
    k = 1000 / scale
    length = total_m * k
    width, height = length + 12, 9.0
    parts = []
    for i, start in enumerate(range(0, total_m, step_m)):
        fill = "#000" if i % 2 == 0 else "#fff"
        parts.append(
            f'<rect x="{_num(4 + start * k)}" y="2" width="{_num(step_m * k)}" height="1.6" '
            f'fill="{fill}" stroke="#000" stroke-width="0.15"/>'
        )
    for value in range(0, total_m + 1, step_m):
        parts.append(
            f'<text x="{_num(4 + value * k)}" y="7" font-size="2.2" text-anchor="middle">{value}</text>'
        )
    parts.append(f'<text x="{_num(4 + length + 2.5)}" y="7" font-size="2.2" text-anchor="start">m</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="scale-bar" width="{_num(width)}mm" '
        f'height="{_num(height)}mm" viewBox="0 0 {_num(width)} {_num(height)}">{"".join(parts)}</svg>'
    )


def north_arrow_svg(convergence: float) -> str:
    """Grid north straight up (the drawing's north); a thin line shows true north at ``convergence``°."""
    true_north = (
        f'<g transform="rotate({_num(convergence)} 9 14)">'
        '<path d="M9,14V2" stroke="#555" stroke-width="0.2" stroke-dasharray="0.8 0.6"/>'
        '<path d="M9,1.2 8.4,2.6 9.6,2.6Z" fill="#555"/></g>'
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="north-arrow" width="18mm" height="22mm" '
        'viewBox="0 0 18 22">'
        '<path d="M9,2 13,16 9,13 5,16Z" fill="#fff" stroke="#000" stroke-width="0.3"/>'
        '<path d="M9,2 9,13 5,16Z" fill="#000"/>'
        f"{true_north}"
        '<text x="9" y="21" font-size="3.6" font-weight="700" text-anchor="middle">N</text></svg>'
    )


def index_svg(tile: Tile) -> str:
    """Which page of the sheet this is: a small grid of the pages with this one filled."""
    cell = min(8.0, 28.0 / max(tile.cols, tile.rows))
    width, height = tile.cols * cell + 0.6, tile.rows * cell + 0.6
    parts = []
    for row in range(tile.rows):
        for col in range(tile.cols):
            here = row == tile.row and col == tile.col
            x, y = 0.3 + col * cell, 0.3 + row * cell
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(cell)}" height="{_num(cell)}" '
                f'fill="{"#444" if here else "#fff"}" stroke="#000" stroke-width="0.2"/>'
            )
            number = row * tile.cols + col + 1
            parts.append(
                f'<text x="{_num(x + cell / 2)}" y="{_num(y + cell * 0.64)}" '
                f'font-size="{_num(cell * 0.4)}" text-anchor="middle" fill="{"#fff" if here else "#000"}">'
                f"{number}</text>"
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="page-index" width="{_num(width)}mm" '
        f'height="{_num(height)}mm" viewBox="0 0 {_num(width)} {_num(height)}">{"".join(parts)}</svg>'
    )


def legend_swatch_svg(kind: str) -> str:
    styles = {
        "parcel": '<path d="M1,1H11V6H1Z" fill="none" stroke="#1a1a1a" stroke-width="0.18"/>',
        "block": '<path d="M1,3.5H11" stroke="#7a1f1f" stroke-width="0.6"/>',
        "zone": '<path d="M1,3.5H11" stroke="#7a1f1f" stroke-width="1.1" stroke-dasharray="6 1.5 1 1.5"/>',
        "road": '<path d="M1,3.5H11" stroke="#8a8a8a" stroke-width="2.2"/>'
        '<path d="M1,3.5H11" stroke="#f3ead2" stroke-width="1.8"/>',
        "grid": '<path d="M1,3.5H11M6,0.5V6.5" stroke="#5b8fc9" stroke-width="0.15"/>',
    }
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" class="swatch" width="12mm" height="7mm" viewBox="0 0 12 7">'
        f"{styles[kind]}</svg>"
    )
