"""The taxpayer's credit: spending it on another bill of the same taxpayer, and paying it back.

Credit is money the organisation holds for a taxpayer: paid beyond everything owed (Payment.credit_satang),
or tax paid on a bill that was later reduced or cancelled. Both uses are append-only rows with who and why:
spending is a Payment with method "credit" on the bill it settles (no receipt: no money came in), a refund
is a CreditRefund. The taxpayer's row is locked first, so two officers cannot spend the same credit twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.billing import conf
from apps.billing.allocation import allocate, amount_owed
from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import Bill, BillCancellation, CreditRefund, Payment
from apps.billing.selectors import bill_facts, local_date, owner_credit
from apps.billing.services.payments import baht, lock_family
from apps.organisations.models import Organisation
from apps.registry.models import Owner

logger = logging.getLogger(__name__)


def _check_amount(amount_satang: int) -> None:
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int) or amount_satang <= 0:
        raise BillingError(BillingErrorCode.AMOUNT_INVALID, _("The amount must be more than zero."))


def _lock_owner(org: Organisation, owner_id: int) -> Owner:
    # Every spend and refund of one taxpayer's credit passes through this row lock, so the balance read
    # next cannot be spent by a second officer at the same moment.
    try:
        return Owner.objects.select_for_update().get(organisation=org, pk=owner_id)
    except Owner.DoesNotExist:
        raise BillingError(BillingErrorCode.NOT_FOUND, _("No such taxpayer in this organisation.")) from None


def _refuse_beyond_credit(org: Organisation, owner_id: int, amount_satang: int) -> None:
    balance = owner_credit(org=org, owner_id=owner_id).balance_satang
    if amount_satang > balance:
        raise BillingError(
            BillingErrorCode.CREDIT_INSUFFICIENT,
            _("The taxpayer has only %(credit)s baht of credit."),
            credit=baht(max(balance, 0)),
        )


def credit_apply(
    *,
    org: Organisation,
    bill_id: int,
    amount_satang: int,
    by,
    reason: str,
    idempotency_key: str,
    applied_at: dt.datetime | None = None,
) -> Payment:
    """Pay ``amount_satang`` of the bill (its current version) out of its taxpayer's credit.

    ``applied_at`` (default now) is the payment's date: penalty and surcharge are those owed on that day.
    The amount is split into tax, penalty and surcharge as owed today, like money at the counter; it may
    not exceed what the bill owes (credit moved onto a bill and kept as credit again would be a loop).
    """
    _check_amount(amount_satang)
    if not reason.strip():
        raise BillingError(BillingErrorCode.REASON_REQUIRED, _("Say why the credit is used on this bill."))
    if not idempotency_key:
        raise BillingError(BillingErrorCode.KEY_REUSED, _("The form is incomplete; reload the page."))
    owner_id = Bill.objects.filter(organisation=org, pk=bill_id).values_list("owner_id", flat=True).first()
    if owner_id is None:
        raise BillingError(BillingErrorCode.NOT_FOUND, _("No such bill in this organisation."))
    now = applied_at or timezone.now()
    with transaction.atomic():
        _lock_owner(org, owner_id)
        family = lock_family(org, bill_id)
        found = Payment.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            if found.bill_id not in {bill.pk for bill in family} or found.amount_satang != amount_satang:
                raise BillingError(
                    BillingErrorCode.KEY_REUSED,
                    _("This form was already used for a different payment. Reload the page and try again."),
                )
            return found  # a second press of the button: the first one already did it
        bill = family[-1]
        if BillCancellation.objects.filter(bill=bill).exists():
            raise BillingError(
                BillingErrorCode.BILL_CANCELLED, _("This bill was cancelled; nothing can be paid on it.")
            )
        _refuse_beyond_credit(org, owner_id, amount_satang)
        facts = bill_facts(bill=bill, ids=[b.pk for b in family])
        rules = conf.installment_rules()
        owed = amount_owed(facts, local_date(now), rules)
        if owed.total_satang == 0:
            raise BillingError(BillingErrorCode.ALREADY_PAID, _("This bill is already paid in full."))
        if amount_satang > owed.total_satang:
            raise BillingError(
                BillingErrorCode.AMOUNT_INVALID,
                _("The bill owes %(owed)s baht today; use at most that much credit."),
                owed=baht(owed.total_satang),
            )
        parts = allocate(facts, amount_satang, local_date(now), rules)
        payment = Payment(
            organisation=org,
            bill=bill,
            amount_satang=amount_satang,
            tax_satang=parts.tax_satang,
            penalty_satang=parts.penalty_satang,
            surcharge_satang=parts.surcharge_satang,
            credit_satang=parts.credit_satang,
            method=Payment.Method.CREDIT,
            taken_by=by,
            received_at=now,
            idempotency_key=idempotency_key,
            reason=reason.strip(),
        )
        payment.save()
    logger.info(
        "credit applied",
        extra={"organisation_id": org.pk, "payment_id": payment.pk, "amount_satang": amount_satang},
    )
    return payment


def credit_refund(
    *,
    org: Organisation,
    owner_id: int,
    amount_satang: int,
    method: str,
    by,
    reason: str,
    idempotency_key: str,
    method_reference: str = "",
    paid_at: dt.datetime | None = None,
) -> CreditRefund:
    """Record credit paid back to the taxpayer (cash, transfer or cheque), at most the credit held."""
    _check_amount(amount_satang)
    if method not in CreditRefund.Method.values:
        raise BillingError(BillingErrorCode.METHOD_INVALID, _("Unknown payment method."))
    if not reason.strip():
        raise BillingError(BillingErrorCode.REASON_REQUIRED, _("Say why the credit is refunded."))
    if not idempotency_key:
        raise BillingError(BillingErrorCode.KEY_REUSED, _("The form is incomplete; reload the page."))
    with transaction.atomic():
        _lock_owner(org, owner_id)
        found = CreditRefund.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            if found.owner_id != owner_id or found.amount_satang != amount_satang:
                raise BillingError(
                    BillingErrorCode.KEY_REUSED,
                    _("This form was already used for a different refund. Reload the page and try again."),
                )
            return found
        _refuse_beyond_credit(org, owner_id, amount_satang)
        refund = CreditRefund(
            organisation=org,
            owner_id=owner_id,
            amount_satang=amount_satang,
            method=method,
            method_reference=method_reference.strip()[:40],
            reason=reason.strip(),
            paid_by=by,
            paid_at=paid_at or timezone.now(),
            idempotency_key=idempotency_key,
        )
        refund.full_clean()
        refund.save()
    logger.info(
        "credit refunded",
        extra={"organisation_id": org.pk, "refund_id": refund.pk, "amount_satang": amount_satang},
    )
    return refund
