"""/api/v1/parcels/: scoping, roles, GeoJSON shape, bbox, paging; bad input refused with nothing saved."""

import json
import re
from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from rest_framework.test import APIClient

from apps.core.api import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, GeoJsonPagination
from apps.registry.models import Parcel
from apps.registry.tests.factories import (
    BuildingFactory,
    OwnerFactory,
    OwnershipFactory,
    ParcelFactory,
    VillageFactory,
    square,
)

LIST_URL = "/api/v1/parcels/"


def detail_url(parcel) -> str:
    return f"/api/v1/parcels/{parcel.pk}/"


def client_for(user=None, language="en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def geojson(geom) -> dict:
    return json.loads(geom.geojson)


def codes(response) -> set[str]:
    return {f["properties"]["parcel_code"] for f in response.json()["features"]}


@pytest.fixture
def parcel(org):
    return ParcelFactory(organisation=org, parcel_code="01A001", deed_area_sq_wa=Decimal("935.5"),
                         area_m2=Decimal("3742"), sheet_utm1="5642", sheet_utm2=3, sheet_utm3="0448")


@pytest.fixture
def foreign_parcel(other_org):
    return ParcelFactory(organisation=other_org, parcel_code="09Z009")


def new_parcel_body(**overrides) -> dict:
    body = {"parcel_code": "02B015", "geom": geojson(square(200)), "deed_area": "2-1-35.5",
            "document_no": "123"}
    body.update(overrides)
    return body


# --- reading ------------------------------------------------------------------------------------------------


def test_list_is_a_feature_collection_of_this_organisation_only(surveyor, parcel, foreign_parcel):
    response = client_for(surveyor).get(LIST_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == 1
    assert codes(response) == {"01A001"}


def test_feature_properties_carry_codes_units_and_counts(surveyor, parcel):
    BuildingFactory(organisation=parcel.organisation, parcel=parcel)
    BuildingFactory(organisation=parcel.organisation, parcel=parcel)
    feature = client_for(surveyor).get(detail_url(parcel)).json()
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "MultiPolygon"
    props = feature["properties"]
    assert props["parcel_code"] == "01A001"
    assert props["document_type"] == {"code": 1, "label": "Title deed (chanote)"}
    assert props["deed_area_sq_wa"] == "935.50"
    assert props["deed_area_rai_ngan_wa"] == "2-1-35.5"
    assert props["area_m2"] == "3742.00"
    assert props["map_area_rai_ngan_wa"] == "2-1-35.5"
    assert props["sheet"] == "5642 III 0448"
    assert props["status"]["code"] == "active"
    assert props["version"] == 1
    assert props["building_count"] == 2
    # PDPA: a surveyor does not see who owns the parcel.
    assert props["owners"] is None


def test_labels_follow_the_users_language(surveyor, parcel):
    props = client_for(surveyor, language="th").get(detail_url(parcel)).json()["properties"]
    assert props["document_type"]["label"] == "โฉนดที่ดิน"


def test_coordinates_are_trimmed_to_7_decimals(surveyor, org):
    ring = ((103.150000012345, 16.71), (103.1504, 16.71), (103.1504, 16.7104), (103.150000012345, 16.7104),
            (103.150000012345, 16.71))
    parcel = ParcelFactory(organisation=org, geom=MultiPolygon(Polygon(ring), srid=4326))
    feature = client_for(surveyor).get(detail_url(parcel)).json()
    first_x = feature["geometry"]["coordinates"][0][0][0][0]
    assert first_x == pytest.approx(103.15, abs=1e-9)
    decimals = re.findall(r"\.(\d+)", json.dumps(feature["geometry"]))
    assert max(len(d) for d in decimals) <= 7


def test_tax_officer_sees_owner_names(tax_officer, parcel):
    OwnershipFactory(organisation=parcel.organisation, parcel=parcel, owner__first_name="สมหญิง",
                     share_numerator=1, share_denominator=2)
    owners = client_for(tax_officer).get(detail_url(parcel)).json()["properties"]["owners"]
    assert [o["name"] for o in owners] == ["นายสมหญิง ใจดี"]
    assert owners[0]["share"] == "1/2"


def test_resident_sees_only_the_parcels_they_own(resident, org):
    owner = OwnerFactory(organisation=org, user=resident)
    mine = OwnershipFactory(organisation=org, owner=owner, parcel=ParcelFactory(organisation=org)).parcel
    # a parcel on which the resident owns only the house counts as theirs too
    house = BuildingFactory(organisation=org)
    OwnershipFactory(organisation=org, owner=owner, parcel=None, building=house)
    neighbour = ParcelFactory(organisation=org)
    client = client_for(resident)
    response = client.get(LIST_URL)
    assert codes(response) == {mine.parcel_code, house.parcel.parcel_code}
    assert client.get(detail_url(neighbour)).status_code == 404
    owners = client.get(detail_url(mine)).json()["properties"]["owners"]
    assert [o["owner_id"] for o in owners] == [owner.pk]


@pytest.mark.parametrize("role", ["surveyor", "tax_officer", "org_admin", "resident"])
def test_another_organisations_parcel_is_not_found(request, role, foreign_parcel):
    user = request.getfixturevalue(role)
    assert client_for(user).get(detail_url(foreign_parcel)).status_code == 404


def test_anonymous_is_refused(parcel):
    assert client_for().get(LIST_URL).status_code in (401, 403)
    assert client_for().get(detail_url(parcel)).status_code in (401, 403)


def test_user_without_membership_is_refused(db, parcel):
    from apps.organisations.tests.factories import UserFactory

    assert client_for(UserFactory()).get(LIST_URL).status_code == 403


# --- bbox and paging ----------------------------------------------------------------------------------------


def test_bbox_keeps_the_parcels_it_overlaps(surveyor, org):
    west = ParcelFactory(organisation=org, geom=square(0))
    east = ParcelFactory(organisation=org, geom=square(40))
    x, y = west.geom.extent[:2]
    bbox = f"{x - 0.0001},{y - 0.0001},{x + 0.0001},{y + 0.0001}"
    response = client_for(surveyor).get(LIST_URL, {"bbox": bbox})
    assert response.status_code == 200
    assert codes(response) == {west.parcel_code}
    assert east.parcel_code not in codes(response)


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "1,2,3,4,5", "nan,16,103,17", "103.2,16.7,103.1,16.8",
                                  "200,16,201,17"])
def test_malformed_bbox_is_a_400(surveyor, bbox):
    response = client_for(surveyor).get(LIST_URL, {"bbox": bbox})
    assert response.status_code == 400
    assert "bbox" in response.json()["detail"]


def test_pages_hold_100_by_default_and_at_most_1000(surveyor, org):
    limits = (GeoJsonPagination.page_size, GeoJsonPagination.max_page_size)
    assert limits == (PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX)
    assert (PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX) == (100, 1000)
    ParcelFactory.create_batch(3, organisation=org)
    body = client_for(surveyor).get(LIST_URL, {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["features"]) == 2
    assert "page=2" in body["next"]


def test_parcel_list_query_count_does_not_grow_with_parcels(tax_officer, org, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            ownership = OwnershipFactory(organisation=org)
            BuildingFactory(organisation=org, parcel=ownership.parcel)

    client = client_for(tax_officer)
    add(2)
    client.get(LIST_URL)  # warm the session
    # savepoint + release (ATOMIC_REQUESTS), session, user, membership, count, parcels (buildings counted
    # in the same query), ownerships with their owners: 8 however many parcels are on the page.
    with django_assert_max_num_queries(8):
        small = client.get(LIST_URL)
    add(20)
    with django_assert_max_num_queries(8):
        large = client.get(LIST_URL)
    assert small.json()["count"] == 2
    assert large.json()["count"] == 22
    assert all(f["properties"]["owners"] for f in large.json()["features"])


# --- writing ------------------------------------------------------------------------------------------------


def test_surveyor_creates_a_parcel_from_deed_text(surveyor, org):
    response = client_for(surveyor).post(LIST_URL, new_parcel_body(), format="json")
    assert response.status_code == 201, response.content
    parcel = Parcel.objects.get(organisation=org, parcel_code="02B015")
    assert parcel.deed_area_sq_wa == Decimal("935.5")
    assert parcel.area_m2 > 0  # measured by the service in UTM metres
    assert response.json()["properties"]["deed_area_rai_ngan_wa"] == "2-1-35.5"


@pytest.mark.parametrize("role", ["tax_officer", "resident"])
def test_only_surveyors_and_admins_create_parcels(request, role, org):
    user = request.getfixturevalue(role)
    response = client_for(user).post(LIST_URL, new_parcel_body(), format="json")
    assert response.status_code == 403
    assert not Parcel.objects.filter(organisation=org).exists()


def test_admin_creates_a_parcel(org_admin, org):
    assert client_for(org_admin).post(LIST_URL, new_parcel_body(), format="json").status_code == 201


def _refused(client, body, field, org):
    response = client.post(LIST_URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Parcel.objects.filter(organisation=org).exists()
    return response.json()[field]


def test_self_intersecting_geometry_is_refused(surveyor, org):
    x, y = 103.16, 16.72
    ring = [[x, y], [x + 0.001, y + 0.001], [x + 0.001, y], [x, y + 0.001], [x, y]]
    bowtie = {"type": "Polygon", "coordinates": [ring]}
    errors = _refused(client_for(surveyor), new_parcel_body(geom=bowtie), "geom", org)
    assert "self-intersection" in errors[0].lower()


def test_geometry_that_is_not_geojson_is_refused(surveyor, org):
    _refused(client_for(surveyor), new_parcel_body(geom="not a shape"), "geom", org)
    point = {"type": "Point", "coordinates": [103.16, 16.72]}
    errors = _refused(client_for(surveyor), new_parcel_body(geom=point), "geom", org)
    assert "Polygon" in errors[0]


def test_parcel_outside_the_organisation_is_refused(surveyor, org):
    far_away = geojson(MultiPolygon(Polygon.from_bbox((100.5, 13.7, 100.501, 13.701)), srid=4326))
    errors = _refused(client_for(surveyor), new_parcel_body(geom=far_away), "geom", org)
    assert "outside" in errors[0]


def test_duplicate_parcel_code_is_refused(surveyor, parcel, org):
    response = client_for(surveyor).post(LIST_URL, new_parcel_body(parcel_code="01A001"), format="json")
    assert response.status_code == 400
    assert "already" in json.dumps(response.json())
    assert Parcel.objects.filter(organisation=org).count() == 1


def test_bad_parcel_code_is_refused(surveyor, org):
    _refused(client_for(surveyor), new_parcel_body(parcel_code="XYZ"), "parcel_code", org)


@pytest.mark.parametrize("text", ["1-5-00", "1-0-100", "two rai", "1-2"])
def test_bad_deed_area_text_is_refused_naming_the_field(surveyor, org, text):
    errors = _refused(client_for(surveyor), new_parcel_body(deed_area=text), "deed_area", org)
    assert "rai-ngan-square wa" in errors[0]


def test_village_of_another_organisation_is_refused(surveyor, org, other_org):
    foreign_village = VillageFactory(organisation=other_org)
    _refused(client_for(surveyor), new_parcel_body(village=foreign_village.pk), "village", org)


def test_own_village_is_accepted(surveyor, org):
    village = VillageFactory(organisation=org, moo_no=3, name_th="บ้านหนองบัว")
    response = client_for(surveyor).post(LIST_URL, new_parcel_body(village=village.pk), format="json")
    assert response.status_code == 201
    assert response.json()["properties"]["village"] == {"id": village.pk, "moo_no": 3, "name_th": "บ้านหนองบัว"}


def test_patch_bumps_the_version(surveyor, parcel):
    response = client_for(surveyor).patch(detail_url(parcel), {"version": 1, "land_no": "77"}, format="json")
    assert response.status_code == 200, response.content
    parcel.refresh_from_db()
    assert (parcel.land_no, parcel.version) == ("77", 2)
    assert response.json()["properties"]["version"] == 2


def test_patch_with_a_stale_version_is_a_409_with_both_versions(surveyor, parcel):
    client = client_for(surveyor)
    assert client.patch(detail_url(parcel), {"version": 1, "land_no": "1"}, format="json").status_code == 200
    response = client.patch(detail_url(parcel), {"version": 1, "land_no": "2"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert (body["your_version"], body["current_version"]) == (1, 2)
    assert body["current"]["properties"]["land_no"] == "1"
    parcel.refresh_from_db()
    assert parcel.land_no == "1"


def test_patch_needs_the_version(surveyor, parcel):
    response = client_for(surveyor).patch(detail_url(parcel), {"land_no": "1"}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()


def test_patch_moves_the_geometry_and_remeasures(surveyor, parcel):
    response = client_for(surveyor).patch(
        detail_url(parcel), {"version": 1, "geom": geojson(square(300, 0.0008))}, format="json")
    assert response.status_code == 200, response.content
    parcel.refresh_from_db()
    assert parcel.area_m2 > Decimal("5000")  # ~89 m a side, measured again


def test_patch_of_another_organisations_parcel_is_a_404(surveyor, foreign_parcel):
    body = {"version": 1, "land_no": "1"}
    response = client_for(surveyor).patch(detail_url(foreign_parcel), body, format="json")
    assert response.status_code == 404
    foreign_parcel.refresh_from_db()
    assert foreign_parcel.land_no == ""


def test_tax_officer_cannot_patch_parcels(tax_officer, parcel):
    body = {"version": 1, "land_no": "1"}
    response = client_for(tax_officer).patch(detail_url(parcel), body, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Ensure this value is less than or equal to 4."),
    ("th", "ค่านี้ต้องน้อยกว่าหรือเท่ากับ 4"),
])
def test_model_validation_errors_speak_the_users_language(surveyor, parcel, language, message):
    # sheet_utm2 is checked by the model's validator inside parcel_update's full_clean, not by the serializer.
    response = client_for(surveyor, language=language).patch(
        detail_url(parcel), {"version": 1, "sheet_utm2": 7}, format="json")
    assert response.status_code == 400
    assert response.json()["sheet_utm2"] == [message]
    parcel.refresh_from_db()
    assert (parcel.sheet_utm2, parcel.version) == (3, 1)


def test_geometry_error_in_english(surveyor, parcel):
    far_away = geojson(MultiPolygon(Polygon.from_bbox((100.5, 13.7, 100.501, 13.701)), srid=4326))
    response = client_for(surveyor, language="en").patch(
        detail_url(parcel), {"version": 1, "geom": far_away}, format="json")
    assert response.status_code == 400
    assert response.json()["geom"] == [f"The boundary lies outside {parcel.organisation.name_th}."]
