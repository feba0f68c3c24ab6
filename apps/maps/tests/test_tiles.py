import mapbox_vector_tile
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.maps.layers import LAYERS, Audience
from apps.maps.tiles import tile_sql

from .conftest import tile_of

TILE = tile_of(103.1502, 16.7102, 14)


def _get(client, layer="parcels", tile=TILE, **headers):
    z, x, y = tile
    return client.get(f"/tiles/{layer}/{z}/{x}/{y}.pbf", headers=headers)


def _features(response, layer="parcels"):
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    decoded = mapbox_vector_tile.decode(response.content)
    return decoded[layer]["features"] if decoded else []


def test_anonymous_gets_public_attributes_of_the_public_organisation(client, map_data):
    response = _get(client)

    assert response.status_code == 200
    features = _features(response)
    assert {f["id"] for f in features} == {p.pk for p in map_data["parcels"]}
    owned = next(f for f in features if f["id"] == map_data["parcels"][0].pk)
    # The largest part's use is the parcel's class; no owner field of any kind in a public tile.
    assert owned["properties"] == {
        "parcel_code": map_data["parcels"][0].parcel_code, "land_use": 1, "village": "บ้านโนนสวรรค์",
    }
    assert response["Cache-Control"] == "public, no-cache"
    assert "Cookie" in response["Vary"]


def test_tax_officer_sees_owner_names_privately(client, tax_officer, map_data):
    client.force_login(tax_officer)

    response = _get(client)

    owned = next(f for f in _features(response) if f["id"] == map_data["parcels"][0].pk)
    assert owned["properties"]["owner_names"] == "นางสมศรี มีนา"
    assert owned["properties"]["owner_count"] == 1
    assert response["Cache-Control"].startswith("private")


def test_surveyor_sees_survey_fields_but_no_owner_names(client, surveyor, map_data):
    client.force_login(surveyor)

    properties = _features(_get(client))[0]["properties"]

    assert "deed_area_sq_wa" in properties
    assert "owner_names" not in properties


def test_resident_sees_only_public_attributes(client, resident, map_data):
    client.force_login(resident)

    response = _get(client)

    # The parcel with a land use (features come in index order, which no one promised).
    used = next(f for f in _features(response) if f["id"] == map_data["parcels"][0].pk)
    assert set(used["properties"]) == {"parcel_code", "land_use", "village"}
    assert all(set(f["properties"]) <= {"parcel_code", "land_use", "village"} for f in _features(response))
    assert response["Cache-Control"].startswith("private")


def test_other_organisation_sees_only_its_own_parcels(client, other_org, map_data):
    from apps.organisations.models import Role
    from apps.organisations.services import membership_grant
    from apps.organisations.tests.factories import UserFactory

    officer = UserFactory(username="officer-other")
    membership_grant(user=officer, org=other_org, role=Role.TAX_OFFICER)
    client.force_login(officer)

    features = _features(_get(client))

    assert [f["id"] for f in features] == [map_data["foreign"].pk]


def test_tile_is_one_statement_and_revalidates_with_304(client, map_data):
    first = _get(client)
    etag = first["ETag"]

    with CaptureQueriesContext(connection) as queries:
        again = _get(client, If_None_Match=etag)

    assert again.status_code == 304
    assert again.content == b""
    # The public organisation id is cached; a 304 costs only the version query, never the tile SQL.
    assert len(queries) == 1
    assert "ST_AsMVT" not in queries[0]["sql"]


def test_etag_changes_when_the_data_changes(client, map_data):
    before = _get(client)["ETag"]
    parcel = map_data["parcels"][1]
    parcel.house_no = "12/3"
    parcel.save()

    after = _get(client, If_None_Match=before)

    assert after.status_code == 200
    assert after["ETag"] != before


def test_tilejson_points_at_an_immutable_versioned_url(client, map_data):
    document = client.get("/tiles/parcels.json").json()
    template = document["tiles"][0]
    z, x, y = TILE
    url = template.replace("{z}/{x}/{y}", f"{z}/{x}/{y}").removeprefix("http://testserver")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(_features(response)) == 3
    # No version query on the versioned URL: one statement per tile.
    assert len(queries) == 1
    assert document["minzoom"] == LAYERS["parcels"].min_zoom
    assert set(document["vector_layers"][0]["fields"]) == {"parcel_code", "land_use", "village"}
    assert document["style"]["by"] == "land_use"
    assert document["bounds"][0] == pytest.approx(103.1451)


def test_tilejson_changes_version_after_an_edit(client, map_data):
    before = client.get("/tiles/parcels.json").json()["data_version"]
    map_data["parcels"][0].save()

    after = client.get("/tiles/parcels.json").json()["data_version"]

    assert after != before


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/tiles/nowhere/16/1/1.pbf", 404),
        ("/tiles/parcels/16/70000/1.pbf", 400),
        ("/tiles/parcels/16/1/65536.pbf", 400),
        ("/tiles/parcels/99/1/1.pbf", 400),
        ("/tiles/parcels/3/1/1.pbf", 404),  # below the layer's min zoom
        ("/tiles/parcels/16/-1/1.pbf", 404),
        ("/tiles/parcels/16/1/x.pbf", 404),
        ("/tiles/nowhere.json", 404),
    ],
)
def test_bad_tile_addresses_are_client_errors(client, map_data, path, status):
    assert client.get(path).status_code == status


def test_tile_outside_the_data_is_empty(client, map_data):
    response = _get(client, tile=(16, 0, 0))

    assert response.status_code == 200
    assert response.content == b""


def test_post_is_refused(client, map_data):
    z, x, y = TILE
    assert client.post(f"/tiles/parcels/{z}/{x}/{y}.pbf").status_code == 405


@pytest.mark.parametrize("layer", ["roads", "streetlights"])
def test_asset_layers(client, map_data, layer):
    features = _features(_get(client, layer=layer), layer=layer)

    assert len(features) == 1
    if layer == "roads":
        assert features[0]["properties"]["name"] == "ถนนทรายทอง-ห้วยเม็ก"


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("audience", list(Audience))
def test_every_layer_sql_runs(db, org, name, audience):
    layer = LAYERS[name]
    z, x, y = TILE
    with connection.cursor() as cursor:
        cursor.execute(
            tile_sql(layer, audience),
            {"z": z, "x": x, "y": y, "org": org.pk, "max_features": 10, "layer": name},
        )
        (body,) = cursor.fetchone()
    assert body is not None
    sql = tile_sql(layer, audience)
    # Transform the envelope, not the column, so the GiST index is used.
    assert f't."{layer.geometry}" && b.env_storage' in sql
    assert "LIMIT %(max_features)s" in sql


def test_a_login_without_membership_gets_the_public_map_privately(client, map_data):
    from apps.organisations.tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody"))

    response = _get(client)

    # The parcel with a land use (features come in index order, which no one promised).
    used = next(f for f in _features(response) if f["id"] == map_data["parcels"][0].pk)
    assert set(used["properties"]) == {"parcel_code", "land_use", "village"}
    assert all(set(f["properties"]) <= {"parcel_code", "land_use", "village"} for f in _features(response))
    assert response["Cache-Control"] == "private, no-cache"
