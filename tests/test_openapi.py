"""The OpenAPI schema builds without warnings for the v1 views; Swagger UI comes from our own /static/."""

import re

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

API_PATHS = [
    "/api/v1/parcels/", "/api/v1/parcels/{id}/", "/api/v1/buildings/", "/api/v1/buildings/{id}/",
    "/api/v1/owners/", "/api/v1/owners/{id}/", "/api/v1/roads/", "/api/v1/roads/{id}/",
    "/api/v1/streetlights/", "/api/v1/streetlights/{id}/",
]


def test_schema_generates_without_warnings_or_errors(capsys):
    GENERATOR_STATS.reset()
    capsys.readouterr()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    stderr = capsys.readouterr().err
    v1_messages = [line for line in stderr.splitlines() if "/api/v1/" in line or "apps/" in line]
    assert v1_messages == []
    assert not GENERATOR_STATS._error_cache
    assert not [w for w in GENERATOR_STATS._warn_cache if "apps/" in w or "Api" in w]
    for path in API_PATHS:
        assert path in schema["paths"], path
    parcels = schema["paths"]["/api/v1/parcels/"]
    assert {"get", "post"} <= set(parcels)
    assert "bbox" in [p["name"] for p in parcels["get"]["parameters"]]
    assert "409" in schema["paths"]["/api/v1/parcels/{id}/"]["patch"]["responses"]


@pytest.mark.django_db
def test_schema_endpoint_serves_the_paths(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/parcels/" in response.json()["paths"]


@pytest.mark.django_db
def test_swagger_ui_is_served_from_our_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    assert all(url.startswith("/static/") for url in assets), assets
    assert "swagger-ui-dist" in html
    assert not re.search(r"https?://", html.replace("http://testserver", ""))
