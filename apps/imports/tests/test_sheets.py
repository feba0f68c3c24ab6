"""Tax map sheets: exact scale, pages, labels, the one clipping query, the PDF, the page and the command."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import re
import subprocess

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from shapely.geometry import LineString
from shapely.geometry import box as shapely_box

from apps.assets.models import Road
from apps.core.domain.thai_dates import be_year_of
from apps.core.testing import fold_thai, pdf_text
from apps.imports import sheet_export, sheets
from apps.imports.sheet_export import SheetRequest
from apps.imports.sheet_forms import parse_centre
from apps.registry.domain.map_sheet import cadastral_sheet, parse_cadastral_sheet
from apps.registry.models import Parcel
from apps.registry.tests.factories import ParcelFactory, TaxMapBlockFactory, TaxMapZoneFactory

WGS_UTM = sheets.sheet_grid("utm", utm_zone=48)
INDIAN = sheets.sheet_grid("indian1975", utm_zone=48)
# Inside Sai Thong in both grids (tax-map-and-registry.md §1): E 302-307 km, N 1,847-1,855 km.
SHEET = "5642 III 0448"  # Indian 1975 cell E 304-306 km, N 1,848-1,850 km


def square_lonlat(grid, x: float, y: float, size_m: float, height_m: float | None = None) -> MultiPolygon:
    """A rectangle drawn in ``grid`` metres (lower-left x, y), stored as the registry stores it (4326)."""
    height_m = size_m if height_m is None else height_m
    corners = [(x, y), (x + size_m, y), (x + size_m, y + height_m), (x, y + height_m), (x, y)]
    ring = [sheets.grid_to_lonlat(grid, cx, cy) for cx, cy in corners]
    return MultiPolygon(Polygon(ring), srid=4326)


def path_points(svg: str, code: str) -> list[tuple[float, float]]:
    d = re.search(rf'data-code="{re.escape(code)}" d="([^"]+)"', svg)
    assert d is not None, f"{code} not drawn"
    return [tuple(map(float, pair.split(","))) for pair in re.findall(r"-?[\d.]+,-?[\d.]+", d[1])]


def edge_lengths_mm(points) -> list[float]:
    # Outlines are drawn as lines that repeat their first point; close the ring once either way.
    ring = [*points, points[0]] if points[0] != points[-1] else list(points)
    return [math.dist(a, b) for a, b in itertools.pairwise(ring)]


# --- pure: layout, pages, sheet names, scale, labels ------------------------------------------------------


@pytest.mark.parametrize(
    ("paper", "scale", "pages", "frame_mm", "tile_m"),
    [
        ("A1", 4000, 1, 500, 2000),  # the DOL frame: 50 cm x 50 cm (§3.2)
        ("A3", 4000, 4, 250, 1000),  # four equal quarters on an office printer
        ("A1", 1000, 12, (2000 / 3, 500), (2000 / 3, 500)),
    ],
)
def test_a_dol_sheet_is_cut_into_equal_pages_at_exact_scale(paper, scale, pages, frame_mm, tile_m):
    extent, _zone = sheets.cadastral_sheet_extent(parse_cadastral_sheet(SHEET))
    tiles = sheets.plan_pages(extent, sheets.page_layout(paper, scale), fit_to_extent=True)
    frame_w, frame_h = frame_mm if isinstance(frame_mm, tuple) else (frame_mm, frame_mm)
    tile_w, tile_h = tile_m if isinstance(tile_m, tuple) else (tile_m, tile_m)
    assert len(tiles) == pages and tiles[-1].number == pages
    for tile in tiles:
        assert tile.frame.width == pytest.approx(frame_w) and tile.frame.height == pytest.approx(frame_h)
        assert tile.ground.width == pytest.approx(tile_w) and tile.ground.height == pytest.approx(tile_h)
    # The pages cover the sheet exactly, first page in the north-west.
    assert (tiles[0].ground.x0, tiles[0].ground.y1) == (extent.x0, extent.y1)
    assert (tiles[-1].ground.x1, tiles[-1].ground.y0) == pytest.approx((extent.x1, extent.y0))


def test_a_sheet_at_1_1000_on_a3_is_refused_with_the_page_count():
    extent, _zone = sheets.cadastral_sheet_extent(parse_cadastral_sheet(SHEET))
    with pytest.raises(sheets.SheetError) as caught:
        sheets.plan_pages(extent, sheets.page_layout("A3", 1000), fit_to_extent=True)
    assert caught.value.code == "too_many_pages" and caught.value.params["pages"] == 7 * 8


def test_sheet_name_gives_its_2_km_indian_1975_cell_and_back():
    extent, zone = sheets.cadastral_sheet_extent(parse_cadastral_sheet("5642 III 0448"))
    assert zone == 48
    assert (extent.x0, extent.y0, extent.x1, extent.y1) == (304_000, 1_848_000, 306_000, 1_850_000)
    assert str(cadastral_sheet(305_000, 1_849_000)) == "5642 III 0448"


@pytest.mark.parametrize(
    ("name", "code"), [("5642 I 0448", "no_such_sheet"), ("5642 III 0448-11", "subsheet")]
)
def test_sheet_names_no_cell_carries_are_refused(name, code):
    with pytest.raises(sheets.SheetError) as caught:
        sheets.cadastral_sheet_extent(parse_cadastral_sheet(name))
    assert caught.value.code == code


@pytest.mark.parametrize(("scale", "edge_mm"), [(1000, 40.0), (4000, 10.0)])
def test_a_40_m_edge_is_40_mm_at_1_1000_and_10_mm_at_1_4000(scale, edge_mm):
    layout = sheets.page_layout("A3", scale)
    extent = sheets.Box.around(305_000, 1_851_000, 1, 1)
    (tile,) = sheets.plan_pages(extent, layout, fit_to_extent=False)
    parcel = sheets.Feature("parcel", "01A001", shapely_box(304_980, 1_850_980, 305_020, 1_851_020))
    drawing = sheets.page_svg([parcel], tile, layout)
    assert edge_lengths_mm(path_points(drawing.svg, "01A001")) == pytest.approx([edge_mm] * 4, abs=0.011)
    # The page is drawn in millimetres: the SVG's size is the paper's.
    assert 'width="420mm" height="297mm" viewBox="0 0 420 297"' in drawing.svg


def test_scale_bar_is_drawn_to_scale():
    # 50 m at 1:1000 and 200 m at 1:4000 are both 50 mm: five 10 mm / four 12.5 mm segments.
    assert re.findall(r'width="([\d.]+)" height="1.6"', sheets.scale_bar_svg(1000)) == ["10"] * 5
    assert re.findall(r'width="([\d.]+)" height="1.6"', sheets.scale_bar_svg(4000)) == ["12.5"] * 4


def test_codes_go_where_they_fit_and_small_parcels_get_none():
    layout = sheets.page_layout("A3", 4000)
    (tile,) = sheets.plan_pages(sheets.Box.around(305_000, 1_851_000, 1, 1), layout, fit_to_extent=False)
    features = [
        sheets.Feature("parcel", "01A001", shapely_box(304_900, 1_850_900, 304_960, 1_850_960)),  # 15 mm
        sheets.Feature("parcel", "01A002", shapely_box(305_000, 1_851_000, 305_006, 1_851_006)),  # 1.5 mm
        # a 12 m x 80 m strip (3 mm x 20 mm): the code only fits turned along it
        sheets.Feature("parcel", "01A003", shapely_box(305_100, 1_850_900, 305_112, 1_850_980)),
    ]
    drawing = sheets.page_svg(features, tile, layout)
    assert drawing.parcels == 3 and drawing.unlabelled == ["01A002"]
    assert ">01A001</text>" in drawing.svg and ">01A002</text>" not in drawing.svg
    assert re.search(r'transform="rotate\((-?90|90)[^"]*"[^>]*>01A003</text>', drawing.svg)


def test_a_label_never_leaves_its_parcel():
    parcel = shapely_box(0, 0, 30, 8)
    label = sheets.place_label("01A123", parcel, (2.5, 2.0))
    assert label is not None and parcel.contains(sheets.label_box(label))
    assert sheets.place_label("01A123", shapely_box(0, 0, 5, 2), (2.5, 2.0)) is None


def test_page_edges_are_not_drawn_as_parcel_lines():
    # A zone cut by the page must not trace the neatline (its dashed line would run along every edge).
    layout = sheets.page_layout("A3", 1000)
    (tile,) = sheets.plan_pages(sheets.Box.around(305_000, 1_851_000, 1, 1), layout, fit_to_extent=False)
    zone = sheets.Feature("zone", "01", shapely_box(304_000, 1_850_000, 305_000, 1_852_000))
    drawing = sheets.page_svg([zone], tile, layout)
    xs = {round(x, 1) for x, _y in path_points(drawing.svg, "01")}
    assert xs == {round(tile.frame.x0 + (305_000 - tile.ground.x0), 1)}  # only its east edge, a vertical line


def test_grid_north_and_convergence():
    # West of the central meridian (105° E) in the north, true north leans east of grid north (~0.5° here).
    assert 0.3 < sheets.convergence_deg(WGS_UTM, 305_000, 1_851_000) < 0.7


@pytest.mark.parametrize(
    ("text", "expected"),
    [("16.74, 103.175", (103.175, 16.74)), ("305447.6 1851685.6", None)],
)
def test_centre_is_lat_lon_or_utm(text, expected):
    lon, lat = parse_centre(text, utm_zone=48)
    if expected is None:
        expected = sheets.grid_to_lonlat(WGS_UTM, 305447.6, 1851685.6)
    assert (lon, lat) == pytest.approx(expected)


# --- database: the one query, the measured edge, the PDF ---------------------------------------------------


@pytest.mark.django_db
def test_one_query_clips_to_the_frame_and_keeps_to_the_organisation(org, other_org):
    frame = sheets.Box(305_000, 1_851_000, 305_200, 1_851_200)
    ParcelFactory(organisation=org, parcel_code="01A001", geom=square_lonlat(WGS_UTM, 305_050, 1_851_050, 40))
    ParcelFactory(organisation=org, parcel_code="01A002", geom=square_lonlat(WGS_UTM, 304_980, 1_851_100, 40))
    ParcelFactory(
        organisation=org,
        parcel_code="01A003",
        geom=square_lonlat(WGS_UTM, 305_100, 1_851_100, 20),
        status=Parcel.Status.RETIRED,
    )
    ParcelFactory(organisation=org, parcel_code="01A004", geom=square_lonlat(WGS_UTM, 306_000, 1_851_000, 40))
    ParcelFactory(
        organisation=other_org, parcel_code="01A005", geom=square_lonlat(WGS_UTM, 305_150, 1_851_150, 20)
    )
    with CaptureQueriesContext(connection) as queries:
        features = sheet_export.sheet_features(org=org, grid=WGS_UTM, ground=frame, tolerance_m=0.5)
    assert len(queries) == 1
    by_code = {f.label: f for f in features if f.kind == "parcel"}
    assert set(by_code) == {"01A001", "01A002"}  # not retired, not outside, not another organisation's
    assert by_code["01A001"].geom.area == pytest.approx(1600, abs=0.5)
    x0, _y0, x1, _y1 = by_code["01A002"].geom.bounds  # 20 of its 40 m lie west of the frame
    assert x0 == pytest.approx(305_000, abs=0.01) and x1 == pytest.approx(305_020, abs=0.01)


@pytest.mark.django_db
@pytest.mark.parametrize(("scale", "edge_mm"), [(1000, 40.0), (4000, 10.0)])
def test_a_registry_parcel_measures_true_on_paper(org, scale, edge_mm):
    # Stored in EPSG:4326, transformed by PostGIS to the organisation's UTM and drawn: 40 m stays 40 m.
    ParcelFactory(organisation=org, parcel_code="01A001", geom=square_lonlat(WGS_UTM, 305_000, 1_851_000, 40))
    request = SheetRequest(scale=scale, centre_lonlat=sheets.grid_to_lonlat(WGS_UTM, 305_020, 1_851_020))
    resolved = sheet_export.sheet_resolve(org=org, request=request)
    layout = sheets.page_layout("A3", scale)
    (tile,) = sheets.plan_pages(resolved.extent, layout, fit_to_extent=False)
    features = sheet_export.sheet_features(
        org=org, grid=resolved.grid, ground=tile.ground, tolerance_m=sheets.SIMPLIFY_M[scale]
    )
    svg = sheets.page_svg(features, tile, layout).svg
    assert edge_lengths_mm(path_points(svg, "01A001")) == pytest.approx([edge_mm] * 4, abs=0.02)


def _neatline_width_mm(pdf: bytes, folder) -> int:
    """Render at 25.4 dpi (1 px = 1 mm) and measure the black neatline across the middle of the map."""
    (folder / "sheet.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "25.4", "-gray", "-png", "-singlefile", folder / "sheet.pdf", folder / "page"],
        check=True,
    )
    image = Image.open(folder / "page.png").convert("L")
    row = image.height // 2
    dark = [x for x in range(image.width - 160) if image.getpixel((x, row)) < 40]
    return dark[-1] - dark[0]


@pytest.mark.django_db
def test_a1_dol_sheet_pdf_has_the_50_cm_frame(org, tmp_path):
    block = TaxMapBlockFactory(organisation=org, geom=square_lonlat(INDIAN, 304_500, 1_848_500, 600))
    ParcelFactory(
        organisation=org,
        parcel_code="01A001",
        block=block,
        geom=square_lonlat(INDIAN, 304_600, 1_848_600, 60),
    )
    result = sheet_export.sheet_pdf(
        org=org,
        request=SheetRequest(scale=4000, paper="A1", sheet_name=SHEET),
        printed_on=dt.date(2026, 3, 12),
    )
    assert result.pages == 1 and result.parcels == 1 and result.unlabelled == 0
    assert abs(_neatline_width_mm(result.pdf, tmp_path) - 500) <= 2
    text = pdf_text(result.pdf)
    assert "5642 III 0448" in text and "01A001" in text and "1:4,000" in text
    assert "Indian 1975 / UTM zone 48N" in text and "2569" in text  # the B.E. year of the printing date


# --- the page and the PDF view ---------------------------------------------------------------------------


@pytest.fixture
def block_with_parcels(org):
    zone = TaxMapZoneFactory(
        organisation=org, zone_no=1, geom=square_lonlat(WGS_UTM, 304_900, 1_850_900, 300)
    )
    block = TaxMapBlockFactory(
        organisation=org, zone=zone, block_letter="A", geom=square_lonlat(WGS_UTM, 304_950, 1_850_950, 200)
    )
    for n in range(4):
        ParcelFactory(
            organisation=org,
            parcel_code=f"01A{n + 1:03d}",
            block=block,
            geom=square_lonlat(WGS_UTM, 304_960 + n * 45, 1_851_000, 40),
        )
    Road.objects.create(
        organisation=org,
        name="Test road",
        surface=Road.Surface.ASPHALT,
        width_m=6,
        geom=_road_lonlat([(304_950, 1_850_990), (305_150, 1_850_990)]),
    )
    return block


def _road_lonlat(points):
    from django.contrib.gis.geos import LineString as GeosLine
    from django.contrib.gis.geos import MultiLineString

    return MultiLineString(GeosLine([sheets.grid_to_lonlat(WGS_UTM, x, y) for x, y in points]), srid=4326)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["surveyor", "tax_officer", "org_admin"])
def test_staff_get_the_pdf_of_a_block(client, request, org, block_with_parcels, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("imports:sheet")).status_code == 200
    response = client.get(
        reverse("imports:sheet_pdf"),
        {"scale": 1000, "paper": "A3", "block": block_with_parcels.pk, "grid": "utm"},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "sai-thong-sheet-01A-1-1000-a3.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert all(f"01A00{n}" in text for n in range(1, 5))
    assert fold_thai(org.name_th) in text and "Block 01A" in text and "1:1,000" in text
    assert str(be_year_of(timezone.localdate())) in text  # the B.E. year of the printing date
    assert "WGS 84 / UTM zone 48N" in text and "Test road" in text


@pytest.mark.django_db
def test_residents_are_refused_and_visitors_sent_to_log_in(client, org, resident, block_with_parcels):
    url = reverse("imports:sheet_pdf")
    params = {"scale": 1000, "paper": "A3", "block": block_with_parcels.pk, "grid": "utm"}
    assert client.get(url, params).status_code == 302
    client.force_login(resident)
    assert client.get(url, params).status_code == 403
    assert client.get(reverse("imports:sheet")).status_code == 403


@pytest.mark.django_db
def test_another_organisations_block_is_404(client, org, other_org, surveyor):
    theirs = TaxMapBlockFactory(organisation=other_org, geom=square_lonlat(WGS_UTM, 310_000, 1_851_000, 100))
    client.force_login(surveyor)
    params = {"scale": 1000, "paper": "A3", "block": theirs.pk, "grid": "utm"}
    assert client.get(reverse("imports:sheet_pdf"), params).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "Choose one of"),
        ({"sheet_name": SHEET, "centre": "16.74, 103.175"}, "Choose one of"),
        ({"sheet_name": "5642 X 0448"}, "is not a sheet name"),
        ({"sheet_name": "5642 I 0448"}, "No 1:4,000 sheet is named 5642 I 0448"),
        ({"sheet_name": SHEET, "scale": 1000}, "That needs 56 pages"),
        ({"sheet_name": "5038 III 1410"}, "lies outside the organisation"),
        ({"centre": "here"}, "Give two numbers"),
    ],
)
def test_wrong_requests_come_back_as_the_form_with_a_reason(client, org, surveyor, params, message):
    client.force_login(surveyor)
    query = {"scale": 4000, "paper": "A3", "grid": "utm", **params}
    response = client.get(reverse("imports:sheet_pdf"), query)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_export_sheet_command_writes_the_pdf(org, block_with_parcels, tmp_path):
    out = tmp_path / "sheet.pdf"
    stdout = io.StringIO()
    call_command("export_sheet", str(out), "--scale", "4000", "--block", "01a", "--lang", "en", stdout=stdout)
    assert out.read_bytes().startswith(b"%PDF") and "1 page(s), 4 parcels" in stdout.getvalue()
    assert "01A004" in pdf_text(out)
    with pytest.raises(CommandError, match="No block 09Z"):
        call_command("export_sheet", str(out), "--scale", "4000", "--block", "09Z")


def test_a_road_name_follows_its_road():
    label = sheets._road_label("Test road", [LineString([(0, 0), (100, 100)])])
    assert label is not None and label.angle_deg == pytest.approx(45)
