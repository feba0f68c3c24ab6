"""A taxpayer's credit: kept from an overpayment, spent on another bill of theirs, paid back."""

import datetime as dt
import re

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import CreditRefund, Payment, Receipt
from apps.billing.selectors import BillStatus, bill_state, owner_credit, owner_credit_history
from apps.billing.services import (
    bill_cancel,
    credit_apply,
    credit_refund,
    payment_record,
    payment_reverse,
)
from apps.billing.tests.factories import make_bill
from apps.registry.tests.factories import OwnerFactory

APRIL_2 = dt.datetime(2024, 4, 2, 10, tzinfo=dt.UTC)  # before the 30 April due date: no charges


@pytest.fixture
def owner(org):
    return OwnerFactory(organisation=org)


@pytest.fixture
def overpaid(org, owner, tax_officer):
    """2566's bill of 1,000.00 paid with 1,500.00: 500.00 kept as credit. 2567's bill of 800.00 open."""
    old = make_bill(org, owner=owner, total_satang=100_000, tax_year=2566)
    new = make_bill(org, owner=owner, total_satang=80_000, tax_year=2567)
    payment_record(
        org=org,
        bill_id=old.pk,
        amount_satang=150_000,
        method=Payment.Method.CASH,
        by=tax_officer,
        idempotency_key="over",
        received_at=dt.datetime(2024, 4, 1, 10, tzinfo=dt.UTC),
    )
    return old, new


def test_overpayment_is_credit(org, owner, overpaid):
    ledger = owner_credit(org=org, owner_id=owner.pk)
    assert (ledger.kept_satang, ledger.spent_satang, ledger.refunded_satang) == (50_000, 0, 0)
    assert ledger.balance_satang == 50_000


def test_spend_credit_on_another_bill_of_the_same_taxpayer(org, owner, overpaid, tax_officer):
    _old, new = overpaid
    receipts = Receipt.objects.count()
    payment = credit_apply(
        org=org,
        bill_id=new.pk,
        amount_satang=50_000,
        by=tax_officer,
        reason="asked at the counter",
        idempotency_key="c1",
        applied_at=APRIL_2,
    )
    assert payment.method == Payment.Method.CREDIT and payment.tax_satang == 50_000
    assert payment.taken_by == tax_officer and payment.reason == "asked at the counter"
    assert Receipt.objects.count() == receipts  # no money came in: no receipt
    assert owner_credit(org=org, owner_id=owner.pk).balance_satang == 0
    state = bill_state(bill=new, on=dt.date(2024, 4, 2))
    assert state.tax_paid_satang == 50_000 and state.status == BillStatus.PARTLY_PAID
    # The same form sent twice records it once.
    again = credit_apply(
        org=org,
        bill_id=new.pk,
        amount_satang=50_000,
        by=tax_officer,
        reason="asked at the counter",
        idempotency_key="c1",
        applied_at=APRIL_2,
    )
    assert again.pk == payment.pk and Payment.objects.filter(method=Payment.Method.CREDIT).count() == 1
    with pytest.raises(BillingError) as exc:
        credit_apply(
            org=org, bill_id=new.pk, amount_satang=1, by=tax_officer, reason="x", idempotency_key="c2"
        )
    assert exc.value.code == BillingErrorCode.CREDIT_INSUFFICIENT


def test_credit_cannot_pay_more_than_owed_nor_another_taxpayers_bill(org, owner, overpaid, tax_officer):
    _old, new = overpaid
    stranger = make_bill(org, total_satang=10_000)
    with pytest.raises(BillingError) as exc:
        credit_apply(
            org=org, bill_id=stranger.pk, amount_satang=100, by=tax_officer, reason="x", idempotency_key="s"
        )
    assert exc.value.code == BillingErrorCode.CREDIT_INSUFFICIENT  # the stranger has no credit of their own
    small = make_bill(org, owner=owner, total_satang=20_000, tax_year=2568)
    with pytest.raises(BillingError) as exc:
        credit_apply(
            org=org,
            bill_id=small.pk,
            amount_satang=30_000,
            by=tax_officer,
            reason="x",
            idempotency_key="m",
            applied_at=APRIL_2,
        )
    assert exc.value.code == BillingErrorCode.AMOUNT_INVALID
    with pytest.raises(BillingError) as exc:
        credit_apply(
            org=org, bill_id=new.pk, amount_satang=100, by=tax_officer, reason=" ", idempotency_key="r"
        )
    assert exc.value.code == BillingErrorCode.REASON_REQUIRED


def test_refund_is_append_only_and_limited_to_the_credit(org, owner, overpaid, org_admin):
    refund = credit_refund(
        org=org,
        owner_id=owner.pk,
        amount_satang=30_000,
        method=CreditRefund.Method.TRANSFER,
        method_reference="KTB 123",
        by=org_admin,
        reason="taxpayer asked",
        idempotency_key="r1",
    )
    assert owner_credit(org=org, owner_id=owner.pk).balance_satang == 20_000
    with pytest.raises(BillingError) as exc:
        credit_refund(
            org=org,
            owner_id=owner.pk,
            amount_satang=20_001,
            method="cash",
            by=org_admin,
            reason="x",
            idempotency_key="r2",
        )
    assert exc.value.code == BillingErrorCode.CREDIT_INSUFFICIENT
    refund.amount_satang = 1
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        refund.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CreditRefund.objects.filter(pk=refund.pk).delete()
    lines = owner_credit_history(org=org, owner_id=owner.pk).lines
    assert [(line.kind, line.change_satang) for line in lines] == [("kept", 50_000), ("refunded", -30_000)]
    assert lines[1].by == org_admin and lines[1].reason == "taxpayer asked"


def test_reversing_a_credit_payment_gives_the_credit_back(org, owner, overpaid, tax_officer, org_admin):
    _old, new = overpaid
    payment = credit_apply(
        org=org,
        bill_id=new.pk,
        amount_satang=40_000,
        by=tax_officer,
        reason="x",
        idempotency_key="c",
        applied_at=APRIL_2,
    )
    payment_reverse(org=org, payment_id=payment.pk, by=org_admin, reason="wrong bill")
    assert owner_credit(org=org, owner_id=owner.pk).balance_satang == 50_000
    kinds = [line.kind for line in owner_credit_history(org=org, owner_id=owner.pk).lines]
    assert kinds == ["kept", "spent", "spent_reversed"]


def test_tax_paid_on_a_cancelled_bill_becomes_credit(org, owner, tax_officer, org_admin):
    bill = make_bill(org, owner=owner, total_satang=70_000)
    payment_record(
        org=org,
        bill_id=bill.pk,
        amount_satang=70_000,
        method="cash",
        by=tax_officer,
        idempotency_key="p",
        received_at=dt.datetime(2024, 4, 1, tzinfo=dt.UTC),
    )
    bill_cancel(org=org, bill_id=bill.pk, by=org_admin, reason="billed to the wrong person")
    ledger = owner_credit(org=org, owner_id=owner.pk)
    assert ledger.overpaid_tax_satang == 70_000 and ledger.balance_satang == 70_000


def _form(html: str, action: str) -> dict:
    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))


def test_bill_and_taxpayer_pages_use_and_refund_credit(client, org, owner, overpaid, tax_officer, org_admin):
    _old, new = overpaid
    client.force_login(tax_officer)
    page = client.get(reverse("billing:bill", args=[new.pk])).content.decode()
    assert "500.00" in page and reverse("billing:taxpayer", args=[owner.pk]) in page
    data = _form(page, reverse("billing:credit", args=[new.pk]))
    assert data["amount_baht"] == "500.00"
    response = client.post(
        reverse("billing:credit", args=[new.pk]), {**data, "reason": "use 2566 overpayment"}, follow=True
    )
    assert "500.00 baht of the taxpayer&#x27;s credit paid onto this bill" in response.content.decode()
    assert "from credit" in response.content.decode()
    assert Payment.objects.get(method="credit").reason == "use 2566 overpayment"
    taxpayer = client.get(reverse("billing:taxpayer", args=[owner.pk])).content.decode()
    assert "Used on a bill" in taxpayer and "use 2566 overpayment" in taxpayer
    assert reverse("billing:refund", args=[owner.pk]) not in taxpayer  # nothing left to refund
    # Refunds need the administrator.
    assert client.post(reverse("billing:refund", args=[owner.pk]), {}).status_code == 403


def test_admin_records_a_refund_on_the_taxpayer_page(client, org, owner, overpaid, org_admin, other_org):
    client.force_login(org_admin)
    page = client.get(reverse("billing:taxpayer", args=[owner.pk])).content.decode()
    data = _form(page, reverse("billing:refund", args=[owner.pk]))
    assert data["amount_baht"] == "500.00"
    response = client.post(
        reverse("billing:refund", args=[owner.pk]),
        {**data, "method": "cheque", "method_reference": "", "reason": "moving away"},
        follow=True,
    )
    assert "Write the cheque number." in response.content.decode()
    client.post(
        reverse("billing:refund", args=[owner.pk]),
        {**data, "method": "cheque", "method_reference": "0012345", "reason": "moving away"},
    )
    refund = CreditRefund.objects.get()
    assert (refund.amount_satang, refund.paid_by, refund.method_reference) == (50_000, org_admin, "0012345")
    stranger = OwnerFactory(organisation=other_org)
    assert client.get(reverse("billing:taxpayer", args=[stranger.pk])).status_code == 404
