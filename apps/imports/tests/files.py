"""Real files made in the tests: shapefiles (with and without .cpg), GPKG, GeoJSON, KML, DXF, CSV, XLSX."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from openpyxl import Workbook
from shapely.geometry import Polygon

from apps.registry.tests.factories import ORIGIN_LAT, ORIGIN_LON

# The verified Sai Thong point (tax-map-and-registry.md §6.3): this Indian 1975 / UTM 48N coordinate is
# 16.740000 N, 103.175000 E through the 1304-style shift; 16.740482 N, 103.173298 E through PROJ's default.
KNOWN_E, KNOWN_N = 305862.83, 1851369.71
KNOWN_LON, KNOWN_LAT = 103.175, 16.740
THAI_OWNER = "นายสมชาย ใจดี ทรายทอง"


def lonlat_square(n: int, size: float = 0.0004) -> Polygon:
    """A square inside Sai Thong, clear of the registry factory's squares (they start at 16.710 N)."""
    col, row = n % 80, n // 80
    x, y = ORIGIN_LON + col * 0.0005, ORIGIN_LAT + 0.02 + row * 0.0005
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)])


def utm_square(e: float, n: float, size_m: float = 40.0) -> Polygon:
    return Polygon([(e, n), (e + size_m, n), (e + size_m, n + size_m), (e, n + size_m), (e, n)])


def parcel_rows(count: int, *, start: int = 1) -> dict[str, list]:
    return {
        "PCODE": [f"02B{start + i:03d}" for i in range(count)],
        "DEED_NO": [str(5000 + i) for i in range(count)],
        "OWNER": [f"{THAI_OWNER} {i}" for i in range(count)],
        "AREA": ["1-0-20.5" for _ in range(count)],
        "USE": ["2" for _ in range(count)],
    }


def write_layer(
    path: Path,
    geoms,
    fields: dict[str, list],
    *,
    driver: str,
    crs: str = "EPSG:4326",
    encoding: str | None = None,
    layer: str | None = None,
    geometry_type: str | None = None,
    **options,
) -> Path:
    geoms = np.asarray(geoms, dtype=object)
    wkb = shapely.to_wkb(geoms)
    if geometry_type is None:
        types = {g.geom_type for g in geoms if g is not None}
        geometry_type = types.pop() if len(types) == 1 else "Unknown"
    names = list(fields)
    data = [np.asarray(fields[n], dtype=object) for n in names]
    kwargs = {"encoding": encoding} if encoding else {}
    pyogrio.raw.write(
        str(path),
        wkb,
        data,
        names,
        driver=driver,
        crs=crs,
        geometry_type=geometry_type,
        layer=layer,
        **kwargs,
        **options,
    )
    return path


def zip_files(target: Path, files: list[Path]) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.write(f, f.name)
    return target


def shapefile_zip(
    tmp: Path, geoms, fields, *, crs="EPSG:4326", encoding="cp874", keep_cpg=True, name="parcels"
) -> Path:
    folder = tmp / f"shp-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    write_layer(folder / f"{name}.shp", geoms, fields, driver="ESRI Shapefile", crs=crs, encoding=encoding)
    if not keep_cpg:
        (folder / f"{name}.cpg").unlink()
    return zip_files(tmp / f"{name}.zip", sorted(folder.iterdir()))


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A real Excel workbook, one sheet per item (rows as lists of cell values, typed as Excel types them)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list]) -> Path:
    """The CSV a clerk would save from the same sheet (Excel's "CSV UTF-8"): every value as shown."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["" if v is None else str(v) for v in row] for row in rows])
    return path
