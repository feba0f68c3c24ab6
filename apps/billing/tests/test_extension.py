"""Granting an individual payment extension (s.14) and what it does to the charges (s.70 para 2)."""

import datetime as dt

import pytest
from django.urls import reverse

from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import BillExtension
from apps.billing.selectors import bill_state, extension_effect
from apps.billing.services import bill_extension_grant
from apps.billing.tests.factories import make_bill


@pytest.fixture
def bill(org):
    # Example 16: 10,000.00 baht due 30 April 2567 (2024).
    return make_bill(org, total_satang=1_000_000)


def test_effect_of_an_extension_to_30_june(bill):
    effect = extension_effect(bill=bill, until=dt.date(2024, 6, 30))
    # Paid on 30 June within the extension: no penalty, 0.5% x 2 months (May, June) = 100.00.
    assert (effect.with_extension.penalty_satang, effect.with_extension.surcharge_satang) == (0, 10_000)
    # Without it: 10% penalty (no warning letter yet) + 1% x 2 months.
    assert (effect.without_extension.penalty_satang, effect.without_extension.surcharge_satang) == (
        100_000,
        20_000,
    )
    assert effect.saved_satang == 110_000


def test_granted_extension_changes_what_the_bill_owes(org, bill, tax_officer):
    bill_extension_grant(org=org, bill_id=bill.pk, until=dt.date(2024, 6, 30), by=tax_officer, reason="flood")
    bill.refresh_from_db()
    within = bill_state(bill=bill, on=dt.date(2024, 6, 15)).owed
    assert (within.penalty_satang, within.surcharge_satang, within.total_satang) == (0, 10_000, 1_010_000)
    lapsed = bill_state(bill=bill, on=dt.date(2024, 7, 1)).owed
    # Lapsed unpaid: ordinary 10% and 1% from the original due date (May, June, July).
    assert (lapsed.penalty_satang, lapsed.surcharge_satang) == (100_000, 30_000)
    with pytest.raises(BillingError) as exc:
        bill_extension_grant(org=org, bill_id=bill.pk, until=dt.date(2024, 7, 30), by=tax_officer, reason="x")
    assert exc.value.code == BillingErrorCode.EXTENSION_EXISTS


def test_extension_page_previews_then_grants(client, org, bill, tax_officer):
    client.force_login(tax_officer)
    url = reverse("billing:extension", args=[bill.pk])
    assert url in client.get(reverse("billing:bill", args=[bill.pk])).content.decode()
    preview = client.get(url, {"until": "2024-06-30"})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "With the extension" in html and "100.00" in html and "1,100.00" in html
    assert not BillExtension.objects.exists()  # a preview records nothing
    refused = client.post(url, {"until": "2024-04-01", "reason": "x"})
    assert refused.status_code == 400 and "must end after the due date" in refused.content.decode()
    assert client.post(url, {"until": "2024-06-30", "reason": ""}).status_code == 400
    done = client.post(url, {"until": "2024-06-30", "reason": "flood, order 12/2567"}, follow=True)
    assert "Extension until 2024-06-30 recorded." in done.content.decode()
    extension = BillExtension.objects.get()
    assert (extension.approved_by, extension.reason) == (tax_officer, "flood, order 12/2567")
    page = client.get(url).content.decode()
    assert "Extension granted" in page and "flood, order 12/2567" in page


def test_extension_page_is_for_the_tax_office(client, bill, resident, surveyor, other_org, tax_officer):
    url = reverse("billing:extension", args=[bill.pk])
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(surveyor)
    assert client.post(url, {"until": "2024-06-30", "reason": "x"}).status_code == 403
    foreign = make_bill(other_org)
    client.force_login(tax_officer)
    assert client.get(reverse("billing:extension", args=[foreign.pk])).status_code == 404
    assert not BillExtension.objects.exists()
