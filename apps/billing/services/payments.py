"""Recording money: a payment, its receipt with a gap-free number, and reversals.

Two cashiers can take money for the same bill at the same moment, and a slow link makes people press "pay"
twice. Every payment therefore (1) carries an idempotency key the form generated once, (2) locks every version
of the bill before it reads what is owed, and (3) may say what balance the cashier saw, so the second cashier
is told the new balance instead of taking money that is no longer owed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.billing import conf
from apps.billing.allocation import allocate, amount_owed
from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import Bill, BillCancellation, Payment, Receipt, ReceiptSequence
from apps.billing.selectors import bill_facts, local_date
from apps.core.domain.baht_text import SATANG_PER_BAHT
from apps.core.domain.thai_dates import fiscal_year_be
from apps.organisations.models import Organisation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    receipt: Receipt | None
    created: bool  # False when the idempotency key had already been used: nothing new was recorded


def baht(amount_satang: int) -> str:
    sign = "-" if amount_satang < 0 else ""
    whole, satang = divmod(abs(amount_satang), SATANG_PER_BAHT)
    return f"{sign}{whole:,}.{satang:02d}"


def lock_family(org: Organisation, bill_id: int) -> list[Bill]:
    """Lock every version of the bill's reference, oldest first; the last one is the current version."""
    reference = Bill.objects.filter(organisation=org, pk=bill_id).values_list("reference", flat=True).first()
    if reference is None:
        raise BillingError(BillingErrorCode.NOT_FOUND, _("No such bill in this organisation."))
    # The one-to-one rows the payment needs come in the same statement; only the bills are locked.
    return list(
        Bill.objects.select_for_update(of=("self",))
        .filter(organisation=org, reference=reference)
        .select_related("owner", "organisation", "cancellation", "installment_plan", "extension")
        .order_by("version")
    )


def _cancelled(bill: Bill) -> bool:
    try:
        return bill.cancellation is not None
    except BillCancellation.DoesNotExist:
        return False


def _existing(org: Organisation, key: str, family_ids: set[int] | None, amount_satang: int) -> Payment | None:
    found = Payment.objects.filter(idempotency_key=key).select_related("receipt").first()
    if found is None:
        return None
    if (
        found.organisation_id != org.pk
        or (family_ids is not None and found.bill_id not in family_ids)
        or (found.amount_satang != amount_satang)
    ):
        raise BillingError(
            BillingErrorCode.KEY_REUSED,
            _("This form was already used for a different payment. Reload the page and try again."),
        )
    return found


def _result(payment: Payment) -> PaymentResult:
    return PaymentResult(payment, getattr(payment, "receipt", None), created=False)


def payment_record(
    *,
    org: Organisation,
    bill_id: int,
    amount_satang: int,
    method: str,
    by,
    idempotency_key: str,
    received_at: dt.datetime | None = None,
    method_reference: str = "",
    expected_owed_satang: int | None = None,
    refuse_when_paid: bool = True,
) -> PaymentResult:
    """Record money received for a bill and issue its receipt at once.

    ``bill_id`` may name any version: the money goes to the current one. Money beyond everything owed is
    kept as the taxpayer's credit. ``refuse_when_paid``: the counter refuses to take money for a bill
    that owes nothing; a bank file cannot refuse money already received and records it as credit.
    """
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int) or amount_satang <= 0:
        raise BillingError(BillingErrorCode.AMOUNT_INVALID, _("The amount must be more than zero."))
    if method not in Payment.Method.values:
        raise BillingError(BillingErrorCode.METHOD_INVALID, _("Unknown payment method."))
    if not idempotency_key:
        raise BillingError(BillingErrorCode.KEY_REUSED, _("The payment form is incomplete; reload the page."))
    received_at = received_at or timezone.now()

    try:
        with transaction.atomic():
            family = lock_family(org, bill_id)
            family_ids = {bill.pk for bill in family}
            # After the lock: a first click still in flight has committed by now and is found here.
            found = _existing(org, idempotency_key, family_ids, amount_satang)
            if found is not None:
                return _result(found)
            bill = family[-1]
            if _cancelled(bill):
                raise BillingError(
                    BillingErrorCode.BILL_CANCELLED, _("This bill was cancelled; nothing can be paid on it.")
                )
            paid_on = local_date(received_at)
            facts = bill_facts(bill=bill, ids=sorted(family_ids))
            rules = conf.installment_rules()
            owed = amount_owed(facts, paid_on, rules)
            if expected_owed_satang is not None and expected_owed_satang != owed.total_satang:
                raise BillingError(
                    BillingErrorCode.BALANCE_CHANGED,
                    _(
                        "Someone recorded a payment on this bill a moment ago. It now owes %(owed)s baht;"
                        " nothing was recorded. Check with the taxpayer and pay again."
                    ),
                    owed=baht(owed.total_satang),
                )
            if refuse_when_paid and owed.total_satang == 0:
                raise BillingError(BillingErrorCode.ALREADY_PAID, _("This bill is already paid in full."))
            parts = allocate(facts, amount_satang, paid_on, rules)
            payment = Payment(
                organisation=org,
                bill=bill,
                amount_satang=amount_satang,
                tax_satang=parts.tax_satang,
                penalty_satang=parts.penalty_satang,
                surcharge_satang=parts.surcharge_satang,
                credit_satang=parts.credit_satang,
                method=method,
                method_reference=method_reference[:40],
                taken_by=by,
                received_at=received_at,
                idempotency_key=idempotency_key,
            )
            payment.save()
            receipt = receipt_issue(org=org, payment=payment)
    except IntegrityError:
        # The same key committed by another connection between our check and our insert.
        found = _existing(org, idempotency_key, None, amount_satang)
        if found is None:
            raise
        return _result(found)
    logger.info(
        "payment recorded",
        extra={"organisation_id": org.pk, "payment_id": payment.pk, "amount_satang": amount_satang},
    )
    return PaymentResult(payment, receipt, created=True)


def receipt_issue(*, org: Organisation, payment: Payment) -> Receipt:
    """Next receipt number of the organisation's fiscal year; the sequence row lock keeps numbers gap-free.

    Runs inside the payment's transaction: if anything fails afterwards the number is rolled back too.
    """
    fiscal_year = fiscal_year_be(local_date(payment.received_at))
    number = _next_number(org.pk, fiscal_year)
    if number is None:
        # First receipt of the fiscal year: make the row (a concurrent first receipt may make it too).
        ReceiptSequence.objects.bulk_create(
            [ReceiptSequence(organisation=org, fiscal_year_be=fiscal_year)], ignore_conflicts=True
        )
        number = _next_number(org.pk, fiscal_year)
    return Receipt.objects.create(
        organisation=org, payment=payment, fiscal_year_be=fiscal_year, number=number
    )


def _next_number(org_id: int, fiscal_year: int) -> int | None:
    # One statement takes the row lock and the next number; a second cashier waits here until the first
    # payment's transaction ends, so numbers follow commit order and a rollback leaves no gap.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_receiptsequence SET last_number = last_number + 1 "
            "WHERE organisation_id = %s AND fiscal_year_be = %s RETURNING last_number",
            [org_id, fiscal_year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def payment_reverse(*, org: Organisation, payment_id: int, by, reason: str) -> Payment:
    """Undo a payment (a bounced cheque, a wrong bill) with a reversing row that points at it.

    The original payment and its receipt stay as they were; the receipt shows as cancelled and the e-LAAS
    export carries the reversal as a negative line naming the original receipt number.
    """
    if not reason.strip():
        raise BillingError(BillingErrorCode.REASON_REQUIRED, _("Say why the payment is reversed."))
    with transaction.atomic():
        try:
            original = Payment.objects.get(organisation=org, pk=payment_id)
        except Payment.DoesNotExist:
            raise BillingError(
                BillingErrorCode.NOT_FOUND, _("No such payment in this organisation.")
            ) from None
        lock_family(org, original.bill_id)
        if original.reverses_id is not None:
            raise BillingError(BillingErrorCode.ALREADY_REVERSED, _("A reversal cannot itself be reversed."))
        if Payment.objects.filter(reverses=original).exists():
            raise BillingError(BillingErrorCode.ALREADY_REVERSED, _("This payment was already reversed."))
        reversal = Payment(
            organisation=org,
            bill_id=original.bill_id,
            amount_satang=-original.amount_satang,
            tax_satang=-original.tax_satang,
            penalty_satang=-original.penalty_satang,
            surcharge_satang=-original.surcharge_satang,
            credit_satang=-original.credit_satang,
            method=original.method,
            method_reference=original.method_reference,
            taken_by=by,
            received_at=timezone.now(),
            idempotency_key=f"reverse:{original.pk}",
            reverses=original,
            reason=reason.strip(),
        )
        reversal.save()
        return reversal
