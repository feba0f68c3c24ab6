"""/api/v1/roads/ and /api/v1/streetlights/: public works, every member reads them, one organisation."""

from decimal import Decimal

import pytest
from django.contrib.gis.geos import LineString, MultiLineString, Point
from rest_framework.test import APIClient

from apps.assets.models import Road, Streetlight


def client_for(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def make_road(org, name="ถนนสายหลัก", x=103.16, y=16.72) -> Road:
    return Road.objects.create(
        organisation=org, name=name, surface=Road.Surface.ASPHALT, width_m=Decimal("6.00"),
        geom=MultiLineString(LineString((x, y), (x + 0.01, y + 0.000000012345)), srid=4326),
    )


def make_light(org, pole_no="SL-001", road=None, x=103.161, y=16.721) -> Streetlight:
    return Streetlight.objects.create(organisation=org, pole_no=pole_no, lamp_type=Streetlight.LampType.LED,
                                      watts=40, road=road, geom=Point(x, y, srid=4326))


@pytest.mark.parametrize("role", ["surveyor", "tax_officer", "org_admin", "resident"])
def test_every_member_reads_roads_and_streetlights(request, role, org, other_org):
    road = make_road(org)
    light = make_light(org, road=road)
    make_road(other_org, name="ถนนอื่น", x=103.21)
    make_light(other_org, x=103.21)
    client = client_for(request.getfixturevalue(role))
    roads = client.get("/api/v1/roads/").json()
    lights = client.get("/api/v1/streetlights/").json()
    assert roads["type"] == lights["type"] == "FeatureCollection"
    assert [f["id"] for f in roads["features"]] == [road.pk]
    assert [f["id"] for f in lights["features"]] == [light.pk]
    assert lights["features"][0]["properties"]["road_name"] == "ถนนสายหลัก"


def test_road_detail_shape_precision_and_cross_organisation_404(surveyor, org, other_org):
    road = make_road(org)
    foreign = make_road(other_org, x=103.21)
    client = client_for(surveyor)
    feature = client.get(f"/api/v1/roads/{road.pk}/").json()
    assert feature["geometry"]["type"] == "MultiLineString"
    assert feature["properties"]["surface"] == {"code": "asphalt", "label": "Asphalt"}
    assert feature["geometry"]["coordinates"][0][1][1] == 16.72  # 16.720000012345 trimmed to 7 decimals
    assert client.get(f"/api/v1/roads/{foreign.pk}/").status_code == 404


def test_streetlight_detail_and_cross_organisation_404(surveyor, org, other_org):
    light = make_light(org)
    foreign = make_light(other_org, x=103.21)
    client = client_for(surveyor)
    assert client.get(f"/api/v1/streetlights/{light.pk}/").json()["properties"]["pole_no"] == "SL-001"
    assert client.get(f"/api/v1/streetlights/{foreign.pk}/").status_code == 404


def test_streetlights_bbox_and_bad_bbox(surveyor, org):
    near = make_light(org, pole_no="A", x=103.161, y=16.721)
    make_light(org, pole_no="B", x=103.19, y=16.76)
    client = client_for(surveyor)
    body = client.get("/api/v1/streetlights/", {"bbox": "103.16,16.72,103.17,16.73"}).json()
    assert [f["id"] for f in body["features"]] == [near.pk]
    assert client.get("/api/v1/streetlights/", {"bbox": "103.16,16.72"}).status_code == 400
    assert client.get("/api/v1/roads/", {"bbox": "inf,16,103,17"}).status_code == 400


def test_anonymous_cannot_read_assets(org):
    make_road(org)
    assert client_for().get("/api/v1/roads/").status_code in (401, 403)
    assert client_for().get("/api/v1/streetlights/").status_code in (401, 403)


def test_assets_are_read_only(surveyor, org):
    response = client_for(surveyor).post("/api/v1/roads/", {"name": "x"}, format="json")
    assert response.status_code == 405
    assert not Road.objects.filter(organisation=org).exists()
