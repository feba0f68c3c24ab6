"""Sai Thong as the demo draws it: the organisation record, its boundary, village centres and main roads.

Everything here is in WGS 84 / UTM 48N metres (EPSG:32648) unless a name says ``lonlat``; the writer
transforms to the storage SRID at the very end. No Django import: the generator is plain numpy/shapely.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon

UTM_SRID = 32648
LONLAT_SRID = 4326

# tax-map-and-registry.md §1: RTSD/UN OCHA 2019 extent of the subdistrict (generalised, not the legal line).
BBOX_LONLAT = (103.1451, 16.7014, 103.1944, 16.7711)

ORGANISATION = {
    # UNCONFIRMED: the DLA's own 7-digit code for Sai Thong SAO was not found; 6460809 is a placeholder
    # built from the kind digit (6 = SAO) and the subdistrict code 460809 (§1). Replace it when the DLA's
    # list is found.
    "dla_code": "6460809",
    "slug": "sai-thong",
    "kind": "sao",
    "name_th": "องค์การบริหารส่วนตำบลทรายทอง",
    "name_en": "Sai Thong Subdistrict Administrative Organisation",
    "subdistrict_code": "460809",
    "district_th": "ห้วยเม็ก",
    "province_th": "กาฬสินธุ์",
    "postcode": "46170",
    "utm_srid": UTM_SRID,
}
SUBDISTRICT_TH = "ทรายทอง"

# Main roads keep a right of way free of parcels (half-width, metres): the zones are cut along it.
MAIN_ROAD_RESERVE_HALF_WIDTH_M = 8.0


@lru_cache(maxsize=4)
def transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(f"EPSG:{src}", f"EPSG:{dst}", always_xy=True)


def reproject(geoms, src: int, dst: int):
    """Vectorised: one pyproj call for every coordinate of every geometry."""
    tr = transformer(src, dst)

    def _xy(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, _xy)


def boundary_lonlat() -> Polygon:
    """A plausible, irregular outline touching the published bounding box (the same for every seed).

    A lobed ellipse (a few sine terms on the radius) clipped to the box: real subdistrict outlines follow
    streams and field bunds, so they are neither round nor rectangular.
    """
    lon0, lat0, lon1, lat1 = BBOX_LONLAT
    c_lon, c_lat = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    half_w, half_h = (lon1 - lon0) / 2, (lat1 - lat0) / 2
    theta = np.linspace(0, 2 * np.pi, 120, endpoint=False)
    lobes = (
        1.0
        + 0.07 * np.sin(2 * theta + 0.6)
        + 0.05 * np.sin(3 * theta + 1.9)
        + 0.035 * np.sin(5 * theta + 0.4)
        + 0.02 * np.sin(9 * theta + 2.5)
    )
    ring = np.column_stack(
        [c_lon + 1.06 * half_w * lobes * np.cos(theta), c_lat + 1.06 * half_h * lobes * np.sin(theta)]
    )
    # Inset by ~1 m so that the outline stays inside the published box after any float noise.
    box = shapely.box(lon0 + 1e-5, lat0 + 1e-5, lon1 - 1e-5, lat1 - 1e-5)
    outline = Polygon(ring).intersection(box)
    return shapely.set_precision(outline, 1e-7)


def boundary_utm() -> Polygon:
    return reproject(boundary_lonlat(), LONLAT_SRID, UTM_SRID)


def chaikin(points: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Corner cutting: turns a few control points into a road that bends like a real one."""
    for _ in range(rounds):
        a, b = points[:-1], points[1:]
        cut = np.empty((2 * len(a), 2))
        cut[0::2] = 0.75 * a + 0.25 * b
        cut[1::2] = 0.25 * a + 0.75 * b
        points = np.vstack([points[:1], cut, points[-1:]])
    return points


@dataclass(frozen=True, slots=True)
class MainRoad:
    name: str
    code: str
    line: LineString  # runs past the boundary on both ends so that it always cuts the territory in two


@dataclass(frozen=True, slots=True)
class VillageSite:
    moo_no: int
    name_th: str
    name_en: str
    centre: Point
    radius_m: float  # how far the built-up area reaches (drives parcel density and land use)
    squeeze: float  # 0..1: how much smaller the house plots at the centre are than the fields around


def main_roads(rng: np.random.Generator, outline: Polygon) -> list[MainRoad]:
    x0, y0, x1, y1 = outline.bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = x1 - x0, y1 - y0
    ys = np.linspace(y0 - 300, y1 + 300, 7)
    wobble = rng.normal(0, 120, len(ys))
    north_south = np.column_stack([cx - 0.08 * w + wobble + np.linspace(-0.1 * w, 0.12 * w, len(ys)), ys])
    xs = np.linspace(x0 - 300, x1 + 300, 6)
    wobble = rng.normal(0, 100, len(xs))
    east_west = np.column_stack([xs, cy + 0.06 * h + wobble + np.linspace(0.08 * h, -0.1 * h, len(xs))])
    return [
        MainRoad("ถนนห้วยเม็ก-ทรายทอง", "กส.3012", LineString(chaikin(north_south))),
        MainRoad("ถนนทรายทอง-โนนสะอาด", "กส.3051", LineString(chaikin(east_west))),
    ]


def village_sites(
    rng: np.random.Generator,
    outline: Polygon,
    roads: list[MainRoad],
    villages: tuple[tuple[int, str, str], ...],
) -> list[VillageSite]:
    """Isan villages string along the roads; หมู่ 1 sits at the crossroads, two or three lie off the road."""
    inner = outline.buffer(-450)
    ns, ew = roads[0].line, roads[1].line
    crossing = ns.intersection(ew)
    crossing = crossing if isinstance(crossing, Point) else inner.centroid
    candidates = [crossing]
    for road, fractions in ((ns, (0.16, 0.33, 0.68, 0.85)), (ew, (0.17, 0.33, 0.7, 0.86))):
        for f in fractions:
            at = road.line_interpolate_point(f + rng.uniform(-0.03, 0.03), normalized=True)
            ahead = road.line_interpolate_point(min(road.length, road.project(at) + 1.0))
            dx, dy = ahead.x - at.x, ahead.y - at.y
            side = rng.choice((-1.0, 1.0)) * rng.uniform(70, 160)
            candidates.append(Point(at.x - dy * side, at.y + dx * side))
    x0, y0, x1, y1 = inner.bounds
    for fx, fy in ((0.2, 0.8), (0.8, 0.2), (0.78, 0.78), (0.22, 0.2), (0.5, 0.93), (0.93, 0.5), (0.07, 0.5)):
        candidates.append(
            Point(
                x0 + (x1 - x0) * (fx + rng.uniform(-0.05, 0.05)),
                y0 + (y1 - y0) * (fy + rng.uniform(-0.05, 0.05)),
            )
        )
    # Then anywhere, in a seeded order, until every village of the list has a place.
    gx, gy = np.meshgrid(np.linspace(x0, x1, 9), np.linspace(y0, y1, 9))
    grid = np.column_stack([gx.ravel(), gy.ravel()])[rng.permutation(81)]
    candidates += [Point(x, y) for x, y in grid]
    sites: list[Point] = []
    for point in candidates:
        # Villages closer than ~1.1 km would merge into one built-up area (and fold the density warp).
        if inner.contains(point) and all(point.distance(p) > 1000 for p in sites):
            sites.append(point)
    out = []
    for (moo_no, name_th, name_en), centre in zip(villages, sites, strict=False):
        big = moo_no == 1
        out.append(
            VillageSite(
                moo_no=moo_no,
                name_th=name_th,
                name_en=name_en,
                centre=centre,
                radius_m=float(520 if big else rng.uniform(330, 450)),
                squeeze=float(0.62 if big else rng.uniform(0.45, 0.58)),
            )
        )
    return out
