"""Geometry of staged features, vectorised over a batch (shapely/numpy/pyproj; no Django): map areas, and
which features lie certainly inside the organisation without asking GEOS about each."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer

# Cells per side of the grid over the organisation's area: 64 x 64 boxes are checked once per import.
GRID_CELLS = 64
# Bounding boxes are widened by this much (degrees, ~1 mm) so float rounding never puts an edge in the wrong
# cell: a box may be sent to GEOS that did not need to be, never the other way round.
_EDGE = 1e-8


@dataclass(frozen=True)
class InsideGrid:
    """Cells of a grid over an area that lie wholly inside it, as a summed-area table.

    A feature whose bounding box falls within such cells is inside the area; only the others (near the edge)
    need ``covered_by``, which costs a GEOS call each.
    """

    x0: float
    y0: float
    dx: float
    dy: float
    cells: int
    inside_sum: np.ndarray  # (cells + 1) x (cells + 1): inside cells below and left of each corner

    @classmethod
    def of(cls, area, cells: int = GRID_CELLS) -> InsideGrid:
        xmin, ymin, xmax, ymax = area.bounds
        dx, dy = (xmax - xmin) / cells or 1.0, (ymax - ymin) / cells or 1.0
        i, j = np.meshgrid(np.arange(cells), np.arange(cells))  # j: row (y), i: column (x)
        boxes = shapely.box(xmin + i * dx, ymin + j * dy, xmin + (i + 1) * dx, ymin + (j + 1) * dy)
        inside = shapely.covered_by(boxes, area).astype(np.int64)
        inside_sum = np.zeros((cells + 1, cells + 1), dtype=np.int64)
        inside_sum[1:, 1:] = inside.cumsum(axis=0).cumsum(axis=1)
        return cls(xmin, ymin, dx, dy, cells, inside_sum)

    def holds(self, bounds: np.ndarray) -> np.ndarray:
        """For rows of (xmin, ymin, xmax, ymax): is the box certainly inside the area? NaN rows are not."""
        with np.errstate(invalid="ignore"):
            i0 = np.floor((bounds[:, 0] - _EDGE - self.x0) / self.dx)
            j0 = np.floor((bounds[:, 1] - _EDGE - self.y0) / self.dy)
            i1 = np.floor((bounds[:, 2] + _EDGE - self.x0) / self.dx)
            j1 = np.floor((bounds[:, 3] + _EDGE - self.y0) / self.dy)
            on_grid = (i0 >= 0) & (j0 >= 0) & (i1 < self.cells) & (j1 < self.cells)
        i0, j0, i1, j1 = (np.where(on_grid, v, 0).astype(np.int64) for v in (i0, j0, i1, j1))
        s = self.inside_sum
        count = s[j1 + 1, i1 + 1] - s[j0, i1 + 1] - s[j1 + 1, i0] + s[j0, i0]
        return on_grid & (count == (i1 - i0 + 1) * (j1 - j0 + 1))


def areas_m2(geoms: np.ndarray, keep: np.ndarray, to_utm: Transformer) -> list[str | None]:
    """Map areas in the organisation's UTM zone, as registry.geometry.area_m2 measures one parcel.

    Nearly every parcel is one polygon without holes: its coordinates, in order, are its one ring, so they
    are transformed and summed (shoelace, shifted to the first point as GEOS does, against cancellation)
    without building a second geometry per parcel. Which parcels those are is told without building any
    either: summed the same way in lon/lat, only they give shapely's own area (a second ring adds its own
    signed area, which is right only for a hole turning the other way, and a bridge term that is zero only
    from the first ring). The others are measured through shapely.
    """
    out: list[str | None] = [None] * len(geoms)
    rows = np.flatnonzero(keep)
    if not len(rows):
        return out
    kept = geoms[rows]
    coords = shapely.get_coordinates(kept)
    counts = shapely.get_num_coordinates(kept)
    lonlat = _one_ring_areas(coords[:, 0], coords[:, 1], counts)
    reference = shapely.area(kept)
    one_ring = (shapely.get_num_geometries(kept) == 1) & np.isclose(lonlat, reference, rtol=1e-9, atol=0)
    x, y = to_utm.transform(coords[:, 0], coords[:, 1])
    areas = _one_ring_areas(np.asarray(x), np.asarray(y), counts)
    if not one_ring.all():
        utm = shapely.transform(
            kept[~one_ring], lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1]))
        )
        areas[~one_ring] = shapely.area(utm)
    for row, area in zip(rows.tolist(), areas.tolist(), strict=True):
        out[row] = f"{area:.2f}"
    return out


def _one_ring_areas(x: np.ndarray, y: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each geometry's coordinates (``counts`` of them, consecutive) summed as one closed ring."""
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    x = x - np.repeat(x[starts], counts)
    y = y - np.repeat(y[starts], counts)
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    cross[(starts + counts - 1)[:-1]] = 0  # the pair from one geometry's last point to the next one's first
    return np.abs(np.add.reduceat(cross, starts)) / 2
