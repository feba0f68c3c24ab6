"""Staging geometry: areas equal the registry's to the cent; the inside grid never calls a box inside."""

import numpy as np
import shapely
import shapely.affinity
from django.contrib.gis.geos import GEOSGeometry
from pyproj import Transformer

from apps.imports.geometry import InsideGrid, areas_m2
from apps.registry.geometry import area_m2


def _random_polygons(count: int) -> list:
    rng = np.random.default_rng(7)
    polygons = []
    for _ in range(count):
        cx, cy = 103.15 + rng.random() * 0.04, 16.71 + rng.random() * 0.05
        n = int(rng.integers(3, 12))
        angles = np.sort(rng.random(n)) * 2 * np.pi
        radii = 1e-4 + rng.random(n) * 3e-4
        ring = np.column_stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)])
        polygons.append(shapely.Polygon(ring))
    return polygons


def test_staging_areas_are_the_registry_areas_for_every_shape():
    polygons = _random_polygons(300)
    holed = shapely.Polygon(
        shapely.box(103.16, 16.72, 103.161, 16.721).exterior.coords,
        [shapely.box(103.1602, 16.7202, 103.1605, 16.7205).exterior.coords],
    )
    # A hole turning the same way as its shell (files do that), two holes, three parts: shapely measures them.
    same_way = shapely.Polygon(holed.exterior.coords, [holed.interiors[0].coords[::-1]])
    two_holes = shapely.Polygon(
        shapely.box(103.17, 16.72, 103.172, 16.722).exterior.coords,
        [
            shapely.box(103.1702, 16.7202, 103.1705, 16.7205).exterior.coords,
            shapely.box(103.171, 16.721, 103.1715, 16.7215).exterior.coords,
        ],
    )
    three_parts = shapely.MultiPolygon(
        [polygons[3], *(shapely.affinity.translate(polygons[n], 0.01 * n) for n in (4, 5))]
    )
    two_parts = shapely.MultiPolygon([polygons[0], shapely.affinity.translate(polygons[1], 0.01)])
    one_part = shapely.MultiPolygon([polygons[2]])
    geoms = np.array(
        [*polygons, same_way, two_holes, three_parts, holed, two_parts, one_part, None], dtype=object
    )
    keep = np.array([True] * (len(geoms) - 1) + [False])

    areas = areas_m2(geoms, keep, Transformer.from_crs(4326, 32648, always_xy=True))

    expected = [str(area_m2(GEOSGeometry(g.wkt, srid=4326), utm_srid=32648)) for g in geoms[:-1]]
    assert [f"{float(a):.2f}" for a in expected] == areas[:-1]
    assert areas[-1] is None
    assert float(areas[-4]) < 100 * 110 * 0.99  # the hole is taken out (a 0.001° square is ~106 m x 111 m)


def test_inside_grid_never_calls_a_box_inside_that_is_not():
    # An L-shaped area: its notch is inside the bounding box but outside the area.
    area = shapely.Polygon([(0, 0), (10, 0), (10, 4), (4, 4), (4, 10), (0, 10)])
    shapely.prepare(area)
    grid = InsideGrid.of(area, cells=16)
    rng = np.random.default_rng(3)
    x, y = rng.random(5000) * 12 - 1, rng.random(5000) * 12 - 1
    w, h = rng.random(5000) * 2, rng.random(5000) * 2
    boxes = shapely.box(x, y, x + w, y + h)

    said_inside = grid.holds(shapely.bounds(boxes))

    truly_inside = shapely.covered_by(boxes, area)
    assert not (said_inside & ~truly_inside).any()
    assert said_inside.sum() > 0.5 * truly_inside.sum()  # and it spares GEOS most of the inside ones
    assert not grid.holds(np.array([[np.nan] * 4])).any()  # a feature without geometry is not inside


def test_inside_grid_cells_on_the_edge_go_to_geos():
    area = shapely.box(0, 0, 10, 10)
    grid = InsideGrid.of(area, cells=10)
    exactly_the_area = np.array([[0.0, 0.0, 10.0, 10.0]])
    one_cell = np.array([[2.0, 2.0, 3.0, 3.0]])
    assert not grid.holds(exactly_the_area).any()  # widened past the edge: GEOS decides
    assert grid.holds(one_cell).all()
