"""GDAL's OAPIF driver (Debian's ogrinfo) reads our OGC API - Features from a real server, as QGIS would."""

import subprocess

import pytest

# Fixtures of the maps app: its test data, and the reset of the cached public organisation between tests.
from apps.maps.tests.conftest import _forget_public_organisation, map_data  # noqa: F401


def _ogrinfo(*args: str) -> str:
    result = subprocess.run(
        ["ogrinfo", "-ro", *args], capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "GDAL_HTTP_TIMEOUT": "30", "LANG": "C.UTF-8"},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def ogc_url(live_server, map_data):  # noqa: F811
    return f"OAPIF:{live_server.url}/ogc"


def test_ogrinfo_lists_layers_and_counts_features(ogc_url):
    summary = _ogrinfo("-so", ogc_url, "parcels")

    assert "Feature Count: 3" in summary
    assert "parcel_code" in summary
    assert "owner" not in summary


def test_ogrinfo_reads_thai_attributes_within_a_box(ogc_url, map_data):  # noqa: F811
    first = map_data["parcels"][0]
    west, south, _east, north = first.geom.extent

    parcels = _ogrinfo("-al", "-q", ogc_url, "parcels", "-spat", str(west), str(south),
                       str(west + 0.0001), str(north))
    roads = _ogrinfo("-al", "-q", ogc_url, "roads")

    assert parcels.count("OGRFeature(parcels)") == 1
    assert f"parcel_code (String) = {first.parcel_code}" in parcels
    assert "village (String) = บ้านโนนสวรรค์" in parcels
    assert "name (String) = ถนนทรายทอง-ห้วยเม็ก" in roads
    assert "MULTILINESTRING" in roads
