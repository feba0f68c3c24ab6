"""The map pages in Debian's Chromium: each role clicks a parcel and reads its card; a surveyor draws, is
refused for an overlap, splits and merges, meets a conflict and reverts. Screenshots: var/screenshots/map-*.

Selectors are ids and data attributes, and the texts checked are data (codes, areas), so the tests do not
depend on the Thai catalogue being complete.
"""

import json
from decimal import Decimal

import pytest

from apps.registry import services
from apps.registry.models import Parcel
from apps.registry.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    OwnershipFactory,
    ParcelFactory,
    TaxMapZoneFactory,
)
from apps.registry.tests.test_topology import LAT0, LON0, M_PER_DEG_LAT, M_PER_DEG_LON, box_m
from apps.taxation.models import Assessment

from .conftest import LAPTOP, PHONE, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ZOOM = 19


def lat_lon(x_m: float, y_m: float) -> list[float]:
    return [LAT0 + y_m / M_PER_DEG_LAT, LON0 + x_m / M_PER_DEG_LON]


@pytest.fixture
def mapdata(org, resident):
    TaxMapZoneFactory(organisation=org, zone_no=1, geom=box_m(-200, -200, 300, 300))
    me = OwnerFactory(organisation=org, user=resident, first_name="มานี", last_name="มีนา")
    mine = ParcelFactory(
        organisation=org,
        parcel_code="01A001",
        geom=box_m(0, 0, 40, 40),
        deed_area_sq_wa=Decimal("400"),
        area_m2=Decimal("1600"),
    )
    OwnershipFactory(organisation=org, owner=me, parcel=mine)
    neighbour = ParcelFactory(
        organisation=org,
        parcel_code="01A002",
        geom=box_m(40, 0, 80, 40),
        deed_area_sq_wa=Decimal("400"),
        area_m2=Decimal("1600"),
    )
    other = OwnerFactory(organisation=org, first_name="ชูใจ")
    OwnershipFactory(organisation=org, parcel=neighbour, owner=other)
    BuildingFactory(
        organisation=org, parcel=neighbour, building_no=1, house_no="9", geom=box_m(50, 10, 60, 20)
    )
    Assessment.objects.create(
        organisation=org,
        tax_year=2568,
        owner=me,
        status="issued",
        input_document={},
        result={"lines": [{"refs": ["01A001"], "tax_satang": 123_400}]},
        total_satang=123_400,
    )
    return {"mine": mine, "neighbour": neighbour}


def open_map(page, live_server, x_m=40, y_m=20, zoom=ZOOM, path="/map/"):
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("#map[data-ready]")
    page.evaluate("([ll, z]) => gisMap.map.setView(ll, z, {animate: false})", [lat_lon(x_m, y_m), zoom])
    wait_for_tiles(page)


def wait_for_tiles(page):
    """Every vector-tile layer on the map has drawn its tiles (clicks hit features only after that)."""
    page.wait_for_function("() => Object.values(gisMap.grids).every(g => !g || !g._map || !g.isLoading())")
    page.wait_for_timeout(200)  # the canvas renderer draws on the next animation frame


def screen(page, x_m: float, y_m: float) -> tuple[float, float]:
    """Viewport pixel of a point given in the test grid's metres."""
    point = page.evaluate(
        "(ll) => { const p = gisMap.map.latLngToContainerPoint(ll); return [p.x, p.y]; }", lat_lon(x_m, y_m)
    )
    box = page.locator("#map").bounding_box()
    return box["x"] + point[0], box["y"] + point[1]


def click_at(page, x_m, y_m):
    # Move first, as a hand does: Geoman snaps its cursor to the neighbours' vertices on mouse moves.
    x, y = screen(page, x_m, y_m)
    page.mouse.move(x, y)
    page.wait_for_timeout(100)
    page.mouse.click(x, y)
    page.wait_for_timeout(150)


def card_text(page) -> str:
    # The card fills in parts (parcel, buildings, tax); the page marks it complete when all have arrived.
    page.wait_for_selector("#parcel-card[data-complete]:not([hidden]) h2")
    return page.locator("#parcel-card").inner_text()


ROLES = [
    # role, text the card of 01A001 must show, text it must not
    ("surveyor", "1-0-00", "มานี"),
    ("tax_officer", "มานี", None),
    ("resident", "1,234.00", None),
    ("org_admin", "มานี", None),
]


@pytest.mark.parametrize(("role", "shown", "hidden"), ROLES, ids=[r[0] for r in ROLES])
def test_each_role_clicks_a_parcel_and_reads_its_card(
    request, new_page, live_server, mapdata, foreign_requests, role, shown, hidden
):
    user = request.getfixturevalue(role)
    page = new_page(LAPTOP)
    login(page, live_server, user.username)
    page.locator('.role-nav a[href="/map/"]').click()
    page.wait_for_selector("#map[data-ready]")
    # Pan and zoom: from the organisation's extent (a resident: their own parcels) down to the parcels.
    assert page.evaluate("gisMap.map.getZoom()") < (19 if role == "resident" else 14)
    page.evaluate("([ll, z]) => gisMap.map.setView(ll, z, {animate: false})", [lat_lon(40, 20), 17])
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_function(f"gisMap.map.getZoom() === {ZOOM - 1}")
    page.wait_for_load_state("networkidle")
    click_at(page, 20, 20)
    text = card_text(page)
    assert "01A001" in text
    assert shown in text
    if hidden:
        assert hidden not in text
    assert page.locator(".leaflet-overlay-pane path").count() >= 1  # the selected outline
    screenshot(page, f"map-{role}-card")
    # The neighbour's card: a resident is told it is not theirs (the API's 404), the office sees it.
    click_at(page, 60, 30)
    text = card_text(page)
    if role == "resident":
        assert page.locator("#parcel-card .card-refused").count() == 1
        assert "ชูใจ" not in text
    else:
        assert "01A002" in text and "01A002-B001" in text
    assert foreign_requests == []


def test_resident_map_on_a_phone_and_a_neighbours_url_is_404(new_page, live_server, resident, mapdata):
    page = new_page(PHONE)
    login(page, live_server, resident.username)
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#map[data-ready]")
    page.wait_for_selector(".map-label")  # the resident's own parcel is outlined and labelled
    assert page.locator(".map-label").inner_text() == "01A001"
    page.wait_for_load_state("networkidle")
    screenshot(page, "map-resident-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    response = page.goto(f"{live_server.url}/map/parcels/{mapdata['neighbour'].pk}/")
    assert response.status == 404


def test_tax_officer_colours_parcels_by_assessed_tax(new_page, live_server, tax_officer, mapdata):
    page = new_page(LAPTOP)
    login(page, live_server, tax_officer.username)
    open_map(page, live_server)
    page.select_option("#colour-by", "tax")
    page.wait_for_function("Object.keys(gisMap.state.values).length === 1")
    assert page.locator("#legend li").count() >= 5
    page.wait_for_timeout(300)
    screenshot(page, "map-tax_officer-choropleth")
    page.fill("#map-search-q", "มานี")
    page.locator("#map-search button[type=submit]").click()
    assert "01A001" in card_text(page)


def wait_for_drawing(page):
    # The neighbours to snap to load first; Geoman's draw mode starts after them.
    page.wait_for_function("gisMap.map.pm.globalDrawModeEnabled()")


def draw_polygon(page, corners):
    for x, y in corners:
        click_at(page, x, y)
    click_at(page, *corners[0])  # back on the first vertex closes the shape


def test_surveyor_draws_a_parcel_and_is_refused_for_an_overlap(new_page, live_server, surveyor, mapdata, org):
    page = new_page(LAPTOP)
    login(page, live_server, surveyor.username)
    open_map(page, live_server, 40, 40)
    page.locator('[data-tool="draw-parcel"]').click()
    wait_for_drawing(page)
    # North of the two parcels, sharing their top edges (snapped to their corners).
    draw_polygon(page, [(0, 40), (80, 40), (80, 70), (0, 70)])
    page.wait_for_selector("#edit-form:not([hidden])")
    area = page.locator("#area-live").inner_text()
    assert "1-2-" in area  # 80 m x 30 m = 2,400 m² = 1 rai 2 ngan
    page.fill("#edit-code", "01A010")
    screenshot(page, "map-surveyor-drawing")
    page.locator("#edit-save").click()
    page.wait_for_selector("#map-message:not([hidden])")
    message = page.locator("#map-message")
    assert "ok" in message.get_attribute("class"), message.inner_text()
    drawn = Parcel.objects.get(organisation=org, parcel_code="01A010")
    assert float(drawn.area_m2) == pytest.approx(2400, rel=0.03)
    assert drawn.history.first().history_user == surveyor

    # Now one that overlaps 01A001 by far more than the tolerance.
    page.locator('[data-tool="draw-parcel"]').click()
    wait_for_drawing(page)
    draw_polygon(page, [(-20, -30), (20, -30), (20, 20), (-20, 20)])
    page.wait_for_selector("#edit-form:not([hidden])")
    page.fill("#edit-code", "01A011")
    page.locator("#edit-save").click()
    page.wait_for_selector("#map-message.error")
    assert "01A001" in page.locator("#map-message").inner_text()
    assert page.locator("path.topology-problem").count() >= 1  # the overlap drawn in red
    screenshot(page, "map-surveyor-overlap-refused")
    assert not Parcel.objects.filter(parcel_code="01A011").exists()


def test_surveyor_splits_then_merges(new_page, live_server, surveyor, mapdata, org):
    page = new_page(LAPTOP)
    login(page, live_server, surveyor.username)
    open_map(page, live_server)
    click_at(page, 20, 20)
    card_text(page)
    page.locator('[data-tool="split"]').click()
    wait_for_drawing(page)
    click_at(page, 20, -10)
    click_at(page, 20, 50)
    click_at(page, 20, 50)  # the last point again finishes the line
    page.wait_for_selector("#map-message.ok")
    assert "01A001/001" in page.locator("#map-message").inner_text()
    mapdata["mine"].refresh_from_db()
    assert mapdata["mine"].status == Parcel.Status.RETIRED
    children = list(Parcel.objects.filter(organisation=org, parcel_code__startswith="01A001/"))
    assert len(children) == 2
    # The split bumps the layer version: the page fetches the new TileJSON, then reloads the tiles with the
    # children; only then can they be clicked.
    page.wait_for_timeout(500)
    wait_for_tiles(page)
    screenshot(page, "map-surveyor-split")

    page.locator('[data-tool="merge"]').click()
    page.evaluate("gisMap.state.mergeIds = []")
    click_at(page, 10, 20)
    click_at(page, 30, 20)
    assert sorted(page.evaluate("gisMap.state.mergeIds")) == sorted(c.pk for c in children)
    page.locator('[data-tool="merge"]').click()
    page.wait_for_selector("#map-message.ok")
    merges = Parcel.objects.filter(organisation=org, status="active", parent_links__operation="merge")
    merged = merges.distinct().get()
    assert merged.parcel_code in page.locator("#map-message").inner_text()
    page.wait_for_load_state("networkidle")
    screenshot(page, "map-surveyor-merged")


def test_surveyor_meets_a_conflict_and_reverts(new_page, live_server, surveyor, mapdata, org):
    page = new_page(LAPTOP)
    login(page, live_server, surveyor.username)
    open_map(page, live_server)
    click_at(page, 20, 20)
    card_text(page)
    page.locator('[data-tool="reshape"]').click()
    page.wait_for_selector("#edit-form:not([hidden])")
    # Someone else saves the same parcel (version 1) meanwhile.
    services.parcel_update(
        org=org, parcel_id=mapdata["mine"].pk, expected_version=1, geom=box_m(0, 0, 40, 35)
    )
    page.locator("#edit-save").click()
    page.wait_for_selector("#map-message.conflict")
    message = page.locator("#map-message").inner_text()
    assert ": 1" in message and ": 2" in message  # both versions named
    assert page.locator("path.their-version").count() == 1
    screenshot(page, "map-surveyor-conflict")
    mapdata["mine"].refresh_from_db()
    assert mapdata["mine"].version == 2  # nothing overwritten

    page.locator("#map-message .button.primary").click()  # load their version
    page.wait_for_load_state("networkidle")
    page.locator('[data-tool="history"]').click()
    page.wait_for_selector("#history-panel .history-list li >> nth=1")
    rows = page.locator("#history-panel .history-list li")
    assert rows.count() == 2
    rows.nth(1).locator("button").first.click()  # the old outline, dashed on the map
    assert page.locator("path.history-outline").count() == 1
    screenshot(page, "map-surveyor-history")
    rows.nth(1).locator("button").nth(1).click()  # revert to version 1
    page.wait_for_selector("#map-message.ok")
    page.wait_for_function("document.querySelectorAll('#history-panel .history-list li').length === 3")
    mapdata["mine"].refresh_from_db()
    assert mapdata["mine"].version == 3
    assert mapdata["mine"].geom.equals_exact(box_m(0, 0, 40, 40), 1e-7)
    assert json.loads(mapdata["mine"].geom.geojson)["type"] == "MultiPolygon"
