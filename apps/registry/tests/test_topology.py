"""Server-side topology on parcel writes: overlaps beyond the tolerance, new slivers, and where they are."""

import json
import math

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from apps.registry import topology
from apps.registry.models import Parcel
from apps.registry.services import parcel_create, parcel_update
from apps.registry.tests.factories import ParcelFactory

# A local grid in metres around a point inside Sai Thong, so the tests read in metres.
LON0, LAT0 = 103.160, 16.720
M_PER_DEG_LAT = 110_700.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(LAT0))


def box_m(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    return MultiPolygon(
        Polygon.from_bbox((LON0 + x0 / M_PER_DEG_LON, LAT0 + y0 / M_PER_DEG_LAT,
                           LON0 + x1 / M_PER_DEG_LON, LAT0 + y1 / M_PER_DEG_LAT)),
        srid=4326,
    )


@pytest.fixture
def neighbour(org):
    """A 40 m square from x=0 to x=40; new parcels are drawn east of it."""
    return ParcelFactory(organisation=org, parcel_code="01A001", geom=box_m(0, 0, 40, 40))


def problems_of(excinfo) -> list[topology.TopologyProblem]:
    assert isinstance(excinfo.value, topology.TopologyError)
    return excinfo.value.problems


def test_parcel_sharing_an_edge_with_its_neighbour_is_accepted(org, neighbour):
    parcel = parcel_create(org=org, geom=box_m(40, 0, 80, 40), parcel_code="01A002")
    assert parcel.pk and parcel.area_m2 > 1500


def test_overlap_beyond_the_tolerance_is_refused_with_its_place(org, neighbour):
    with pytest.raises(ValidationError) as excinfo:
        parcel_create(org=org, geom=box_m(30, 0, 70, 40), parcel_code="01A002")
    (problem,) = problems_of(excinfo)
    assert problem.code == "overlap"
    assert problem.neighbour_code == "01A001"
    assert problem.area_m2 == pytest.approx(400, rel=0.02)  # 10 m x 40 m
    where = GEOSGeometry(json.dumps(problem.where), srid=4326)
    assert where.geom_type in ("Polygon", "MultiPolygon")
    # The red part is the overlap, inside both parcels, not the whole new parcel.
    assert neighbour.geom.buffer(1e-7).contains(where)
    assert "01A001" in problem.message
    assert excinfo.value.message_dict["geom"] == [problem.message]
    assert not Parcel.objects.filter(parcel_code="01A002").exists()


def test_overlap_within_the_tolerance_is_digitising_slack(org, neighbour):
    # 0.02 m x 40 m = 0.8 m², under the default 1 m².
    assert parcel_create(org=org, geom=box_m(39.98, 0, 80, 40), parcel_code="01A002").pk


def test_the_tolerance_is_a_setting(org, neighbour, settings):
    settings.GIS_PORTAL_TOPOLOGY_OVERLAP_TOLERANCE_M2 = 0.1
    # 0.8 m² of overlap (accepted by default) is refused once the tolerance is 0.1 m².
    with pytest.raises(topology.TopologyError):
        parcel_create(org=org, geom=box_m(39.98, 0, 80, 40), parcel_code="01A002")
    settings.GIS_PORTAL_TOPOLOGY_OVERLAP_TOLERANCE_M2 = 500
    assert parcel_create(org=org, geom=box_m(30, 0, 70, 40), parcel_code="01A002").pk


def test_new_parcel_leaving_a_thin_gap_to_its_neighbour_is_a_sliver(org, neighbour):
    with pytest.raises(topology.TopologyError) as excinfo:
        parcel_create(org=org, geom=box_m(40.3, 0, 80, 40), parcel_code="01A002")
    (problem,) = problems_of(excinfo)
    assert problem.code == "sliver"
    assert problem.area_m2 == pytest.approx(12, rel=0.1)  # 0.3 m x 40 m
    gap = GEOSGeometry(json.dumps(problem.where), srid=4326)
    assert gap.intersects(box_m(40.05, 5, 40.25, 35))


def test_a_lane_wider_than_the_sliver_width_is_not_a_sliver(org, neighbour):
    assert parcel_create(org=org, geom=box_m(44, 0, 80, 40), parcel_code="01A002").pk


def test_pulling_a_shared_edge_back_a_little_opens_a_sliver(org, neighbour):
    parcel = parcel_create(org=org, geom=box_m(40, 0, 80, 40), parcel_code="01A002")
    with pytest.raises(topology.TopologyError) as excinfo:
        parcel_update(org=org, parcel_id=parcel.pk, expected_version=1, geom=box_m(40.4, 0, 80, 40))
    assert [p.code for p in problems_of(excinfo)] == ["sliver"]
    parcel.refresh_from_db()
    assert parcel.version == 1
    # Moving it well away (a new 6 m lane) is a deliberate change, not a sliver.
    moved = parcel_update(org=org, parcel_id=parcel.pk, expected_version=1, geom=box_m(46, 0, 80, 40))
    assert moved.version == 2


def test_the_sliver_width_is_a_setting(org, neighbour, settings):
    settings.GIS_PORTAL_TOPOLOGY_SLIVER_WIDTH_M = 0.2
    assert parcel_create(org=org, geom=box_m(40.3, 0, 80, 40), parcel_code="01A002").pk


def test_gaps_that_were_there_before_are_not_blamed_on_the_edit(org):
    ParcelFactory(organisation=org, parcel_code="01A001", geom=box_m(0, 0, 40, 40))
    ParcelFactory(organisation=org, parcel_code="01A002", geom=box_m(40.3, 0, 80, 40))  # an old sliver
    third = parcel_create(org=org, geom=box_m(0, 40, 80, 80), parcel_code="01A003")
    # Editing the third parcel's far edge leaves the old gap between the other two alone.
    assert parcel_update(org=org, parcel_id=third.pk, geom=box_m(0, 40, 80, 90)).version == 2


def test_a_fix_of_the_deed_number_is_not_refused_for_an_old_overlap(org, neighbour):
    legacy = ParcelFactory(organisation=org, parcel_code="01A002", geom=box_m(30, 0, 70, 40))
    assert parcel_update(org=org, parcel_id=legacy.pk, document_no="777").document_no == "777"


def test_retired_parcels_and_other_organisations_do_not_count(org, other_org, neighbour):
    neighbour.status = Parcel.Status.RETIRED
    neighbour.save()
    ParcelFactory(organisation=other_org, parcel_code="01A009", geom=box_m(30, 0, 70, 40))
    assert parcel_create(org=org, geom=box_m(30, 0, 70, 40), parcel_code="01A002").pk


def test_self_intersection_says_where(org):
    x, y = LON0, LAT0
    bowtie = Polygon(((x, y), (x + 0.001, y + 0.001), (x + 0.001, y), (x, y + 0.001), (x, y)), srid=4326)
    with pytest.raises(topology.TopologyError) as excinfo:
        parcel_create(org=org, geom=bowtie, parcel_code="01A002")
    (problem,) = problems_of(excinfo)
    assert problem.code == "invalid"
    assert problem.where["type"] == "Point"
    assert problem.where["coordinates"] == pytest.approx([x + 0.0005, y + 0.0005], abs=1e-6)


def test_outside_the_organisation_says_which_part(org):
    # Sai Thong ends at 103.1944 east; this parcel sticks 100 m beyond it.
    east = 103.1944
    geom = MultiPolygon(Polygon.from_bbox((east - 0.001, 16.72, east + 0.001, 16.721)), srid=4326)
    with pytest.raises(topology.TopologyError) as excinfo:
        parcel_create(org=org, geom=geom, parcel_code="01A002")
    (problem,) = problems_of(excinfo)
    assert problem.code == "outside"
    assert GEOSGeometry(json.dumps(problem.where)).extent[0] == pytest.approx(east, abs=1e-6)


def test_api_answers_400_with_the_place_to_draw(surveyor, org, neighbour):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(surveyor)
    body = {"parcel_code": "01A002", "geom": json.loads(box_m(30, 0, 70, 40).geojson)}
    response = client.post("/api/v1/parcels/", body, format="json")
    assert response.status_code == 400
    answer = response.json()
    assert answer["field"] == "geom"
    assert "01A001" in answer["message"]
    assert answer["where"]["type"] == "FeatureCollection"
    (feature,) = answer["where"]["features"]
    assert feature["properties"]["code"] == "overlap"
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert answer["geom"] == [answer["message"]]
