"""Payments at the counter: receipts, part payment, credit, refusals, idempotency, reversal."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import Payment, Receipt
from apps.billing.selectors import BillStatus, bill_state, owner_credit_satang
from apps.billing.services import (
    bill_cancel,
    installment_plan_create,
    payment_record,
    payment_reverse,
    warning_letter_received,
    warning_letters_issue,
)
from apps.billing.tests.factories import make_bill

BKK = ZoneInfo("Asia/Bangkok")


def at(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, tzinfo=BKK)


def pay(org, bill, amount, by, key, when=None, **kwargs):
    return payment_record(
        org=org,
        bill_id=bill.pk,
        amount_satang=amount,
        method=Payment.Method.CASH,
        by=by,
        idempotency_key=key,
        received_at=when or at(2024, 4, 20),
        **kwargs,
    )


@pytest.fixture
def bill(org):
    return make_bill(org)


def test_full_payment_issues_a_numbered_receipt(org, bill, tax_officer):
    result = pay(org, bill, 1_000_000, tax_officer, "k1")
    assert result.created
    assert result.payment.taken_by == tax_officer
    # 20 April 2567 lies in fiscal year 2567 (1 Oct 2566 - 30 Sep 2567).
    assert (result.receipt.fiscal_year_be, result.receipt.number, result.receipt.number_text) == (
        2567,
        1,
        "2567/000001",
    )
    assert bill_state(bill=bill, on=dt.date(2024, 4, 21)).status is BillStatus.PAID


def test_receipt_numbers_run_per_fiscal_year_without_gaps(org, tax_officer):
    bills = [make_bill(org) for _ in range(3)]
    pay(org, bills[0], 100, tax_officer, "a", when=at(2024, 9, 30))
    pay(org, bills[1], 100, tax_officer, "b", when=at(2024, 9, 30))
    # 1 October starts fiscal year 2568: numbering starts again at 1.
    third = pay(org, bills[2], 100, tax_officer, "c", when=at(2024, 10, 1))
    numbers = list(Receipt.objects.filter(organisation=org).values_list("fiscal_year_be", "number"))
    assert numbers == [(2567, 1), (2567, 2), (2568, 1)]
    assert third.receipt.number_text == "2568/000001"


def test_part_payments_then_paid(org, bill, tax_officer):
    pay(org, bill, 400_000, tax_officer, "p1")
    state = bill_state(bill=bill, on=dt.date(2024, 4, 25))
    assert (state.status, state.owed.total_satang) == (BillStatus.PARTLY_PAID, 600_000)
    pay(org, bill, 600_000, tax_officer, "p2", when=at(2024, 4, 25))
    assert bill_state(bill=bill, on=dt.date(2024, 4, 26)).status is BillStatus.PAID


def test_overpayment_is_kept_as_credit_and_shown(org, bill, tax_officer):
    result = pay(org, bill, 1_050_000, tax_officer, "over")
    assert (result.payment.tax_satang, result.payment.credit_satang) == (1_000_000, 50_000)
    assert owner_credit_satang(org=org, owner_id=bill.owner_id) == 50_000
    assert bill_state(bill=bill, on=dt.date(2024, 4, 21)).credit_satang == 50_000


def test_paying_a_paid_bill_at_the_counter_is_refused(org, bill, tax_officer):
    pay(org, bill, 1_000_000, tax_officer, "first")
    with pytest.raises(BillingError) as caught:
        pay(org, bill, 1_000_000, tax_officer, "second")
    assert caught.value.code is BillingErrorCode.ALREADY_PAID
    assert Payment.objects.count() == 1


def test_paying_a_cancelled_bill_is_refused(org, bill, tax_officer, org_admin):
    bill_cancel(org=org, bill_id=bill.pk, by=org_admin, reason="issued to the wrong owner")
    with pytest.raises(BillingError) as caught:
        pay(org, bill, 1_000_000, tax_officer, "k")
    assert caught.value.code is BillingErrorCode.BILL_CANCELLED
    assert "cancelled" in caught.value.message
    assert bill_state(bill=bill).status is BillStatus.CANCELLED


def test_second_click_returns_the_first_receipt(org, bill, tax_officer):
    first = pay(org, bill, 300_000, tax_officer, "same-form")
    again = pay(org, bill, 300_000, tax_officer, "same-form")
    assert not again.created
    assert again.payment.pk == first.payment.pk
    assert again.receipt.pk == first.receipt.pk
    assert Receipt.objects.count() == 1


def test_a_key_reused_for_another_amount_is_refused(org, bill, tax_officer):
    pay(org, bill, 300_000, tax_officer, "form-1")
    with pytest.raises(BillingError) as caught:
        pay(org, bill, 200_000, tax_officer, "form-1")
    assert caught.value.code is BillingErrorCode.KEY_REUSED


def test_stale_balance_is_refused_with_the_new_one(org, bill, tax_officer):
    pay(org, bill, 400_000, tax_officer, "cashier-a")
    with pytest.raises(BillingError) as caught:
        pay(org, bill, 1_000_000, tax_officer, "cashier-b", expected_owed_satang=1_000_000)
    assert caught.value.code is BillingErrorCode.BALANCE_CHANGED
    assert "6,000.00" in caught.value.message


def test_bad_amounts_are_refused(org, bill, tax_officer):
    for amount in (0, -5, 10.5, True):
        with pytest.raises(BillingError) as caught:
            pay(org, bill, amount, tax_officer, f"bad-{amount}")
        assert caught.value.code is BillingErrorCode.AMOUNT_INVALID


def test_other_organisation_cannot_pay_my_bill(other_org, bill, tax_officer):
    with pytest.raises(BillingError) as caught:
        pay(other_org, bill, 100, tax_officer, "x")
    assert caught.value.code is BillingErrorCode.NOT_FOUND


def test_reversal_points_at_the_original_and_reopens_the_bill(org, bill, tax_officer, org_admin):
    paid = pay(org, bill, 1_000_000, tax_officer, "cheque", method_reference="CHQ 123")
    reversal = payment_reverse(org=org, payment_id=paid.payment.pk, by=org_admin, reason="cheque bounced")
    assert (reversal.reverses, reversal.amount_satang, reversal.tax_satang) == (
        paid.payment,
        -1_000_000,
        -1_000_000,
    )
    assert reversal.reason == "cheque bounced" and reversal.taken_by == org_admin
    assert bill_state(bill=bill, on=dt.date(2024, 4, 21)).owed.tax_satang == 1_000_000
    with pytest.raises(BillingError) as caught:
        payment_reverse(org=org, payment_id=paid.payment.pk, by=org_admin, reason="again")
    assert caught.value.code is BillingErrorCode.ALREADY_REVERSED
    with pytest.raises(BillingError):
        payment_reverse(org=org, payment_id=paid.payment.pk, by=org_admin, reason="  ")


def test_late_payment_with_warning_letter_example_16(org, bill, tax_officer):
    (letter,) = warning_letters_issue(org=org, tax_year=2567, by=tax_officer, issued_on=dt.date(2024, 5, 10))
    warning_letter_received(org=org, letter_id=letter.pk, received_on=dt.date(2024, 5, 15))
    state = bill_state(bill=bill, on=dt.date(2024, 6, 10))
    assert state.status is BillStatus.OVERDUE
    # Within the letter's 30 days? 15 May + 30 = 14 June: yes -> 20% + 2 months (May, June) = 12,200.00.
    assert state.owed.total_satang == 1_220_000
    result = pay(org, bill, 1_220_000, tax_officer, "late", when=at(2024, 6, 10))
    assert (result.payment.tax_satang, result.payment.penalty_satang, result.payment.surcharge_satang) == (
        1_000_000,
        200_000,
        20_000,
    )
    # A second batch sends no second letter.
    assert warning_letters_issue(org=org, tax_year=2567, by=tax_officer, issued_on=dt.date(2024, 5, 20)) == []


def test_installment_plan(org, tax_officer):
    bill = make_bill(org, total_satang=1_000_000)
    plan = installment_plan_create(
        org=org, bill_id=bill.pk, requested_on=dt.date(2024, 4, 10), by=tax_officer
    )
    parts = list(plan.installments.values_list("number", "due_date", "amount_satang"))
    assert parts == [
        (1, dt.date(2024, 4, 30), 333_333),
        (2, dt.date(2024, 5, 31), 333_333),
        (3, dt.date(2024, 6, 30), 333_334),
    ]
    pay(org, bill, 333_333, tax_officer, "i1", when=at(2024, 4, 30))
    assert bill_state(bill=bill, on=dt.date(2024, 5, 10)).owed.next_installment.installment_number == 2
    state = bill_state(bill=bill, on=dt.date(2024, 6, 5))
    assert (state.owed.missed_installment, state.owed.surcharge_satang) == (2, 6_667)


@pytest.mark.parametrize(
    ("total", "requested_on", "code"),
    [
        (299_999, dt.date(2024, 4, 1), BillingErrorCode.INSTALLMENTS_NOT_ALLOWED),
        (300_000, dt.date(2024, 5, 1), BillingErrorCode.INSTALLMENTS_TOO_LATE),
    ],
)
def test_installments_refused(org, tax_officer, total, requested_on, code):
    bill = make_bill(org, total_satang=total)
    with pytest.raises(BillingError) as caught:
        installment_plan_create(org=org, bill_id=bill.pk, requested_on=requested_on, by=tax_officer)
    assert caught.value.code is code


def test_installment_remainder_is_a_setting(org, tax_officer, settings):
    settings.BILLING_INSTALLMENT_REMAINDER = "first"
    bill = make_bill(org, total_satang=1_000_000)
    plan = installment_plan_create(org=org, bill_id=bill.pk, requested_on=dt.date(2024, 4, 1), by=tax_officer)
    assert list(plan.installments.values_list("amount_satang", flat=True)) == [333_334, 333_333, 333_333]
