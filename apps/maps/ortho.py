"""Orthophoto basemap: XYZ PNG tiles cut on the fly from one GeoTIFF with rasterio.

The GeoTIFF's path is the setting ``GIS_PORTAL_ORTHOPHOTO`` (empty: no orthophoto, and the map hides the
choice). Any CRS the file is in is warped to Web Mercator per tile; outside the image the tile is transparent.
A cloud-optimised GeoTIFF (internal tiles + overviews) keeps each tile to a few small reads.
"""

from __future__ import annotations

import functools
import io
import math
from pathlib import Path

import numpy as np
from django.conf import settings
from PIL import Image

TILE_SIZE_PX = 256
WEB_MERCATOR_HALF_M = 20037508.342789244


def orthophoto_path() -> Path | None:
    value = getattr(settings, "GIS_PORTAL_ORTHOPHOTO", None)
    if not value:
        return None
    path = Path(value)
    return path if path.is_file() else None


def tile_bounds_3857(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of an XYZ tile in EPSG:3857 metres."""
    size = 2 * WEB_MERCATOR_HALF_M / (1 << z)
    west = -WEB_MERCATOR_HALF_M + x * size
    north = WEB_MERCATOR_HALF_M - y * size
    return west, north - size, west + size, north


def orthophoto_bounds_4326(path: Path) -> list[float]:
    import rasterio
    from rasterio.warp import transform_bounds

    with rasterio.open(path) as dataset:
        return [round(v, 6) for v in transform_bounds(dataset.crs, "EPSG:4326", *dataset.bounds)]


def orthophoto_tile_png(path: Path, z: int, x: int, y: int) -> bytes | None:
    """A 256 px PNG of the tile, or None when the image does not reach it."""
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.transform import from_bounds
    from rasterio.warp import reproject, transform_bounds

    west, south, east, north = tile_bounds_3857(z, x, y)
    with rasterio.open(path) as dataset:
        image_w, image_s, image_e, image_n = transform_bounds(dataset.crs, "EPSG:3857", *dataset.bounds)
        if east <= image_w or west >= image_e or north <= image_s or south >= image_n:
            return None
        bands = min(dataset.count, 3)
        target = np.zeros((bands, TILE_SIZE_PX, TILE_SIZE_PX), dtype=np.uint8)
        mask = np.zeros((TILE_SIZE_PX, TILE_SIZE_PX), dtype=np.uint8)
        transform = from_bounds(west, south, east, north, TILE_SIZE_PX, TILE_SIZE_PX)
        for band in range(bands):
            reproject(
                source=rasterio.band(dataset, band + 1), destination=target[band],
                dst_transform=transform, dst_crs="EPSG:3857", resampling=Resampling.bilinear,
                dst_nodata=0,
            )
        # Where the image has data: the dataset mask (nodata / alpha) warped the same way.
        source_mask = dataset.dataset_mask()
        reproject(
            source=source_mask, destination=mask, src_transform=dataset.transform, src_crs=dataset.crs,
            dst_transform=transform, dst_crs="EPSG:3857", resampling=Resampling.nearest, dst_nodata=0,
        )
    if bands == 1:
        target = np.repeat(target, 3, axis=0)
    rgba = np.dstack([target[0], target[1], target[2], mask])
    buffer = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@functools.cache
def empty_tile_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (TILE_SIZE_PX, TILE_SIZE_PX), (0, 0, 0, 0)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y
