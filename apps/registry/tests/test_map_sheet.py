"""Map-sheet numbers — shared/domain/tax-map-and-registry.md §3.2, §3.3: every sheet quoted there is a row."""

import pytest

from apps.registry.domain.map_sheet import (
    DEFAULT_SHEET_REFERENCE_POINT,
    CadastralSheet,
    MapSheetError,
    MapSheetErrorCode,
    TopoSheet,
    cadastral_sheet,
    indian_1975_utm_to_lonlat,
    parse_cadastral_sheet,
    topo_sheet,
)


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        # §3.3 published examples
        (104.18, 14.50, "5838 III"),
        (102.17, 15.77, "5440 IV"),
        # §1 / §3.3: Sai Thong centroid 103.175 E 16.740 N — 5642 III south of 16°45', IV north of it
        (103.175, 16.740, "5642 III"),
        (103.175, 16.760, "5642 IV"),
        # §1 Sai Thong bounding box corners
        (103.1451, 16.7014, "5642 III"),
        (103.1944, 16.7711, "5642 IV"),
        # the quarters of one 30' cell: I = NE, II = SE, III = SW, IV = NW (§3.3; II = SE, see below)
        (103.40, 16.90, "5642 I"),
        (103.40, 16.60, "5642 II"),
        (103.10, 16.60, "5642 III"),
        (103.10, 16.90, "5642 IV"),
        # edges belong to the sheet north / east of them
        (103.0, 16.5, "5642 III"),
        (103.25, 16.75, "5642 I"),
        (103.2499999, 16.7499999, "5642 III"),
    ],
)
def test_topo_sheet(lon, lat, expected):
    assert str(topo_sheet(lon, lat)) == expected


@pytest.mark.parametrize(
    ("quadrant", "number"),
    [("I", 1), ("II", 2), ("III", 3), ("IV", 4)],
)
def test_quadrant_number_is_ltax_utm2(quadrant, number):
    assert TopoSheet("5642", quadrant).quadrant_number == number


@pytest.mark.parametrize(("lon", "lat"), [(79.9, 14.0), (125.0, 14.0), (100.0, 0.4), (100.0, 45.5)])
def test_topo_sheet_outside_numbering(lon, lat):
    with pytest.raises(MapSheetError) as info:
        topo_sheet(lon, lat)
    assert info.value.code == MapSheetErrorCode.OUT_OF_RANGE


@pytest.mark.parametrize(
    ("easting_m", "northing_m", "utm_zone", "expected"),
    [
        # §3.2 derived example for Sai Thong, and the Indian 1975 Sai Thong centre of §6.3 (via EPSG:1304)
        (304_000, 1_848_000, 48, "5642 III 0448"),
        (305_862.8, 1_851_369.7, 48, "5642 III 0450"),
        # §1 Sai Thong extent in Indian 1975 / UTM 48N: E 302.6-308.0 km, N 1,847.1-1,854.8 km
        (302_600, 1_847_100, 48, "5642 III 0246"),
        (307_900, 1_854_700, 48, "5642 IV 0654"),
        (303_000, 1_849_000, 48, "5642 III 0248"),
        (306_500, 1_851_500, 48, "5642 III 0650"),
        # §3.2 real DOL grid [18]: lower-left E 412,000 / N 1,602,000 is 5838III1202
        (412_000, 1_602_000, 48, "5838 III 1202"),
        (413_999, 1_603_999, 48, "5838 III 1202"),  # anywhere in the same 2 km cell
        (414_000, 1_610_000, 48, "5838 III 1410"),
        (418_000, 1_602_000, 48, "5838 III 1802"),  # straddles 104°15' E: named after the west sheet
        (420_000, 1_602_000, 48, "5838 II 2002"),  # east of 104°15' E in the south half: II = SE
        (424_000, 1_618_000, 48, "5838 II 2418"),
        # §3.2 published names in zone 47 (west of 102° E, and 5440 just east of it on the zone-47 grid)
        (840_000, 1_746_000, 47, "5440 IV 4046"),
        (614_000, 1_610_000, 47, "5038 III 1410"),
        # §3.2 / §4.2 deed sheets, without their sub-sheet suffix
        (672_000, 1_524_000, 47, "5136 IV 7224"),
        (494_000, 2_074_000, 47, "4746 I 9474"),
    ],
)
def test_cadastral_sheet(easting_m, northing_m, utm_zone, expected):
    assert str(cadastral_sheet(easting_m, northing_m, utm_zone=utm_zone)) == expected


def test_default_reference_point_matches_dol_grid_edge_cells():
    # The cell E 412,000 / N 1,602,000 lies mostly south of 14°30' N, yet the DOL grid [18] names it 5838 III.
    assert DEFAULT_SHEET_REFERENCE_POINT == "nw_corner"
    assert str(cadastral_sheet(412_000, 1_602_000, reference_point="centre")) == "5837 IV 1202"
    assert str(cadastral_sheet(412_000, 1_602_000, reference_point="sw_corner")) == "5837 IV 1202"
    assert str(cadastral_sheet(412_000, 1_602_000, reference_point="nw_corner")) == "5838 III 1202"


@pytest.mark.parametrize(
    ("easting_m", "northing_m", "utm_zone", "lon", "lat"),
    [
        # values from PROJ (EPSG:24048 / 24047 → EPSG:4240): inverse projection only, no datum shift
        (304_000, 1_848_000, 48, 103.161480, 16.707921),
        (412_000, 1_602_000, 48, 104.183267, 14.490470),
        (840_000, 1_746_000, 47, 102.173269, 15.770764),
    ],
)
def test_indian_1975_utm_to_lonlat(easting_m, northing_m, utm_zone, lon, lat):
    got_lon, got_lat = indian_1975_utm_to_lonlat(easting_m, northing_m, utm_zone=utm_zone)
    assert got_lon == pytest.approx(lon, abs=1e-6)
    assert got_lat == pytest.approx(lat, abs=1e-6)


@pytest.mark.parametrize(
    ("easting_m", "northing_m", "utm_zone", "code"),
    [
        (305_862.8, 1_851_369.7, 49, MapSheetErrorCode.UNSUPPORTED_ZONE),
        (305_862.8, 1_851_369.7, 32648, MapSheetErrorCode.UNSUPPORTED_ZONE),  # an SRID is not a zone
        (103.175, 16.740, 48, MapSheetErrorCode.OUT_OF_RANGE),  # lon/lat passed as metres
        (305_862.8, -1, 48, MapSheetErrorCode.OUT_OF_RANGE),
        (950_000, 1_851_369.7, 48, MapSheetErrorCode.OUT_OF_RANGE),
    ],
)
def test_cadastral_sheet_rejects(easting_m, northing_m, utm_zone, code):
    with pytest.raises(MapSheetError) as info:
        cadastral_sheet(easting_m, northing_m, utm_zone=utm_zone)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("text", "expected_str", "compact", "ltax_parts"),
    [
        ("5642 III 0448", "5642 III 0448", "5642III0448", ("5642", 3, "0448", "")),
        ("5838III1202", "5838 III 1202", "5838III1202", ("5838", 3, "1202", "")),
        ("5838II2002", "5838 II 2002", "5838II2002", ("5838", 2, "2002", "")),
        ("5440IV4046", "5440 IV 4046", "5440IV4046", ("5440", 4, "4046", "")),
        ("5038 III 1410", "5038 III 1410", "5038III1410", ("5038", 3, "1410", "")),
        # §3.2 / §4.2 deed spellings with a larger-scale sub-sheet
        ("5136 IV 7224-11", "5136 IV 7224-11", "5136IV7224-11", ("5136", 4, "7224", "11")),
        ("4746 I 9474-0", "4746 I 9474-0", "4746I9474-0", ("4746", 1, "9474", "0")),
        ("  5642 iii 0448 ", "5642 III 0448", "5642III0448", ("5642", 3, "0448", "")),
    ],
)
def test_parse_cadastral_sheet(text, expected_str, compact, ltax_parts):
    sheet = parse_cadastral_sheet(text)
    assert str(sheet) == expected_str
    assert sheet.compact == compact
    assert sheet.ltax_parts == ltax_parts


@pytest.mark.parametrize(
    "text", ["", "5642 V 0448", "5642 III 448", "564 III 0448", "5642 III 0347", "5642-III-0448"]
)
def test_parse_cadastral_sheet_rejects(text):
    with pytest.raises(MapSheetError):
        parse_cadastral_sheet(text)


def test_odd_grid_digits_rejected():
    with pytest.raises(MapSheetError) as info:
        CadastralSheet(TopoSheet("5642", "III"), grid_e=3, grid_n=48)
    assert info.value.code == MapSheetErrorCode.OUT_OF_RANGE


def test_parse_round_trips_computed_name():
    sheet = cadastral_sheet(304_000, 1_848_000)
    assert parse_cadastral_sheet(str(sheet)) == sheet
    assert parse_cadastral_sheet(sheet.compact) == sheet
