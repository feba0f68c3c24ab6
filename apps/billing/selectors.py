"""Billing reads: a bill's state on a day, searches, arrears, the collection dashboard and e-LAAS rows.

Status is derived here from append-only rows (versions, cancellations, payments, reversals), never stored.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.billing import conf
from apps.billing.allocation import BillFacts, Owed, TaxPaid, amount_owed
from apps.billing.domain.installments import Installment as PlanItem
from apps.billing.models import (
    BankStatementLine,
    Bill,
    CreditRefund,
    Objection,
    Payment,
    Receipt,
    WarningLetter,
)
from apps.organisations.models import Organisation
from apps.registry.models import Parcel
from apps.taxation.domain.rules import year_rules


class BillStatus(StrEnum):
    OPEN = "open"
    PARTLY_PAID = "partly_paid"
    OVERDUE = "overdue"
    PAID = "paid"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"


STATUS_LABELS = {
    BillStatus.OPEN: _("Open"),
    BillStatus.PARTLY_PAID: _("Partly paid"),
    BillStatus.OVERDUE: _("Overdue"),
    BillStatus.PAID: _("Paid"),
    BillStatus.CANCELLED: _("Cancelled"),
    BillStatus.SUPERSEDED: _("Replaced by a newer version"),
}


USE_LABELS = {
    "agriculture": _("Agriculture"),
    "residential": _("Residential"),
    "other": _("Other use"),
    "vacant": _("Vacant or unused"),
}


def local_date(moment: dt.datetime) -> dt.date:
    """The receipt date (s.49) of a moment: the calendar day in Thailand."""
    return timezone.localtime(moment).date()


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class BillState:
    bill: Bill
    on: dt.date
    owed: Owed
    status: BillStatus
    tax_paid_satang: int
    credit_satang: int  # money beyond the bill kept for the taxpayer, plus tax overpaid after a reduction
    payments: list[Payment] = field(default_factory=list)
    warning: WarningLetter | None = None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_payable(self) -> bool:
        return self.status not in (BillStatus.CANCELLED, BillStatus.SUPERSEDED, BillStatus.PAID)


def current_bills(*, org: Organisation) -> QuerySet[Bill]:
    """Bills that are the latest version of their reference (cancelled ones included)."""
    return Bill.objects.filter(organisation=org, superseded_by__isnull=True)


def bill_get(*, org: Organisation, pk: int) -> Bill:
    return Bill.objects.select_related("owner", "assessment", "organisation").get(organisation=org, pk=pk)


def bill_current(*, org: Organisation, reference: str) -> Bill | None:
    return (
        Bill.objects.select_related("owner", "organisation")
        .filter(organisation=org, reference=reference)
        .order_by("-version")
        .first()
    )


def family_ids(bill: Bill) -> list[int]:
    """Ids of every version of the bill's reference (indexed by bill_unique_reference_version)."""
    return list(
        Bill.objects.filter(organisation_id=bill.organisation_id, reference=bill.reference).values_list(
            "pk", flat=True
        )
    )


def _family_payments(bill: Bill, ids: list[int] | None = None) -> list[Payment]:
    # By bill id (the foreign-key index), not by organisation + reference: that join would walk every
    # payment of the organisation and grow slower with each one (seen in bench/payments.py).
    return list(
        Payment.objects.filter(bill_id__in=ids if ids is not None else family_ids(bill))
        .select_related("receipt", "taken_by", "reverses__receipt")
        .order_by("received_at", "id")
    )


def bill_facts(
    *, bill: Bill, payments: Iterable[Payment] | None = None, ids: list[int] | None = None
) -> BillFacts:
    """Everything the pure rules need about the bill's whole family (all versions of its reference)."""
    ids = family_ids(bill) if ids is None else ids
    payments = _family_payments(bill, ids) if payments is None else payments
    plan_items: tuple[PlanItem, ...] = ()
    plan = _one_to_one(bill, "installment_plan")
    if plan is not None:
        plan_items = tuple(
            PlanItem(number=i.number, due_date=i.due_date, amount_satang=i.amount_satang)
            for i in plan.installments.order_by("number")
        )
    letter = _family_warning(bill, ids)
    extension = _one_to_one(bill, "extension")
    return BillFacts(
        tax_satang=bill.amount_satang,
        due_date=bill.due_date,
        paid=tuple(TaxPaid(local_date(p.received_at), p.tax_satang) for p in payments if p.tax_satang),
        installments=plan_items,
        warning_received_on=letter.received_on if letter and letter.received_on else None,
        warning_pay_by=letter.pay_by if letter and letter.received_on else None,
        extension_until=extension.until if extension else None,
    )


def _one_to_one(bill: Bill, name: str):
    """A reverse one-to-one row or None; no query when the caller loaded it with select_related."""
    try:
        return getattr(bill, name)
    except ObjectDoesNotExist:
        return None


def _family_warning(bill: Bill, ids: list[int] | None = None) -> WarningLetter | None:
    return (
        WarningLetter.objects.filter(bill_id__in=ids if ids is not None else family_ids(bill))
        .order_by("-issued_on", "-id")
        .first()
    )


def bill_state(*, bill: Bill, on: dt.date | None = None) -> BillState:
    on = on or today()
    ids = family_ids(bill)
    payments = _family_payments(bill, ids)
    facts = bill_facts(bill=bill, payments=payments, ids=ids)
    owed = amount_owed(facts, on, conf.installment_rules())
    credit = sum(p.credit_satang for p in payments) + max(0, facts.tax_paid_satang - bill.amount_satang)
    if _one_to_one(bill, "cancellation") is not None:
        status = BillStatus.CANCELLED
    elif any(pk > bill.pk for pk in ids) and Bill.objects.filter(supersedes=bill).exists():
        status = BillStatus.SUPERSEDED
    elif owed.total_satang == 0:
        status = BillStatus.PAID
    elif owed.penalty_satang or owed.surcharge_satang:
        status = BillStatus.OVERDUE
    elif facts.tax_paid_satang > 0:
        status = BillStatus.PARTLY_PAID
    else:
        status = BillStatus.OPEN
    return BillState(
        bill=bill,
        on=on,
        owed=owed,
        status=status,
        tax_paid_satang=facts.tax_paid_satang,
        credit_satang=credit,
        payments=payments,
        warning=_family_warning(bill, ids),
    )


def bill_search(*, org: Organisation, query: str, limit: int = 50) -> QuerySet[Bill]:
    """Current bills by reference, taxpayer ID number or a piece of the taxpayer's name."""
    query = query.strip()
    bills = current_bills(org=org).select_related("owner").order_by("-tax_year", "reference")
    if not query:
        return bills.none()
    words = query.split()
    condition = Q(reference=query.replace(" ", "")) | Q(owner__id_number=query.replace("-", ""))
    name = Q()
    for word in words:
        name &= Q(owner__first_name__icontains=word) | Q(owner__last_name__icontains=word)
    return bills.filter(condition | name)[:limit]


@dataclass(frozen=True)
class CreditLedger:
    """A taxpayer's credit with the organisation, from the append-only rows that make and use it."""

    kept_satang: int  # money paid beyond everything owed, kept as credit (less reversals)
    overpaid_tax_satang: int  # tax paid beyond a bill later reduced (objection) or cancelled
    spent_satang: int  # paid onto bills out of the credit (payments with method "credit")
    refunded_satang: int  # paid back to the taxpayer

    @property
    def balance_satang(self) -> int:
        return self.kept_satang + self.overpaid_tax_satang - self.spent_satang - self.refunded_satang


def owner_credit(*, org: Organisation, owner_id: int) -> CreditLedger:
    """What the taxpayer has in credit, in four queries whatever the number of bills and payments."""
    payments = Payment.objects.filter(organisation=org, bill__owner_id=owner_id)
    totals = payments.aggregate(
        kept=Coalesce(Sum("credit_satang"), 0),
        spent=Coalesce(Sum("amount_satang", filter=Q(method=Payment.Method.CREDIT)), 0),
    )
    tax_paid = dict(
        payments.values("bill__reference")
        .annotate(tax=Sum("tax_satang"))
        .values_list("bill__reference", "tax")
    )
    overpaid = 0
    bills = current_bills(org=org).filter(owner_id=owner_id)
    for reference, amount_satang, cancellation_id in bills.values_list(
        "reference", "amount_satang", "cancellation__id"
    ):
        # A cancelled bill owes nothing: every satang of tax paid on it belongs to the taxpayer.
        owed_tax = 0 if cancellation_id else amount_satang
        overpaid += max(0, (tax_paid.get(reference) or 0) - owed_tax)
    refunded = CreditRefund.objects.filter(organisation=org, owner_id=owner_id).aggregate(
        total=Coalesce(Sum("amount_satang"), 0)
    )["total"]
    return CreditLedger(int(totals["kept"]), overpaid, int(totals["spent"]), int(refunded))


def owner_credit_satang(*, org: Organisation, owner_id: int) -> int:
    """Credit the taxpayer can spend on a bill or have refunded."""
    return owner_credit(org=org, owner_id=owner_id).balance_satang


class CreditLineKind(StrEnum):
    KEPT = "kept"
    KEPT_REVERSED = "kept_reversed"
    SPENT = "spent"
    SPENT_REVERSED = "spent_reversed"
    REFUNDED = "refunded"


CREDIT_LINE_LABELS = {
    CreditLineKind.KEPT: _("Kept from a payment"),
    CreditLineKind.KEPT_REVERSED: _("Payment reversed"),
    CreditLineKind.SPENT: _("Used on a bill"),
    CreditLineKind.SPENT_REVERSED: _("Use of credit reversed"),
    CreditLineKind.REFUNDED: _("Paid back"),
}


@dataclass(frozen=True)
class CreditLine:
    at: dt.datetime
    kind: CreditLineKind
    change_satang: int  # + adds to the credit, - takes from it
    by: object
    reason: str
    payment: Payment | None = None
    refund: CreditRefund | None = None

    @property
    def label(self) -> str:
        return str(CREDIT_LINE_LABELS[self.kind])


@dataclass(frozen=True)
class CreditHistory:
    ledger: CreditLedger
    lines: list[CreditLine]  # oldest first; tax overpaid on a reduced bill is in the ledger, not a line


def owner_credit_history(*, org: Organisation, owner_id: int) -> CreditHistory:
    lines = []
    for payment in (
        Payment.objects.filter(organisation=org, bill__owner_id=owner_id)
        .filter(~Q(credit_satang=0) | Q(method=Payment.Method.CREDIT))
        .select_related("bill", "receipt", "taken_by", "reverses__receipt")
    ):
        if payment.method == Payment.Method.CREDIT:
            kind = CreditLineKind.SPENT_REVERSED if payment.reverses_id else CreditLineKind.SPENT
            change = -payment.amount_satang
        else:
            kind = CreditLineKind.KEPT_REVERSED if payment.reverses_id else CreditLineKind.KEPT
            change = payment.credit_satang
        lines.append(CreditLine(payment.received_at, kind, change, payment.taken_by, payment.reason, payment))
    for refund in CreditRefund.objects.filter(organisation=org, owner_id=owner_id).select_related("paid_by"):
        lines.append(
            CreditLine(
                refund.paid_at,
                CreditLineKind.REFUNDED,
                -refund.amount_satang,
                refund.paid_by,
                refund.reason,
                refund=refund,
            )
        )
    lines.sort(key=lambda line: line.at)
    return CreditHistory(owner_credit(org=org, owner_id=owner_id), lines)


def owner_bills(*, org: Organisation, owner_id: int, on: dt.date | None = None) -> list[BillState]:
    """The taxpayer's current bills of every year, newest first, with their state on ``on``."""
    bills = (
        current_bills(org=org)
        .filter(owner_id=owner_id)
        .select_related("owner", "organisation", "cancellation", "installment_plan", "extension")
        .order_by("-tax_year", "reference")
    )
    return [bill_state(bill=bill, on=on) for bill in bills]


def bill_list_for_resident(*, org: Organisation, user) -> QuerySet[Bill]:
    """The current, uncancelled bills of the taxpayers whose login is ``user`` (Owner.user), newest first.

    Residents reach bills only through this: a bill of someone else is simply not in the set (404).
    """
    if not getattr(user, "is_authenticated", False):
        return Bill.objects.none()
    return (
        current_bills(org=org)
        .filter(owner__user=user, cancellation__isnull=True)
        .select_related("owner", "organisation", "installment_plan", "extension")
        .order_by("-tax_year", "reference")
    )


@dataclass(frozen=True)
class ExtensionEffect:
    """What the taxpayer would owe if paying in full on the extension's last day, with and without it."""

    pay_on: dt.date
    with_extension: Owed
    without_extension: Owed

    @property
    def saved_satang(self) -> int:
        return self.without_extension.total_satang - self.with_extension.total_satang


def extension_effect(*, bill: Bill, until: dt.date) -> ExtensionEffect:
    """s.14 + s.70 para 2: within an approved extension no penalty and a surcharge of 0.5% a month
    (from the original due date) instead of 1%; once it lapses the ordinary charges apply from the due date.
    """
    facts = bill_facts(bill=bill)
    rules = conf.installment_rules()
    extended = replace(facts, extension_until=until)
    plain = replace(facts, extension_until=None)
    return ExtensionEffect(until, amount_owed(extended, until, rules), amount_owed(plain, until, rules))


def owner_arrears(
    *, org: Organisation, owner_id: int, before_year: int | None = None, on: dt.date | None = None
) -> list[BillState]:
    """Unpaid bills of earlier tax years, carried forward onto the taxpayer's later bills and the counter."""
    on = on or today()
    bills = current_bills(org=org).filter(owner_id=owner_id, due_date__lt=on, cancellation__isnull=True)
    if before_year is not None:
        bills = bills.filter(tax_year__lt=before_year)
    states = [bill_state(bill=bill, on=on) for bill in bills.select_related("owner").order_by("tax_year")]
    return [state for state in states if state.owed.total_satang > 0]


@dataclass(frozen=True)
class ArrearsRow:
    state: BillState
    parcel_refs: tuple[str, ...]


def arrears_list(*, org: Organisation, tax_year: int, on: dt.date | None = None) -> list[ArrearsRow]:
    """Taxpayers still owing after the due date (s.58), for the Land Office list (s.60, within June)."""
    on = on or today()
    bills = (
        current_bills(org=org)
        .filter(tax_year=tax_year, due_date__lt=on, cancellation__isnull=True)
        .select_related("owner", "assessment")
        .order_by("owner__first_name", "owner__last_name", "reference")
    )
    rows = []
    for bill in bills:
        state = bill_state(bill=bill, on=on)
        if state.owed.tax_satang > 0:
            rows.append(ArrearsRow(state, parcel_refs(bill)))
    return rows


def parcel_refs(bill: Bill) -> tuple[str, ...]:
    properties = (bill.assessment.input_document or {}).get("properties", [])
    return tuple(dict.fromkeys(str(p.get("ref", "")) for p in properties if p.get("ref")))


def _month_end_after(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


@dataclass(frozen=True)
class CollectionCalendar:
    payment_due: dt.date
    warning_letters_by: dt.date  # s.61: within the month after the payment deadline (May in a normal year)
    land_office_by: dt.date  # s.60: the arrears list within the month after that (June in a normal year)


def collection_calendar(*, tax_year: int) -> CollectionCalendar | None:
    """The year's deadlines after payment, from the year's data file (extended years move them, §11.2)."""
    try:
        due = year_rules(tax_year).calendar.payment_due
    except LookupError:
        return None
    return CollectionCalendar(due, _month_end_after(due, 1), _month_end_after(due, 2))


def bills_needing_warning(*, org: Organisation, tax_year: int, on: dt.date) -> list[Bill]:
    """Current, uncancelled bills past their due date, still owing tax, with no warning letter yet."""
    letters = WarningLetter.objects.filter(bill__reference=OuterRef("reference"), organisation=org)
    bills = (
        current_bills(org=org)
        .filter(tax_year=tax_year, due_date__lt=on, cancellation__isnull=True)
        .annotate(has_letter=Exists(letters))
        .filter(has_letter=False)
        .select_related("owner")
        .order_by("reference")
    )
    return [bill for bill in bills if bill_state(bill=bill, on=on).owed.tax_satang > 0]


def bank_lines_waiting(*, org: Organisation) -> QuerySet[BankStatementLine]:
    return (
        BankStatementLine.objects.filter(organisation=org, status=BankStatementLine.Status.UNMATCHED)
        .select_related("statement")
        .order_by("received_at", "id")
    )


def objections_needing_decision(*, org: Organisation, on: dt.date | None = None) -> list[Objection]:
    """Undecided objections whose 60-day limit (s.73) falls within the reminder window or has passed."""
    on = on or today()
    horizon = on + dt.timedelta(days=conf.objection_reminder_days())
    pending = Objection.objects.filter(organisation=org, decision__isnull=True).select_related("bill__owner")
    return [objection for objection in pending if objection.decide_by <= horizon]


# --- collection dashboard ------------------------------------------------------------------------------


@dataclass
class Bucket:
    key: str
    label: str
    billed_satang: int = 0
    collected_satang: int = 0  # tax part collected (penalty and surcharge shown apart)
    charges_satang: int = 0
    bills: int = 0

    @property
    def outstanding_satang(self) -> int:
        return max(0, self.billed_satang - self.collected_satang)

    @property
    def collected_pct(self) -> int | None:
        if not self.billed_satang:
            return None
        return self.collected_satang * 100 // self.billed_satang


@dataclass
class CollectionSummary:
    tax_year: int
    total: Bucket
    by_village: list[Bucket]
    by_use: list[Bucket]
    by_month: list[Bucket]  # payments received per calendar month (all kinds: tax + charges)
    last_year: Bucket | None


def _year_total(org: Organisation, tax_year: int) -> tuple[Bucket, dict[int, Bucket], dict[str, Bucket]]:
    total = Bucket("total", str(tax_year))
    villages: dict[int | None, Bucket] = {}
    uses: dict[str, Bucket] = {}
    bills = list(
        current_bills(org=org)
        .filter(tax_year=tax_year, cancellation__isnull=True)
        .select_related("village")
        .values("reference", "amount_satang", "village_id", "village__moo_no", "village__name_th", "main_use")
    )
    paid = defaultdict(lambda: [0, 0])
    for row in (
        Payment.objects.filter(organisation=org, bill__tax_year=tax_year)
        .values("bill__reference")
        .annotate(tax=Sum("tax_satang"), charges=Sum("penalty_satang") + Sum("surcharge_satang"))
    ):
        paid[row["bill__reference"]] = [row["tax"] or 0, row["charges"] or 0]
    for row in bills:
        tax, charges = paid[row["reference"]]
        tax = min(tax, row["amount_satang"])
        village_label = (
            f"{row['village__moo_no']} {row['village__name_th']}"
            if row["village_id"]
            else str(_("No village"))
        )
        use_key = row["main_use"] or "-"
        for bucket in (
            total,
            villages.setdefault(row["village_id"], Bucket(str(row["village_id"]), village_label)),
            uses.setdefault(use_key, Bucket(use_key, str(USE_LABELS.get(use_key, use_key)))),
        ):
            bucket.billed_satang += row["amount_satang"]
            bucket.collected_satang += tax
            bucket.charges_satang += charges
            bucket.bills += 1
    return total, villages, uses


def collection_summary(*, org: Organisation, tax_year: int) -> CollectionSummary:
    total, villages, uses = _year_total(org, tax_year)
    months = []
    for row in (
        # Money received in the month: tax paid out of the taxpayer's credit was counted when it came in.
        Payment.objects.filter(organisation=org, bill__tax_year=tax_year)
        .exclude(method=Payment.Method.CREDIT)
        .annotate(year=ExtractYear("received_at"), month=ExtractMonth("received_at"))
        .values("year", "month")
        .annotate(amount=Sum("amount_satang") - Sum("credit_satang"), tax=Sum("tax_satang"))
        .order_by("year", "month")
    ):
        bucket = Bucket(f"{row['year']}-{row['month']:02d}", f"{row['month']:02d}/{row['year'] + 543}")
        bucket.collected_satang = row["tax"] or 0
        bucket.charges_satang = (row["amount"] or 0) - (row["tax"] or 0)
        months.append(bucket)
    last_total, _v, _u = _year_total(org, tax_year - 1)
    return CollectionSummary(
        tax_year=tax_year,
        total=total,
        by_village=sorted(villages.values(), key=lambda b: b.label),
        by_use=sorted(uses.values(), key=lambda b: b.key),
        by_month=months,
        last_year=last_total if last_total.bills else None,
    )


# --- e-LAAS -------------------------------------------------------------------------------------------


def receipts_on(*, org: Organisation, day: dt.date) -> QuerySet[Receipt]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return (
        Receipt.objects.filter(
            organisation=org, payment__received_at__gte=start, payment__received_at__lt=end
        )
        .select_related("payment__bill__owner", "payment__taken_by")
        .order_by("fiscal_year_be", "number")
    )


def reversals_on(*, org: Organisation, day: dt.date) -> QuerySet[Payment]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return (
        Payment.objects.filter(
            organisation=org, reverses__isnull=False, received_at__gte=start, received_at__lt=end
        )
        # A payment out of credit had no receipt and brought no money: its reversal is not a cash line.
        .exclude(method=Payment.Method.CREDIT)
        .select_related("reverses__receipt", "bill__owner")
        .order_by("received_at", "id")
    )


# --- payment status by parcel (the map) -------------------------------------------------------------------


class ParcelPaymentStatus(StrEnum):
    # In the order "worst wins": a parcel shows the worst status among the bills of its owners.
    NO_BILL = "no_bill"
    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    UNPAID = "unpaid"
    OVERDUE = "overdue"


_PARCEL_STATUS_BY_RANK = dict(enumerate(ParcelPaymentStatus))

# One statement for the whole organisation. It restates bill_state's status in SQL (test_map_status.py
# checks the two agree): a bill is paid when the tax paid on all its versions covers the current version;
# overdue when tax is unpaid after the due date, or, under an instalment plan (s.52), when an instalment
# fallen due was not paid in full by its due date; partly paid when some tax was paid; else unpaid.
# A parcel's owners: owners of the parcel itself, of a building on it, or of a condominium unit in one.
_PARCEL_STATUS_SQL = """
WITH cur AS (
    SELECT b.id, b.owner_id, b.reference, b.amount_satang, b.due_date
    FROM billing_bill b
    WHERE b.organisation_id = %(org)s AND b.tax_year = %(year)s
      AND NOT EXISTS (SELECT 1 FROM billing_bill n WHERE n.supersedes_id = b.id)
      AND NOT EXISTS (SELECT 1 FROM billing_billcancellation c WHERE c.bill_id = b.id)
),
paid AS (
    SELECT f.reference, SUM(p.tax_satang) AS tax_satang
    FROM billing_payment p JOIN billing_bill f ON f.id = p.bill_id
    WHERE f.organisation_id = %(org)s AND f.tax_year = %(year)s
    GROUP BY f.reference
),
missed AS (
    SELECT DISTINCT cur.id AS bill_id
    FROM cur
    JOIN billing_installmentplan pl ON pl.bill_id = cur.id
    JOIN billing_installment i ON i.plan_id = pl.id
    WHERE i.due_date < %(today)s
      AND (SELECT SUM(i2.amount_satang) FROM billing_installment i2
           WHERE i2.plan_id = pl.id AND i2.number <= i.number)
        > (SELECT COALESCE(SUM(p.tax_satang), 0)
           FROM billing_payment p JOIN billing_bill f ON f.id = p.bill_id
           WHERE f.organisation_id = %(org)s AND f.reference = cur.reference
             AND (p.received_at AT TIME ZONE %(tz)s)::date <= i.due_date)
),
bill_rank AS (
    SELECT cur.owner_id,
           CASE
               WHEN COALESCE(paid.tax_satang, 0) >= cur.amount_satang THEN 1
               WHEN missed.bill_id IS NOT NULL OR (pl.id IS NULL AND cur.due_date < %(today)s) THEN 4
               WHEN COALESCE(paid.tax_satang, 0) > 0 THEN 2
               ELSE 3
           END AS rank
    FROM cur
    LEFT JOIN paid ON paid.reference = cur.reference
    LEFT JOIN billing_installmentplan pl ON pl.bill_id = cur.id
    LEFT JOIN missed ON missed.bill_id = cur.id
),
holders AS (
    SELECT o.parcel_id, o.owner_id FROM registry_ownership o
    WHERE o.organisation_id = %(org)s AND o.parcel_id IS NOT NULL
    UNION
    SELECT bd.parcel_id, o.owner_id
    FROM registry_ownership o JOIN registry_building bd ON bd.id = o.building_id
    WHERE o.organisation_id = %(org)s
    UNION
    SELECT bd.parcel_id, o.owner_id FROM registry_ownership o
    JOIN registry_condounit u ON u.id = o.condo_unit_id JOIN registry_building bd ON bd.id = u.building_id
    WHERE o.organisation_id = %(org)s
)
SELECT p.id, COALESCE(MAX(r.rank), 0)
FROM registry_parcel p
LEFT JOIN holders h ON h.parcel_id = p.id
LEFT JOIN bill_rank r ON r.owner_id = h.owner_id
WHERE p.organisation_id = %(org)s AND p.status = %(active)s
GROUP BY p.id
"""


def payment_status_by_parcel(
    *, org: Organisation, tax_year: int, on: dt.date | None = None
) -> dict[int, str]:
    """{active parcel id: "paid" / "partly_paid" / "unpaid" / "overdue" / "no_bill"} for the tax year.

    Set-based for the map (one SQL statement; bill_state per bill would be a dozen queries per taxpayer).
    A parcel's status is the worst of the current, uncancelled bills of its owners for that year.
    """
    params = {
        "org": org.pk,
        "year": tax_year,
        "today": on or today(),
        "tz": settings.TIME_ZONE,
        "active": Parcel.Status.ACTIVE.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_PARCEL_STATUS_SQL, params)
        return {parcel_id: _PARCEL_STATUS_BY_RANK[rank].value for parcel_id, rank in cursor.fetchall()}
