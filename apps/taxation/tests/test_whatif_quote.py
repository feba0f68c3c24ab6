"""The what-if door applies the organisation's rate ordinance: the officer sees what the run would write."""

import json

import pytest

from apps.taxation.models import RateOrdinance

SHOP = {
    "tax_year": 2569,
    "taxpayer": {"type": "juristic"},
    "properties": [
        {"ref": "S", "land": {"area": {"sq_wa": "100"}, "price_per_sq_wa": "10000"}, "uses": {"other": "1"}}
    ],
}


def post(client, document):
    return client.post("/taxation/whatif/quote", data=json.dumps(document), content_type="application/json")


@pytest.mark.django_db
def test_whatif_uses_the_councils_ordinance_and_the_public_api_does_not(client, tax_officer, org):
    client.force_login(tax_officer)
    assert post(client, SHOP).json()["total"] == "3000.00"  # 1,000,000 baht at the decree's 0.3%
    RateOrdinance.objects.create(
        organisation=org,
        tax_year=2569,
        table="O",
        bands=[{"up_to_baht": None, "rate_pct": "0.7"}],
        reference="ข้อบัญญัติ 2568",
    )
    assert post(client, SHOP).json()["total"] == "7000.00"
    public = client.post("/api/v1/tax/quote", data=json.dumps(SHOP), content_type="application/json")
    assert public.json()["total"] == "3000.00"


@pytest.mark.django_db
def test_whatif_refuses_bad_input_and_other_roles(client, tax_officer, resident):
    client.force_login(tax_officer)
    bad = post(client, {**SHOP, "tax_year": 2560})
    assert bad.status_code == 400 and bad.json()["field"] == "tax_year"
    client.force_login(resident)
    assert post(client, SHOP).status_code == 403
