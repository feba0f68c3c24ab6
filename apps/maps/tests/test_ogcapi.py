import pytest


def test_landing_page_links_the_required_resources(client, map_data):
    document = client.get("/ogc/").json()

    rels = {link["rel"]: link["href"] for link in document["links"]}
    assert rels["conformance"].endswith("/ogc/conformance")
    assert rels["data"].endswith("/ogc/collections")
    assert rels["service-desc"].endswith("/ogc/api")


def test_conformance_and_openapi(client, map_data):
    conforms = client.get("/ogc/conformance").json()["conformsTo"]
    api = client.get("/ogc/api")

    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conforms
    assert api["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert "/collections/{collectionId}/items" in api.json()["paths"]


def test_collections_list_the_published_layers(client, map_data):
    collections = client.get("/ogc/collections").json()["collections"]

    ids = {c["id"] for c in collections}
    assert {"parcels", "roads", "streetlights", "signboards", "buildings", "zones", "blocks"} <= ids
    parcels = next(c for c in collections if c["id"] == "parcels")
    assert parcels["extent"]["spatial"]["bbox"][0][0] == pytest.approx(103.1451)


def test_items_page_and_next_link(client, map_data):
    response = client.get("/ogc/collections/parcels/items", {"limit": 2})
    document = response.json()

    assert response["Content-Type"] == "application/geo+json"
    assert document["numberMatched"] == 3
    assert document["numberReturned"] == 2
    next_link = next(link["href"] for link in document["links"] if link["rel"] == "next")
    assert "offset=2" in next_link
    second = client.get(next_link.removeprefix("http://testserver")).json()
    assert second["numberReturned"] == 1
    assert not [link for link in second["links"] if link["rel"] == "next"]


def test_items_public_attributes_only_even_for_a_tax_officer(client, tax_officer, map_data):
    client.force_login(tax_officer)

    features = client.get("/ogc/collections/parcels/items").json()["features"]

    assert {f["id"] for f in features} == {p.pk for p in map_data["parcels"]}
    for feature in features:
        assert set(feature["properties"]) == {"parcel_code", "land_use", "village"}
        assert feature["geometry"]["type"] == "MultiPolygon"


def test_items_bbox_filters(client, map_data):
    first = map_data["parcels"][0]
    west, south, _east, north = first.geom.extent

    document = client.get(
        "/ogc/collections/parcels/items", {"bbox": f"{west},{south},{west + 0.0001},{north}"}
    ).json()

    assert [f["id"] for f in document["features"]] == [first.pk]
    assert document["features"][0]["properties"]["village"] == "บ้านโนนสวรรค์"


def test_item_by_id_and_scoping(client, map_data):
    own = client.get(f"/ogc/collections/parcels/items/{map_data['parcels'][0].pk}")
    foreign = client.get(f"/ogc/collections/parcels/items/{map_data['foreign'].pk}")

    assert own.status_code == 200
    assert own.json()["properties"]["land_use"] == 1
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "NotFound"


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"limit": "abc"}, 400),
        ({"limit": "0"}, 400),
        ({"offset": "-1"}, 400),
        ({"bbox": "1,2,3"}, 400),
        ({"bbox": "1,2,3,nan"}, 400),
        ({"bbox": "0,10,1,5"}, 400),
        ({"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/32648"}, 400),
        ({"colour": "red"}, 400),
        ({"f": "html"}, 400),
        ({"limit": "20000"}, 200),  # capped at 10,000, not refused
    ],
)
def test_items_bad_parameters(client, map_data, query, status):
    assert client.get("/ogc/collections/parcels/items", query).status_code == status


def test_unknown_collection_is_404(client, map_data):
    assert client.get("/ogc/collections/nowhere/items").status_code == 404
    assert client.get("/ogc/collections/nowhere").status_code == 404
