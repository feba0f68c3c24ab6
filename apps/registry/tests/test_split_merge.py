"""Split along a line, merge adjoining parcels, revert to an old version, conflicts: services and API."""

import json
from decimal import Decimal

import pytest
from django.contrib.gis.geos import LineString
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from apps.registry import selectors, services
from apps.registry.errors import ParcelEditConflict
from apps.registry.models import Building, LandUse, Ownership, Parcel, ParcelLineage
from apps.registry.tests.factories import BuildingFactory, OwnerFactory, OwnershipFactory, ParcelFactory

from .test_topology import LAT0, LON0, M_PER_DEG_LAT, M_PER_DEG_LON, box_m


def line_m(*points) -> LineString:
    return LineString([(LON0 + x / M_PER_DEG_LON, LAT0 + y / M_PER_DEG_LAT) for x, y in points], srid=4326)


def split_url(parcel) -> str:
    return f"/api/v1/parcels/{parcel.pk}/split/"


def client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def mother(org):
    """A 40 m x 40 m parcel with two owners (1/3, 2/3), two land uses and a house on its west half."""
    parcel = ParcelFactory(organisation=org, parcel_code="01A005", geom=box_m(0, 0, 40, 40),
                           deed_area_sq_wa=Decimal("400.00"), area_m2=Decimal("1600"))
    a, b = OwnerFactory(organisation=org), OwnerFactory(organisation=org)
    OwnershipFactory(organisation=org, parcel=parcel, owner=a, share_numerator=1, share_denominator=3)
    OwnershipFactory(organisation=org, parcel=parcel, owner=b, share_numerator=2, share_denominator=3)
    LandUse.objects.create(organisation=org, parcel=parcel, use_code=1, area_sq_wa=Decimal("300"))
    LandUse.objects.create(organisation=org, parcel=parcel, use_code=2, area_sq_wa=Decimal("100"))
    BuildingFactory(organisation=org, parcel=parcel, building_no=1, geom=box_m(5, 5, 15, 15))
    return parcel


def test_split_along_a_line_makes_children_with_suffixes_and_retires_the_parent(org, mother, surveyor):
    # A north-south cut at x=25: 25 m on the west (with the house) and 15 m on the east.
    children = services.parcel_split(org=org, parcel_id=mother.pk, cut_line=line_m((25, -5), (25, 45)),
                                     expected_version=1, by=surveyor)
    assert sorted(c.parcel_code for c in children) == ["01A005/001", "01A005/002"]
    mother.refresh_from_db()
    assert mother.status == Parcel.Status.RETIRED
    assert mother.version == 2
    areas = sorted(float(c.area_m2) for c in children)
    assert areas == pytest.approx([600, 1000], rel=0.02)
    assert float(sum(c.area_m2 for c in children)) == pytest.approx(float(mother.area_m2), rel=0.01)
    # Lineage: both children point back to the mother.
    links = ParcelLineage.objects.filter(parent=mother)
    assert {link.child_id for link in links} == {c.pk for c in children}
    assert {link.operation for link in links} == {"split"}
    for child in children:
        shares = sorted((o.share_numerator, o.share_denominator) for o in child.ownerships.all())
        assert shares == [(1, 3), (2, 3)]
        uses = {u.use_code: u.area_sq_wa for u in child.land_uses.all()}
        ratio = Decimal(str(float(child.area_m2) / 1600))
        assert uses[1] == pytest.approx(Decimal(300) * ratio, abs=Decimal("2"))
        assert child.deed_area_sq_wa == pytest.approx(Decimal(400) * ratio, abs=Decimal("2"))
        assert child.history.first().history_user == surveyor
    # The house stands on the west strip and moved there; the mother's rows are kept, not deleted.
    west = min(children, key=lambda c: c.geom.extent[0])
    assert Building.objects.get(building_no=1).parcel == west
    assert Ownership.objects.filter(parcel=mother).count() == 2
    assert set(selectors.parcel_lineage_to_confirm(org=org)) == set(children)


def test_a_second_split_takes_the_next_suffix(org, mother):
    first, _second = services.parcel_split(org=org, parcel_id=mother.pk, cut_line=line_m((20, -5), (20, 45)))
    again = services.parcel_split(org=org, parcel_id=first.pk, cut_line=line_m((-5, 20), (45, 20)))
    assert sorted(c.parcel_code for c in again) == ["01A005/003", "01A005/004"]


@pytest.mark.parametrize("line", [
    line_m((10, -5), (10, 20)),     # stops in the middle
    line_m((50, -5), (50, 45)),     # misses the parcel
])
def test_a_line_that_does_not_cut_through_is_refused(org, mother, line):
    with pytest.raises(ValidationError) as excinfo:
        services.parcel_split(org=org, parcel_id=mother.pk, cut_line=line)
    assert "cut_line" in excinfo.value.message_dict
    mother.refresh_from_db()
    assert mother.status == Parcel.Status.ACTIVE


def test_a_retired_parcel_cannot_be_split_again(org, mother):
    services.parcel_split(org=org, parcel_id=mother.pk, cut_line=line_m((20, -5), (20, 45)))
    with pytest.raises(ValidationError):
        services.parcel_split(org=org, parcel_id=mother.pk, cut_line=line_m((30, -5), (30, 45)))


def test_split_with_a_stale_version_is_a_conflict(org, mother):
    services.parcel_update(org=org, parcel_id=mother.pk, expected_version=1, document_no="9")
    with pytest.raises(ParcelEditConflict):
        services.parcel_split(org=org, parcel_id=mother.pk, cut_line=line_m((20, -5), (20, 45)),
                              expected_version=1)


@pytest.fixture
def pair(org):
    west = ParcelFactory(organisation=org, parcel_code="01A001", geom=box_m(0, 0, 40, 40),
                         area_m2=Decimal(1600), deed_area_sq_wa=Decimal("400"))
    east = ParcelFactory(organisation=org, parcel_code="01A002", geom=box_m(40, 0, 60, 40),
                         area_m2=Decimal(800), deed_area_sq_wa=Decimal("200"))
    owner = OwnerFactory(organisation=org)
    OwnershipFactory(organisation=org, parcel=west, owner=owner)
    OwnershipFactory(organisation=org, parcel=east, owner=owner)
    BuildingFactory(organisation=org, parcel=west, building_no=1)
    BuildingFactory(organisation=org, parcel=east, building_no=1)
    ParcelFactory(organisation=org, parcel_code="01A007", geom=box_m(100, 0, 120, 20))
    return west, east


def test_merge_of_adjoining_parcels_takes_the_next_free_lot_of_the_block(org, pair, surveyor):
    west, east = pair
    merged = services.parcel_merge(org=org, parcel_ids=[west.pk, east.pk],
                                   expected_versions={west.pk: 1, east.pk: 1}, by=surveyor)
    assert merged.parcel_code == "01A008"  # 01A007 is the highest lot of block 01A
    assert merged.geom.num_geom == 1
    assert float(merged.area_m2) == pytest.approx(2400, rel=0.02)
    assert merged.deed_area_sq_wa == Decimal("600")
    for parent in (west, east):
        parent.refresh_from_db()
        assert parent.status == Parcel.Status.RETIRED
    assert set(ParcelLineage.objects.filter(child=merged).values_list("parent_id", "operation")) == {
        (west.pk, "merge"), (east.pk, "merge")}
    (ownership,) = merged.ownerships.all()
    assert (ownership.share_numerator, ownership.share_denominator) == (1, 1)
    # Both buildings were no. 1 on their parcels; on the merged parcel they are 1 and 2.
    assert sorted(merged.buildings.values_list("building_no", flat=True)) == [1, 2]


def test_merge_of_different_owners_weights_shares_by_area(org, pair):
    west, east = pair
    east.ownerships.all().delete()
    OwnershipFactory(organisation=org, parcel=east)
    merged = services.parcel_merge(org=org, parcel_ids=[west.pk, east.pk])
    shares = sorted((o.share_numerator, o.share_denominator) for o in merged.ownerships.all())
    assert shares == [(1, 3), (2, 3)]


@translation.override("en")
def test_parcels_that_only_touch_at_a_corner_or_not_at_all_are_not_merged(org):
    a = ParcelFactory(organisation=org, parcel_code="01A001", geom=box_m(0, 0, 10, 10))
    corner = ParcelFactory(organisation=org, parcel_code="01A002", geom=box_m(10, 10, 20, 20))
    far = ParcelFactory(organisation=org, parcel_code="01A003", geom=box_m(50, 0, 60, 10))
    for other in (corner, far):
        with pytest.raises(ValidationError) as excinfo:
            services.parcel_merge(org=org, parcel_ids=[a.pk, other.pk])
        assert "adjoin" in str(excinfo.value)
    assert Parcel.objects.filter(status=Parcel.Status.ACTIVE).count() == 3


def test_merge_across_blocks_or_organisations_is_refused(org, other_org):
    a = ParcelFactory(organisation=org, parcel_code="01A001", geom=box_m(0, 0, 10, 10))
    b = ParcelFactory(organisation=org, parcel_code="01B001", geom=box_m(10, 0, 20, 10))
    with pytest.raises(ValidationError):
        services.parcel_merge(org=org, parcel_ids=[a.pk, b.pk])
    foreign = ParcelFactory(organisation=other_org, parcel_code="01A002", geom=box_m(10, 0, 20, 10))
    with pytest.raises(Parcel.DoesNotExist):
        services.parcel_merge(org=org, parcel_ids=[a.pk, foreign.pk])


def test_revert_brings_back_an_old_outline_as_a_new_version(org, surveyor):
    parcel = services.parcel_create(org=org, geom=box_m(0, 0, 40, 40), parcel_code="01A001")
    services.parcel_update(org=org, parcel_id=parcel.pk, expected_version=1, geom=box_m(0, 0, 50, 40),
                           document_no="77")
    first = parcel.history.order_by("history_id").first()
    reverted = services.parcel_revert(org=org, parcel_id=parcel.pk, history_id=first.history_id,
                                      expected_version=2, by=surveyor)
    assert reverted.version == 3
    assert reverted.geom.equals_exact(box_m(0, 0, 40, 40), 1e-9)
    assert reverted.document_no == first.document_no
    assert parcel.history.count() == 3  # nothing rewritten: a third row
    assert parcel.history.first().history_change_reason == "revert to version 1"


def test_revert_passes_the_topology_checks_too(org):
    parcel = services.parcel_create(org=org, geom=box_m(0, 0, 40, 40), parcel_code="01A001")
    services.parcel_update(org=org, parcel_id=parcel.pk, geom=box_m(0, 0, 20, 40))
    services.parcel_create(org=org, geom=box_m(20, 0, 40, 40), parcel_code="01A002")
    first = parcel.history.order_by("history_id").first()
    with pytest.raises(ValidationError) as excinfo:
        services.parcel_revert(org=org, parcel_id=parcel.pk, history_id=first.history_id)
    assert "01A002" in str(excinfo.value)


def test_revert_to_another_parcels_version_is_refused(org):
    a = ParcelFactory(organisation=org, parcel_code="01A001", geom=box_m(0, 0, 10, 10))
    b = ParcelFactory(organisation=org, parcel_code="01A002", geom=box_m(20, 0, 30, 10))
    with pytest.raises(ValidationError):
        services.parcel_revert(org=org, parcel_id=a.pk, history_id=b.history.first().history_id)


# --- the API ----------------------------------------------------------------------------------------------


def test_api_split_merge_history_revert_and_confirm(org, surveyor, tax_officer, mother):
    client = client_for(surveyor)
    cut = json.loads(line_m((20, -5), (20, 45)).geojson)
    response = client.post(split_url(mother), {"cut_line": cut, "version": 1}, format="json")
    assert response.status_code == 201, response.json()
    children = response.json()["features"]
    assert sorted(f["properties"]["parcel_code"] for f in children) == ["01A005/001", "01A005/002"]

    merge = {"parcels": [{"id": f["id"], "version": f["properties"]["version"]} for f in children]}
    response = client.post("/api/v1/parcels/merge/", merge, format="json")
    assert response.status_code == 201, response.json()
    merged = response.json()
    assert merged["properties"]["parcel_code"] == "01A006"

    history = client.get(f"/api/v1/parcels/{mother.pk}/history/").json()
    assert history["results"][0]["change"] == "changed"
    assert history["results"][0]["user"] == surveyor.username
    assert history["results"][0]["geom"]["type"] == "MultiPolygon"
    assert {c["parcel_code"] for c in history["children"]} == {"01A005/001", "01A005/002"}

    # The tax officer confirms the copied owners; the parcel leaves the list.
    officer = client_for(tax_officer)
    waiting = {row["id"] for row in officer.get("/api/v1/parcels/to-confirm/").json()}
    assert merged["id"] in waiting
    assert officer.post(f"/api/v1/parcels/{merged['id']}/confirm/").status_code == 200
    waiting = {row["id"] for row in officer.get("/api/v1/parcels/to-confirm/").json()}
    assert merged["id"] not in waiting
    # A surveyor does not confirm ownership.
    assert client.post(f"/api/v1/parcels/{merged['id']}/confirm/").status_code == 403


def test_api_revert_and_a_conflict_with_both_versions(org, surveyor):
    client = client_for(surveyor)
    parcel = services.parcel_create(org=org, geom=box_m(0, 0, 40, 40), parcel_code="01A001")
    url = f"/api/v1/parcels/{parcel.pk}/"
    wider = json.loads(box_m(0, 0, 45, 40).geojson)
    assert client.patch(url, {"version": 1, "geom": wider}, format="json").status_code == 200
    # A second editor who also loaded version 1 is told, with both versions, never overwritten.
    response = client.patch(url, {"version": 1, "document_no": "55"}, format="json")
    assert response.status_code == 409
    assert response.json()["your_version"] == 1
    assert response.json()["current_version"] == 2
    assert response.json()["current"]["properties"]["document_no"] != "55"

    first = client.get(f"{url}history/").json()["results"][-1]
    response = client.post(f"{url}revert/", {"history_id": first["history_id"], "version": 1}, format="json")
    assert response.status_code == 409
    response = client.post(f"{url}revert/", {"history_id": first["history_id"], "version": 2}, format="json")
    assert response.status_code == 200
    assert response.json()["properties"]["version"] == 3
    assert float(response.json()["properties"]["area_m2"]) == pytest.approx(1600, rel=0.02)


def test_api_editing_is_for_surveyors_and_scoped(org, other_org, resident, tax_officer, surveyor, mother):
    cut = json.loads(line_m((20, -5), (20, 45)).geojson)
    for user in (resident, tax_officer):
        response = client_for(user).post(split_url(mother), {"cut_line": cut, "version": 1}, format="json")
        assert response.status_code in (403, 404)
    foreign = ParcelFactory(organisation=other_org, parcel_code="01A001")
    assert client_for(surveyor).get(f"/api/v1/parcels/{foreign.pk}/history/").status_code == 404
    response = client_for(surveyor).post(split_url(foreign), {"cut_line": cut, "version": 1}, format="json")
    assert response.status_code == 404
    assert client_for(resident).get(f"/api/v1/parcels/{mother.pk}/history/").status_code == 403


def test_api_search_by_code_deed_village_and_owner_by_role(org, surveyor, tax_officer, resident, mother):
    mother.document_no = "8841"
    mother.save()
    owner = mother.ownerships.first().owner
    by_code = client_for(surveyor).get("/api/v1/search/", {"q": "01a005"}).json()["results"]
    assert [r["label"] for r in by_code] == ["01A005"]
    by_deed = client_for(surveyor).get("/api/v1/search/", {"q": "8841"}).json()["results"]
    assert by_deed[0]["id"] == mother.pk
    by_owner_surveyor = client_for(surveyor).get("/api/v1/search/", {"q": owner.first_name}).json()["results"]
    assert [r for r in by_owner_surveyor if r["kind"] == "owner"] == []
    by_owner = client_for(tax_officer).get("/api/v1/search/", {"q": owner.first_name}).json()["results"]
    assert [r["detail"] for r in by_owner if r["kind"] == "owner"] == ["01A005"]
    # A resident who owns nothing finds nothing, not even by the exact code.
    assert client_for(resident).get("/api/v1/search/", {"q": "01A005"}).json()["results"] == []


def test_api_building_create_and_update_with_version(org, surveyor, mother):
    client = client_for(surveyor)
    body = {"parcel": mother.pk, "building_type": "101", "construction": "wood", "floor_area_m2": "60.00",
            "geom": json.loads(box_m(20, 20, 30, 30).geojson)}
    response = client.post("/api/v1/buildings/", body, format="json")
    assert response.status_code == 201, response.json()
    building = response.json()
    assert building["properties"]["building_no"] == 2
    url = f"/api/v1/buildings/{building['id']}/"
    assert client.patch(url, {"version": 1, "storeys": 2}, format="json").status_code == 200
    assert client.patch(url, {"version": 1, "storeys": 3}, format="json").status_code == 409
    away = {"version": 2, "geom": json.loads(box_m(200, 200, 210, 210).geojson)}
    response = client.patch(url, away, format="json")
    assert response.status_code == 400
    assert response.json()["where"]["features"][0]["properties"]["code"] == "outside_parcel"
