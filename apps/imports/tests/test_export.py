"""Round trips through every format keep geometry (to 1 cm) and Thai text; GDAL's ogrinfo reads our files."""

import shutil
import subprocess
import zipfile

import numpy as np
import pyogrio
import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.management import call_command
from django.urls import reverse

from apps.imports import exporters
from apps.registry.tests.factories import ParcelFactory, VillageFactory

from .files import KNOWN_E, KNOWN_LAT, KNOWN_LON, KNOWN_N, lonlat_square

ROAD = "ถนนทรายทอง-ห้วยเม็ก ซอย ๒"
TOLERANCE_DEG = 1e-7  # ~1 cm


@pytest.fixture
def parcels(org):
    village = VillageFactory(organisation=org, moo_no=3, name_th="บ้านโนนสูง")
    known = shapely.Polygon(
        [
            (KNOWN_LON, KNOWN_LAT),
            (KNOWN_LON + 0.0004, KNOWN_LAT),
            (KNOWN_LON + 0.0004, KNOWN_LAT + 0.0004),
            (KNOWN_LON, KNOWN_LAT + 0.0004),
        ]
    )
    shapes = [known, lonlat_square(1), lonlat_square(2)]
    return [
        ParcelFactory(
            organisation=org,
            parcel_code=f"03C{i + 1:03d}",
            road=ROAD,
            village=village if i < 2 else None,
            geom=MultiPolygon(GEOSGeometry(shape.wkt), srid=4326),
        )
        for i, shape in enumerate(shapes)
    ]


def _read(path):
    if path.suffix == ".zip":
        path = f"/vsizip/{path}"
    _meta, _fids, wkb, values = pyogrio.raw.read(str(path))
    return _meta, shapely.from_wkb(wkb), values


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", list(exporters.FORMATS))
def test_round_trip_keeps_geometry_and_thai_text(org, parcels, tmp_path, fmt):
    suffix = exporters.FORMATS[fmt][1]
    written = exporters.export_layer(org=org, layer="parcels", fmt=fmt, out=tmp_path / f"out{suffix}")

    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo:  # Debian's GDAL 3.6, a different build from pyogrio's: a real outside client
        target = f"/vsizip/{written}" if written.suffix == ".zip" else str(written)
        result = subprocess.run(
            [ogrinfo, "-ro", "-al", "-so", target], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr
        assert "Feature Count: 3" in result.stdout

    meta, geoms, values = _read(written)
    expected = [shapely.from_wkt(p.geom.wkt) for p in parcels]
    if fmt == "dxf":
        # CAD keeps shapes, not attributes: compare the rings as outlines.
        got = sorted(geoms, key=lambda g: g.bounds)
        want = sorted(expected, key=lambda g: g.bounds)
        for g, w in zip(got, want, strict=True):
            assert (
                shapely.hausdorff_distance(g.boundary if g.geom_type != "LineString" else g, w.boundary)
                < TOLERANCE_DEG
            )
        return
    fields = list(meta["fields"])
    codes = list(values[fields.index("Name" if fmt == "kml" else "PCODE")])
    for parcel, code in zip(parcels, codes, strict=True):
        assert parcel.parcel_code == code
    for g, w in zip(geoms, expected, strict=True):
        assert shapely.hausdorff_distance(shapely.force_2d(g), w) < TOLERANCE_DEG
    assert list(values[fields.index("ROAD")]) == [ROAD] * 3
    assert "บ้านโนนสูง" in list(values[fields.index("VILLAGE")])


@pytest.mark.django_db
def test_shapefile_has_a_cpg_and_thai_bytes(org, parcels, tmp_path):
    written = exporters.export_layer(org=org, layer="parcels", fmt="shp", out=tmp_path / "out.zip")
    with zipfile.ZipFile(written) as zf:
        names = zf.namelist()
        assert "parcels.cpg" in names
        assert zf.read("parcels.cpg").decode().strip().upper() in ("CP874", "874")
        assert ROAD.encode("cp874") in zf.read("parcels.dbf")


@pytest.mark.django_db
def test_export_in_indian_1975_uses_the_pinned_shift(org, parcels, tmp_path):
    written = exporters.export_layer(
        org=org, layer="parcels", fmt="gpkg", out=tmp_path / "i.gpkg", srid=24048
    )
    meta, geoms, _values = _read(written)
    assert "24048" in meta["crs"]
    corner = np.asarray(geoms[0].geoms[0].exterior.coords[0])
    assert np.allclose(corner, (KNOWN_E, KNOWN_N), atol=0.05)  # 5 cm, both ways through the pipeline


@pytest.mark.django_db
def test_filter_by_village_and_command(org, parcels, tmp_path):
    out = tmp_path / "moo3.geojson"
    call_command(
        "export_layer", "parcels", str(out), "--format", "geojson", "--village", "3", "--org", org.slug
    )
    _meta, geoms, _values = _read(out)
    assert len(geoms) == 2


@pytest.mark.django_db
def test_download_button(client, org, parcels, tax_officer, resident):
    client.force_login(resident)
    assert client.get(reverse("imports:export")).status_code == 403
    client.force_login(tax_officer)
    response = client.post(
        reverse("imports:export"), {"layer": "parcels", "fmt": "kml", "srid": 4326, "encoding": "cp874"}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "03C001" in body and "<kml" in body
