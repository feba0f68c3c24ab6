"""/api/v1/billing/ — included by the lead in gis_portal/api_urls.py; tested here with its own urlconf."""

import pytest
from django.urls import include, path

from apps.billing.models import Receipt
from apps.billing.tests.factories import make_bill

urlpatterns = [path("api/v1/", include("apps.billing.api.urls"))]
pytestmark = pytest.mark.urls("apps.billing.tests.test_api")


@pytest.fixture
def api(client, tax_officer):
    client.force_login(tax_officer)
    return client


def test_lookup_and_pay(api, org):
    bill = make_bill(org, total_satang=50_000)
    found = api.get("/api/v1/billing/bills", {"q": bill.reference}).json()["results"]
    assert [(b["reference"], b["amount_satang"]) for b in found] == [(bill.reference, 50_000)]
    body = {"amount_satang": 10_000, "method": "transfer", "idempotency_key": "kiosk-1"}
    first = api.post(f"/api/v1/billing/bills/{bill.pk}/payments", body, content_type="application/json")
    assert first.status_code == 201 and first.json()["receipt_no"].endswith("/000001")
    replay = api.post(f"/api/v1/billing/bills/{bill.pk}/payments", body, content_type="application/json")
    assert replay.status_code == 200 and replay.json()["created"] is False
    assert Receipt.objects.count() == 1


def test_float_money_and_conflicts(api, org, org_admin):
    bill = make_bill(org, total_satang=50_000)
    url = f"/api/v1/billing/bills/{bill.pk}/payments"
    bad = api.post(
        url,
        {"amount_satang": 12.5, "method": "cash", "idempotency_key": "f"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    stale = {"amount_satang": 100, "method": "cash", "idempotency_key": "s", "expected_owed_satang": 1}
    conflict = api.post(url, stale, content_type="application/json")
    assert conflict.status_code == 409 and conflict.json()["code"] == "balance_changed"


def test_scoped_and_staff_only(client, resident, other_org, tax_officer):
    foreign = make_bill(other_org)
    client.force_login(tax_officer)
    assert client.get(f"/api/v1/billing/bills/{foreign.pk}").status_code == 404
    client.force_login(resident)
    assert client.get("/api/v1/billing/bills", {"q": "x"}).status_code == 403


def test_openapi_schema_has_no_warnings(capsys):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    capsys.readouterr()
    schema = SchemaGenerator(patterns=urlpatterns).get_schema(request=None, public=True)
    assert [line for line in capsys.readouterr().err.splitlines() if "billing" in line] == []
    assert not [w for w in GENERATOR_STATS._warn_cache if "billing" in w or "Api" in w]
    assert "/api/v1/billing/bills/{id}/payments" in schema["paths"]
