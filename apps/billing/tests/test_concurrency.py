"""Two cashiers pay the same bill at the same moment on two connections: one wins, the other is told."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import close_old_connections, connection

from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import Payment, Receipt
from apps.billing.services import payment_record
from apps.billing.tests.factories import make_bill

# Before the due date (30 April 2567), so what is owed is exactly the tax.
ON_TIME = dt.datetime(2024, 4, 20, 10, tzinfo=ZoneInfo("Asia/Bangkok"))


def _race(org, bill, cashier, keys, expected):
    barrier = threading.Barrier(len(keys))
    outcomes: dict[str, object] = {}

    def run(key):
        try:
            barrier.wait(timeout=10)
            outcomes[key] = payment_record(
                org=org,
                bill_id=bill.pk,
                amount_satang=1_000_000,
                method=Payment.Method.CASH,
                by=cashier,
                idempotency_key=key,
                expected_owed_satang=expected,
                received_at=ON_TIME,
            )
        except BillingError as exc:
            outcomes[key] = exc
        finally:
            connection.close()  # each thread has its own connection
            close_old_connections()

    threads = [threading.Thread(target=run, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_cashiers_one_wins(org, tax_officer):
    bill = make_bill(org)
    outcomes = _race(org, bill, tax_officer, ["cashier-a", "cashier-b"], expected=None)
    errors = [o for o in outcomes.values() if isinstance(o, BillingError)]
    wins = [o for o in outcomes.values() if not isinstance(o, BillingError)]
    assert len(wins) == 1 and len(errors) == 1
    # Without a balance from the form, the second sees the bill paid (its balance after the lock).
    assert errors[0].code is BillingErrorCode.ALREADY_PAID
    assert Payment.objects.count() == 1 and Receipt.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_cashiers_with_the_balance_they_saw(org, tax_officer):
    bill = make_bill(org)
    outcomes = _race(org, bill, tax_officer, ["a", "b"], expected=1_000_000)
    errors = [o for o in outcomes.values() if isinstance(o, BillingError)]
    assert [e.code for e in errors] == [BillingErrorCode.BALANCE_CHANGED]
    assert "0.00" in errors[0].message
    assert Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_double_click_on_two_connections_gives_one_receipt(org, tax_officer):
    bill = make_bill(org)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(
                payment_record(
                    org=org,
                    bill_id=bill.pk,
                    amount_satang=500_000,
                    method=Payment.Method.CASH,
                    by=tax_officer,
                    idempotency_key="one-form",
                    received_at=ON_TIME,
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r.created for r in results) == [False, True]
    assert len({r.payment.pk for r in results}) == 1
    assert Receipt.objects.count() == 1
