"""Billing reads: a bill's state on a day, searches, arrears, the collection dashboard and e-LAAS rows.

Status is derived here from append-only rows (versions, cancellations, payments, reversals), never stored.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ObjectDoesNotExist
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
    Objection,
    Payment,
    Receipt,
    WarningLetter,
)
from apps.organisations.models import Organisation
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


def owner_credit_satang(*, org: Organisation, owner_id: int) -> int:
    """Credit the taxpayer has with the organisation: overpayments kept, less what was reversed."""
    total = Payment.objects.filter(organisation=org, bill__owner_id=owner_id).aggregate(
        credit=Coalesce(Sum("credit_satang"), 0)
    )["credit"]
    return int(total)


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
        Payment.objects.filter(organisation=org, bill__tax_year=tax_year)
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
        .select_related("reverses__receipt", "bill__owner")
        .order_by("received_at", "id")
    )
