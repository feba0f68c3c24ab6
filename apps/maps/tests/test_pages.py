"""The map page per role, its JSON reads (tax card, choropleth values) and the orthophoto tiles."""

import json
import re
from decimal import Decimal

import mapbox_vector_tile
import numpy as np
import pytest
from django.contrib.gis.geos import LineString
from PIL import Image

from apps.maps import ortho
from apps.registry import services
from apps.registry.tests.factories import OwnerFactory, OwnershipFactory, ParcelFactory, square
from apps.taxation.models import Assessment

from .conftest import tile_of


def page_config(response) -> dict:
    match = re.search(r'<script id="map-config" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    assert match, "the page carries its config"
    return json.loads(match.group(1))


@pytest.fixture
def parcels(org, resident):
    me = OwnerFactory(organisation=org, user=resident)
    mine = ParcelFactory(organisation=org, parcel_code="01A001", geom=square(0))
    OwnershipFactory(organisation=org, parcel=mine, owner=me)
    neighbour = ParcelFactory(organisation=org, parcel_code="01A002", geom=square(1))
    OwnershipFactory(organisation=org, parcel=neighbour)
    return {"mine": mine, "neighbour": neighbour, "me": me}


def assess(org, owner, lines, status=Assessment.Status.ISSUED, year=2568, version=1):
    total = sum(line["tax_satang"] for line in lines)
    return Assessment.objects.create(
        organisation=org, tax_year=year, owner=owner, status=status, version=version, input_document={},
        result={"total_satang": total, "lines": lines}, total_satang=total,
    )


@pytest.mark.parametrize(("role", "can_edit", "colour_by_tax", "is_resident"), [
    ("surveyor", True, False, False),
    ("tax_officer", False, True, False),
    ("resident", False, False, True),
    ("org_admin", True, True, False),
])
def test_each_role_gets_its_map_page(request, client, parcels, role, can_edit, colour_by_tax, is_resident):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get("/map/")
    assert response.status_code == 200
    config = page_config(response)
    assert config["can_edit"] is can_edit
    assert config["can_colour_by_tax"] is colour_by_tax
    assert config["is_resident"] is is_resident
    assert config["urls"]["tilejson"]["parcels"] == "/tiles/parcels.json"
    assert config["urls"]["ortho"] is None  # no orthophoto configured: the choice is hidden
    assert config["texts"]["parcel"]
    html = response.content.decode()
    assert ('data-tool="split"' in html) is can_edit
    assert ('id="colour-by"' in html) is colour_by_tax
    # Front-end packages from our own static files, never a CDN.
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js" in html
    assert ("/static/vendor/geoman/leaflet-geoman.min.js" in html) is can_edit
    assert "unpkg" not in html and "cdn" not in html.lower()
    # The role menu links to the map.
    assert 'href="/map/"' in html


def test_visitors_are_sent_to_log_in(client, org):
    response = client.get("/map/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_resident_opens_own_parcel_by_url_but_not_anothers(client, resident, parcels, other_org):
    client.force_login(resident)
    response = client.get(f"/map/parcels/{parcels['mine'].pk}/")
    assert response.status_code == 200
    assert page_config(response)["initial_parcel"] == parcels["mine"].pk
    assert client.get(f"/map/parcels/{parcels['neighbour'].pk}/").status_code == 404
    # The card's data comes from the API, which says the same.
    assert client.get(f"/api/v1/parcels/{parcels['neighbour'].pk}/").status_code == 404
    assert client.get(f"/map/parcels/{parcels['neighbour'].pk}/tax.json").status_code == 404
    foreign = ParcelFactory(organisation=other_org, parcel_code="01A003")
    assert client.get(f"/map/parcels/{foreign.pk}/").status_code == 404


def test_card_tax_is_the_sum_of_the_lines_naming_the_parcel(client, org, tax_officer, parcels):
    neighbour_owner = parcels["neighbour"].ownerships.get().owner
    OwnershipFactory(organisation=org, parcel=parcels["mine"], owner=neighbour_owner)
    assess(org, parcels["me"], [{"refs": ["01A001"], "tax_satang": 12_345}])
    # Co-owner: one line grouping two adjoining parcels, shared evenly (1001 → 501 + 500).
    assess(org, neighbour_owner, [{"refs": ["01A001", "01A002"], "tax_satang": 1_001}])
    # A draft beside an issued assessment is not counted: the issued one is the current one.
    assess(org, parcels["me"], [{"refs": ["01A001"], "tax_satang": 99_999}], status=Assessment.Status.DRAFT,
           version=2)
    client.force_login(tax_officer)
    answer = client.get(f"/map/parcels/{parcels['mine'].pk}/tax.json").json()
    assert answer["assessed"] == {
        "tax_year": 2568, "tax_satang": 12_345 + 501, "shared": True, "issued": True,
    }
    assert "payment" in answer


def test_resident_sees_the_tax_of_own_parcel_and_surveyor_none(client, org, resident, surveyor, parcels):
    assess(org, parcels["me"], [{"refs": ["01A001"], "tax_satang": 5_000}], status=Assessment.Status.DRAFT)
    client.force_login(resident)
    answer = client.get(f"/map/parcels/{parcels['mine'].pk}/tax.json").json()
    assert answer["assessed"]["tax_satang"] == 5_000
    assert answer["assessed"]["issued"] is False
    client.force_login(surveyor)
    assert client.get(f"/map/parcels/{parcels['mine'].pk}/tax.json").status_code == 403


def test_parcel_without_assessment_says_so(client, tax_officer, parcels):
    client.force_login(tax_officer)
    assert client.get(f"/map/parcels/{parcels['mine'].pk}/tax.json").json()["assessed"] is None


def test_choropleth_values_by_parcel_for_the_tax_office_only(client, org, tax_officer, surveyor, parcels):
    assess(org, parcels["me"], [{"refs": ["01A001"], "tax_satang": 7_000}])
    client.force_login(tax_officer)
    answer = client.get("/map/values/tax.json").json()
    assert answer["tax_year"] == 2568
    assert answer["values"] == {str(parcels["mine"].pk): 7_000}
    payment = client.get("/map/values/payment.json").json()
    assert payment["measure"] == "payment_status"
    assert isinstance(payment["available"], bool)
    assert client.get("/map/values/owners.json").status_code == 404
    client.force_login(surveyor)
    assert client.get("/map/values/tax.json").status_code == 403


# --- orthophoto --------------------------------------------------------------------------------------------


@pytest.fixture
def geotiff(tmp_path):
    """A 200 x 200 px RGB GeoTIFF in UTM 48N over part of Sai Thong, 0.5 m pixels, with a red west half."""
    import rasterio
    from rasterio.transform import from_origin

    path = tmp_path / "ortho.tif"
    data = np.zeros((3, 200, 200), dtype=np.uint8)
    data[0, :, :100] = 220
    data[1, :, 100:] = 180
    with rasterio.open(path, "w", driver="GTiff", width=200, height=200, count=3, dtype="uint8",
                       crs="EPSG:32648", transform=from_origin(302_600, 1_848_900, 0.5, 0.5)) as dataset:
        dataset.write(data)
    return path


def test_orthophoto_tiles_are_cut_from_the_geotiff(client, surveyor, org, geotiff, settings):
    settings.GIS_PORTAL_ORTHOPHOTO = str(geotiff)
    west, south, east, north = ortho.orthophoto_bounds_4326(geotiff)
    client.force_login(surveyor)
    config = page_config(client.get("/map/"))
    assert config["urls"]["ortho"] == "/map/ortho/{z}/{x}/{y}.png"

    x, y = ortho.lonlat_to_tile((west + east) / 2, (south + north) / 2, 18)
    response = client.get(f"/map/ortho/18/{x}/{y}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(__import__("io").BytesIO(response.content)).convert("RGBA")
    pixels = np.asarray(image)
    assert image.size == (256, 256)
    opaque = pixels[..., 3] > 0
    assert opaque.any()
    # Red where the west half of the image falls, green where the east half does.
    assert (pixels[opaque][:, 0] > 200).any() and (pixels[opaque][:, 1] > 150).any()

    far_x, far_y = ortho.lonlat_to_tile(100.5, 13.7, 18)
    far = Image.open(__import__("io").BytesIO(client.get(f"/map/ortho/18/{far_x}/{far_y}.png").content))
    assert np.asarray(far.convert("RGBA"))[..., 3].max() == 0


def test_no_orthophoto_no_tiles(client, surveyor, org, settings):
    settings.GIS_PORTAL_ORTHOPHOTO = ""
    client.force_login(surveyor)
    assert client.get("/map/ortho/18/1/1.png").status_code == 404


# --- tiles after an edit: decoded MVT, by role -------------------------------------------------------------


def test_split_shows_in_the_tiles_with_role_scoped_attributes(
    client, org, surveyor, tax_officer, resident, parcels
):
    mother = parcels["neighbour"]
    x0, y0, x1, y1 = mother.geom.extent
    cut = LineString(((x0 + x1) / 2, y0 - 0.0001), ((x0 + x1) / 2, y1 + 0.0001), srid=4326)
    children = services.parcel_split(org=org, parcel_id=mother.pk, cut_line=cut)
    z, x, y = tile_of(x0, y0, 16)
    seen = {}
    for user in (surveyor, tax_officer, resident):
        client.force_login(user)
        template = client.get("/tiles/parcels.json").json()["tiles"][0]
        path = template.split("://", 1)[1].split("/", 1)[1]
        body = client.get("/" + path.format(z=z, x=x, y=y)).content
        features = mapbox_vector_tile.decode(body)["parcels"]["features"]
        seen[user.username] = {f["properties"]["parcel_code"]: f["properties"] for f in features}
    for codes in seen.values():
        # The retired mother is off the map; its children are on it.
        assert "01A002" not in codes
        assert {c.parcel_code for c in children} <= set(codes)
    child = children[0].parcel_code
    assert "owner_names" in seen[tax_officer.username][child]
    assert "owner_names" not in seen[surveyor.username][child]
    assert "deed_area_sq_wa" in seen[surveyor.username][child]
    # A resident's tile has the public attributes only (empty ones are left out of an MVT).
    assert set(seen[resident.username][child]) <= {"parcel_code", "land_use", "village"}
    assert seen[surveyor.username][child]["deed_area_sq_wa"] == pytest.approx(200, abs=5)
    assert Decimal(str(seen[surveyor.username][child]["area_m2"])) > 0
