"""Parcels that tile the land: a jittered, warped lattice clipped by the zones, grouped into blocks.

Why a lattice: neighbouring cells are built from the *same* vertex objects, so shared edges are identical and
parcels can neither overlap nor leave gaps. Vertices are rounded to 1 cm and clipping snaps to the same 1 cm
grid, so a cell cut by a road reserve still shares its remaining edges exactly with its uncut neighbour.

Why a warp: around each village centre the lattice is pulled inwards, so house plots near the temple and the
market are small and fields outside are large, as on a real tax map.

Block borders run along lattice lines (recursive bisection by parcel count), so blocks need no clipping
either; a zone or block geometry is the coverage union of its parcels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Polygon

from .territory import MAIN_ROAD_RESERVE_HALF_WIDTH_M, MainRoad, VillageSite

GRID_M = 0.01  # every vertex sits on a 1 cm grid (see module docstring)
MAX_BLOCKS_PER_ZONE = 26  # block letters A–Z
MAX_LOTS_PER_BLOCK = 999  # lot numbers 001–999
OVERSHOOT = 1.10  # draw ~10 % more cells than asked, then merge neighbours down to the exact count


@dataclass(slots=True)
class Split:
    """A lattice line along which a zone or block was cut: a farm road runs there."""

    axis: int  # 0: the line i = index (runs along j); 1: the line j = index
    index: int
    lo: int
    hi: int
    depth: int


@dataclass(slots=True)
class Layout:
    parcels: np.ndarray  # shapely Polygons in UTM, ordered zone, block, lot
    zone_no: np.ndarray
    block_id: np.ndarray  # index into ``blocks``
    lot_no: np.ndarray
    blocks: list[tuple[int, str, Polygon]]  # (zone_no, letter, geom)
    zones: list[tuple[int, Polygon]]
    farm_roads: list[LineString | MultiLineString] = field(default_factory=list)
    village_lanes: list[tuple[int, LineString | MultiLineString]] = field(default_factory=list)


def _round(a: np.ndarray) -> np.ndarray:
    # Same arithmetic as GEOS's fixed precision model (round(x·scale)/scale), so that a vertex we round and
    # the same vertex snapped by a clipping overlay are the same double.
    scale = round(1 / GRID_M)
    return np.round(a * scale) / scale


class Lattice:
    def __init__(self, seed: int, outline: Polygon, sites: list[VillageSite], spacing_m: float) -> None:
        rng = np.random.default_rng([seed, 11])
        angle = rng.uniform(0.08, 0.22)  # fields are rarely laid out due north
        self.ex = np.array([math.cos(angle), math.sin(angle)])
        self.ey = np.array([-math.sin(angle), math.cos(angle)])
        # Paddies are longer than wide.
        self.sx, self.sy = spacing_m * 1.25, spacing_m / 1.25
        x0, y0, x1, y1 = outline.bounds
        pad = 0.2 * max(x1 - x0, y1 - y0)  # the warp pulls outer vertices in: start wider than the outline
        corners = np.array(
            [[x0 - pad, y0 - pad], [x1 + pad, y0 - pad], [x1 + pad, y1 + pad], [x0 - pad, y1 + pad]]
        )
        u, v = corners @ self.ex, corners @ self.ey
        self.ni = math.ceil((u.max() - u.min()) / self.sx)
        self.nj = math.ceil((v.max() - v.min()) / self.sy)
        ii, jj = np.meshgrid(np.arange(self.ni + 1), np.arange(self.nj + 1), indexing="ij")
        base_u = u.min() + (ii + rng.uniform(-0.18, 0.18, ii.shape)) * self.sx
        base_v = v.min() + (jj + rng.uniform(-0.18, 0.18, jj.shape)) * self.sy
        pts = base_u[..., None] * self.ex + base_v[..., None] * self.ey
        self.vertices = _round(self._warp(pts, sites))  # (ni+1, nj+1, 2)

    @staticmethod
    def _warp(pts: np.ndarray, sites: list[VillageSite]) -> np.ndarray:
        # p' = p − a·(p − c)·exp(−|p − c|²/R²): radially monotone for a < 1, so cells never fold.
        out = pts.copy()
        for site in sites:
            d = pts - np.array([site.centre.x, site.centre.y])
            fall = np.exp(-(d**2).sum(-1) / site.radius_m**2)
            out -= site.squeeze * d * fall[..., None]
        return out

    def centres(self) -> np.ndarray:
        v = self.vertices
        return (v[:-1, :-1] + v[1:, :-1] + v[1:, 1:] + v[:-1, 1:]) / 4

    def cells(self) -> np.ndarray:
        v = self.vertices
        ring = np.stack([v[:-1, :-1], v[1:, :-1], v[1:, 1:], v[:-1, 1:], v[:-1, :-1]], axis=2)
        return shapely.polygons(ring.reshape(-1, 5, 2))

    def line(self, axis: int, index: int, lo: int, hi: int) -> LineString:
        pts = self.vertices[index, lo : hi + 1] if axis == 0 else self.vertices[lo : hi + 1, index]
        return LineString(pts)


def zone_pieces(outline: Polygon, roads: list[MainRoad]) -> list[Polygon]:
    """The land between the main roads, 1 m inside the outline (so snapping never pokes a parcel out)."""
    reserve = shapely.union_all(
        [r.line.buffer(MAIN_ROAD_RESERVE_HALF_WIDTH_M, cap_style="flat") for r in roads]
    )
    land = shapely.set_precision(outline.buffer(-1.0).difference(reserve), GRID_M)
    parts = [p for p in shapely.get_parts(land) if p.area > 50_000]
    return sorted(parts, key=lambda p: (-round(p.centroid.y, -3), p.centroid.x))


def _calibrate(
    seed: int, outline: Polygon, sites: list[VillageSite], land: Polygon, cells_wanted: int
) -> float:
    spacing = math.sqrt(land.area / cells_wanted)
    for _ in range(5):
        c = Lattice(seed, outline, sites, spacing).centres().reshape(-1, 2)
        count = int(shapely.contains_xy(land, c[:, 0], c[:, 1]).sum())
        spacing *= math.sqrt(count / cells_wanted)
    return spacing


def _clip(lattice: Lattice, zones: list[Polygon]) -> tuple[list[Polygon], np.ndarray, np.ndarray, np.ndarray]:
    """Each cell whole (inside one zone) or cut into its pieces per zone; slivers at the edge are dropped."""
    cells = lattice.cells()
    nominal = shapely.area(cells)
    ij = np.stack(np.meshgrid(np.arange(lattice.ni), np.arange(lattice.nj), indexing="ij"), -1).reshape(-1, 2)
    geoms, cell_ix, zone_ix, whole = [], [], [], []
    for z, zone in enumerate(zones):
        shapely.prepare(zone)
        inside = shapely.contains(zone, cells)
        touch = np.flatnonzero(shapely.intersects(zone, cells) & ~inside)
        for k in np.flatnonzero(inside):
            geoms.append(cells[k])
            cell_ix.append(k)
            zone_ix.append(z)
            whole.append(True)
        cut = shapely.intersection(cells[touch], zone, grid_size=GRID_M)
        for k, piece in zip(touch, cut, strict=True):
            for part in shapely.get_parts(piece):
                if part.geom_type == "Polygon" and part.area >= max(0.2 * nominal[k], 25.0):
                    geoms.append(part)
                    cell_ix.append(k)
                    zone_ix.append(z)
                    whole.append(False)
    return geoms, ij[np.array(cell_ix)], np.array(zone_ix), np.array(whole)


def _bisect(
    ij: np.ndarray,
    idx: np.ndarray,
    n: int,
    depth: int,
    spacing: tuple[float, float],
    splits: list[Split],
    out: list[np.ndarray],
) -> None:
    """Cut ``idx`` into ``n`` groups of nearly equal count along lattice lines (longer side first)."""
    if n == 1:
        out.append(idx)
        return
    n_left = n // 2
    spans = [(ij[idx, a].max() - ij[idx, a].min() + 1) * spacing[a] for a in (0, 1)]
    first = 0 if spans[0] >= spans[1] else 1
    for axis in (first, 1 - first):
        key = ij[idx, axis]
        order = np.argsort(key, kind="stable")
        k = min(len(idx) - 1, max(1, round(len(idx) * n_left / n)))
        cut = key[order[k]]
        left, right = idx[key < cut], idx[key >= cut]
        if len(left) >= n_left and len(right) >= n - n_left:
            other = ij[idx, 1 - axis]
            splits.append(Split(axis, int(cut), int(other.min()), int(other.max()) + 1, depth))
            break
    else:  # one long column: cut by rank instead of by a line
        left, right = idx[order[:k]], idx[order[k:]]
    _bisect(ij, left, n_left, depth + 1, spacing, splits, out)
    _bisect(ij, right, n - n_left, depth + 1, spacing, splits, out)


def _merge_down(
    lattice: Lattice,
    geoms: list[Polygon],
    ij: np.ndarray,
    whole: np.ndarray,
    block: np.ndarray,
    excess: int,
    far: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Join ``excess`` pairs of whole neighbouring cells in one block (fields first, house plots last).

    Returns a keep-mask; merged shapes replace the first cell of each pair in ``geoms``. The joined shape
    keeps the shared edge's end points as vertices, so the neighbours' edges still match exactly.
    """
    keep = np.ones(len(geoms), dtype=bool)
    if excess <= 0:
        return keep
    grid = -np.ones((lattice.ni, lattice.nj), dtype=np.int64)
    grid[ij[whole, 0], ij[whole, 1]] = np.flatnonzero(whole)
    used = np.zeros(len(geoms), dtype=bool)
    v = lattice.vertices
    for axis in (0, 1):
        a = grid[0::2, :] if axis == 0 else grid[:, 0::2]
        b = grid[1::2, :] if axis == 0 else grid[:, 1::2]
        rows = min(a.shape[axis], b.shape[axis])
        a, b = (a[:rows], b[:rows]) if axis == 0 else (a[:, :rows], b[:, :rows])
        ok = (a >= 0) & (b >= 0)
        a, b = a[ok], b[ok]
        ok = (block[a] == block[b]) & ~used[a] & ~used[b]
        a, b = a[ok], b[ok]
        priority = far[a] + rng.uniform(0, 0.6, len(a))
        take = np.argsort(-priority, kind="stable")[:excess]
        for p, q in zip(a[take], b[take], strict=True):
            i, j = ij[p]
            if axis == 0:
                ring = [v[i, j], v[i + 1, j], v[i + 2, j], v[i + 2, j + 1], v[i + 1, j + 1], v[i, j + 1]]
            else:
                ring = [v[i, j], v[i + 1, j], v[i + 1, j + 1], v[i + 1, j + 2], v[i, j + 2], v[i, j + 1]]
            geoms[p] = Polygon(ring)
            keep[q] = False
            used[p] = used[q] = True
        excess -= len(take)
        if excess <= 0:
            return keep
    raise RuntimeError(f"could not merge enough cells ({excess} short); try another --seed")


def _lot_order(ij: np.ndarray) -> np.ndarray:
    """North to south in rows, alternating direction (how surveyors number lots on a sheet)."""
    row = -ij[:, 1]
    col = np.where(ij[:, 1] % 2 == 0, ij[:, 0], -ij[:, 0])
    return np.lexsort((col, row))


def lots_per_block_target(n_parcels: int) -> int:
    return int(min(600, max(40, n_parcels // 60)))


def build_layout(
    seed: int, n_parcels: int, outline: Polygon, roads: list[MainRoad], sites: list[VillageSite]
) -> Layout:
    zones0 = zone_pieces(outline, roads)
    land = shapely.union_all(zones0)
    wanted = math.ceil(n_parcels * OVERSHOOT)
    spacing = _calibrate(seed, outline, sites, land, wanted)
    while True:
        lattice = Lattice(seed, outline, sites, spacing)
        geoms, ij, zone_ix, whole = _clip(lattice, zones0)
        if len(geoms) >= n_parcels:
            break
        spacing *= 0.97
    rng = np.random.default_rng([seed, 12])
    per_block = lots_per_block_target(n_parcels)
    lattice_spacing = (lattice.sx, lattice.sy)

    # Zones: one per piece between the main roads, cut further along lattice lines when a piece would need
    # more than 26 blocks (large --parcels runs).
    splits: list[Split] = []
    zone_groups: list[np.ndarray] = []
    for z in range(len(zones0)):
        idx = np.flatnonzero(zone_ix == z)
        parts = max(1, math.ceil(len(idx) / (MAX_BLOCKS_PER_ZONE * per_block * 0.9)))
        _bisect(ij, idx, parts, 0, lattice_spacing, splits, zone_groups)
    block_groups: list[tuple[int, np.ndarray]] = []
    for z, idx in enumerate(zone_groups):
        n_blocks = min(MAX_BLOCKS_PER_ZONE, max(1, math.ceil(len(idx) / per_block)))
        out: list[np.ndarray] = []
        _bisect(ij, idx, n_blocks, 1, lattice_spacing, splits, out)
        block_groups += [(z, b) for b in out]
    block = np.empty(len(geoms), dtype=np.int64)
    for b, (_, idx) in enumerate(block_groups):
        block[idx] = b

    centres = np.array([[s.centre.x, s.centre.y] for s in sites])
    radii = np.array([s.radius_m for s in sites])
    cxy = shapely.get_coordinates(shapely.centroid(np.array(geoms, dtype=object)))
    far = (np.linalg.norm(cxy[:, None, :] - centres[None], axis=-1) / radii).min(axis=1)
    keep = _merge_down(lattice, geoms, ij, whole, block, len(geoms) - n_parcels, far, rng)

    # Number zones north-west to south-east, blocks likewise inside each zone, lots row by row.
    geoms_arr = np.empty(len(geoms), dtype=object)
    geoms_arr[:] = geoms
    zone_of_block = np.array([z for z, _ in block_groups])
    zone_geoms = [
        shapely.coverage_union_all(geoms_arr[np.isin(block, np.flatnonzero(zone_of_block == z)) & keep])
        for z in range(len(zone_groups))
    ]
    zone_rank = sorted(
        range(len(zone_groups)),
        key=lambda z: (-round(zone_geoms[z].centroid.y, -3), zone_geoms[z].centroid.x),
    )
    zone_no = {z: n + 1 for n, z in enumerate(zone_rank)}

    order_parcels, zone_col, block_col, lot_col = [], [], [], []
    blocks: list[tuple[int, str, Polygon]] = []
    for z in zone_rank:
        mine = [b for b in range(len(block_groups)) if zone_of_block[b] == z]
        shapes = {b: shapely.coverage_union_all(geoms_arr[(block == b) & keep]) for b in mine}
        mine.sort(key=lambda b: (-round(shapes[b].centroid.y, -2), shapes[b].centroid.x))
        for letter_ix, b in enumerate(mine):
            members = np.flatnonzero((block == b) & keep)
            members = members[_lot_order(ij[members])]
            if len(members) > MAX_LOTS_PER_BLOCK:
                raise RuntimeError(f"block with {len(members)} lots (> {MAX_LOTS_PER_BLOCK})")
            blocks.append((zone_no[z], chr(ord("A") + letter_ix), shapes[b]))
            order_parcels.append(members)
            zone_col.append(np.full(len(members), zone_no[z]))
            block_col.append(np.full(len(members), len(blocks) - 1))
            lot_col.append(np.arange(1, len(members) + 1))
    order = np.concatenate(order_parcels)
    layout = Layout(
        parcels=geoms_arr[order],
        zone_no=np.concatenate(zone_col),
        block_id=np.concatenate(block_col),
        lot_no=np.concatenate(lot_col),
        blocks=blocks,
        zones=sorted(((zone_no[z], zone_geoms[z]) for z in range(len(zone_groups))), key=lambda t: t[0]),
    )
    layout.farm_roads = _farm_roads(lattice, splits, land)
    layout.village_lanes = _village_lanes(lattice, sites, land)
    return layout


def _farm_roads(lattice: Lattice, splits: list[Split], land: Polygon) -> list:
    # Only the first cuts get a road: a road along every block border would be a chessboard, not a tambon.
    roads = []
    for s in splits:
        if s.depth > 2:
            continue
        line = lattice.line(s.axis, s.index, s.lo, s.hi).intersection(land)
        if not line.is_empty and line.length > 150:
            roads.append(line)
    return roads


def _village_lanes(lattice: Lattice, sites: list[VillageSite], land: Polygon) -> list:
    """A cross of concrete lanes through each village centre, plus parallel lanes, along parcel edges."""
    flat = lattice.vertices.reshape(-1, 2)
    lanes = []
    for site in sites:
        c = np.array([site.centre.x, site.centre.y])
        i0, j0 = np.unravel_index(np.argmin(((flat - c) ** 2).sum(-1)), lattice.vertices.shape[:2])
        # Cells at the centre are squeezed by (1 − squeeze): ~150 m between parallel lanes there.
        step_i = max(2, round(150 / (lattice.sx * (1 - site.squeeze))))
        step_j = max(2, round(150 / (lattice.sy * (1 - site.squeeze))))
        reach = site.centre.buffer(site.radius_m * 1.1)
        for axis, at, step, offsets in ((0, i0, step_i, (0, -1, 1)), (1, j0, step_j, (0,))):
            limit = lattice.ni if axis == 0 else lattice.nj
            for k in offsets:
                index = at + k * step
                if not 0 <= index <= limit:
                    continue
                span = lattice.nj if axis == 0 else lattice.ni
                line = lattice.line(axis, index, 0, span).intersection(reach).intersection(land)
                if not line.is_empty and line.length > 100:
                    lanes.append((site.moo_no, line))
    return lanes
