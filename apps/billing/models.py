"""Bills, payments and receipts: append-only money records of the land and building tax.

Nothing here is ever edited or deleted once written (migration 0002 puts a trigger on each table that
refuses UPDATE and DELETE): a correction is a new row that points at the old one, with who and why —
a bill's next version (``supersedes``), a cancellation, a reversing payment (``reverses``). Status is
derived from those rows by apps/billing/selectors.py, never stored. Every amount is integer satang.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import OrgScoped

# Rows of these tables are refused UPDATE and DELETE by the database (migration 0002_append_only).
APPEND_ONLY_TABLES = (
    "billing_bill",
    "billing_billcancellation",
    "billing_billextension",
    "billing_payment",
    "billing_receipt",
    "billing_installmentplan",
    "billing_installment",
    "billing_objection",
    "billing_objectiondecision",
    "billing_creditrefund",
)

_USER = settings.AUTH_USER_MODEL


class Bill(OrgScoped):
    """One version of what a taxpayer owes for a tax year, made from one issued assessment.

    All versions of a bill share its ``reference`` (QR ref 1): a bank payment made with an old notice's QR
    lands on the current version, and tax paid on any version counts for the latest.
    """

    assessment = models.OneToOneField(
        "taxation.Assessment", on_delete=models.PROTECT, related_name="bill", verbose_name=_("assessment")
    )
    owner = models.ForeignKey(
        "registry.Owner", on_delete=models.PROTECT, related_name="bills", verbose_name=_("taxpayer")
    )
    tax_year = models.PositiveSmallIntegerField(_("tax year (B.E.)"))
    reference = models.CharField(_("bill reference"), max_length=20)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("replaces"),
    )
    amount_satang = models.BigIntegerField(_("tax (satang)"))
    due_date = models.DateField(_("due date"))
    installment_due = ArrayField(
        models.DateField(), default=list, blank=True, verbose_name=_("instalment dates")
    )
    # Copied at issue for the collection dashboard (by village, by use) without reading assessment JSON.
    village = models.ForeignKey(
        "registry.Village", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    main_use = models.CharField(_("main use"), max_length=12, blank=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField(_("reason for this version"), blank=True)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["organisation", "tax_year", "reference", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference", "version"], name="bill_unique_reference_version"
            ),
            models.CheckConstraint(condition=Q(amount_satang__gte=0), name="bill_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["organisation", "tax_year"], name="bill_org_year")]

    def __str__(self) -> str:
        return f"{self.reference} v{self.version}"


class BillCancellation(OrgScoped):
    bill = models.OneToOneField(Bill, on_delete=models.PROTECT, related_name="cancellation")
    reason = models.TextField(_("reason"))
    cancelled_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled"), default=timezone.now)

    class Meta:
        verbose_name = _("bill cancellation")
        verbose_name_plural = _("bill cancellations")


class BillExtension(OrgScoped):
    """An extension the local executive granted one taxpayer (s.14 para 1): 0.5% a month within it (s.70)."""

    bill = models.OneToOneField(Bill, on_delete=models.PROTECT, related_name="extension")
    until = models.DateField(_("extended until"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payment extension")
        verbose_name_plural = _("payment extensions")


class Payment(OrgScoped):
    """Money received for a bill, split into tax, penalty, surcharge and credit when it was received.

    A reversal is a second row with the opposite amounts and ``reverses`` pointing at the original.
    """

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        BANK_QR = "bank_qr", _("Thai QR / bank bill payment")
        # Tax paid out of the taxpayer's credit (an earlier overpayment): no new money, so no receipt.
        CREDIT = "credit", _("Taxpayer's credit")

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="payments", verbose_name=_("bill"))
    amount_satang = models.BigIntegerField(_("amount (satang)"))
    tax_satang = models.BigIntegerField(_("tax part (satang)"))
    penalty_satang = models.BigIntegerField(_("penalty part (satang)"), default=0)
    surcharge_satang = models.BigIntegerField(_("surcharge part (satang)"), default=0)
    credit_satang = models.BigIntegerField(_("credit kept (satang)"), default=0)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    method_reference = models.CharField(_("cheque no. or bank reference"), max_length=40, blank=True)
    taken_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("taken by")
    )
    received_at = models.DateTimeField(_("received"))
    idempotency_key = models.CharField(max_length=80, unique=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reverses"),
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    amount_satang=F("tax_satang")
                    + F("penalty_satang")
                    + F("surcharge_satang")
                    + F("credit_satang")
                ),
                name="payment_parts_add_up",
            ),
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount_satang__gt=0))
                | (Q(reverses__isnull=False) & Q(amount_satang__lt=0)),
                name="payment_sign_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "received_at"], name="payment_org_received")]

    def __str__(self) -> str:
        return f"{self.bill.reference} {self.amount_satang}"


class CreditRefund(OrgScoped):
    """Credit paid back to the taxpayer (an overpayment, or tax overpaid after a reduction).

    Append-only like the payments: a refund recorded by mistake is answered by the administrator, never
    edited. The taxpayer's credit is what payments kept as credit, less what was spent on bills (payments
    with method "credit") and what these rows paid back (apps/billing/selectors.py owner_credit_satang).
    """

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")

    owner = models.ForeignKey(
        "registry.Owner", on_delete=models.PROTECT, related_name="credit_refunds", verbose_name=_("taxpayer")
    )
    amount_satang = models.BigIntegerField(_("amount (satang)"))
    method = models.CharField(_("paid by"), max_length=10, choices=Method.choices)
    method_reference = models.CharField(_("cheque no. or bank reference"), max_length=40, blank=True)
    reason = models.TextField(_("reason"))
    paid_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("paid by"))
    paid_at = models.DateTimeField(_("paid out"), default=timezone.now)
    idempotency_key = models.CharField(max_length=80, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("credit refund")
        verbose_name_plural = _("credit refunds")
        ordering = ["paid_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_satang__gt=0), name="credit_refund_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.amount_satang}"


class ReceiptSequence(OrgScoped):
    """The last receipt number used per organisation and fiscal year, locked while the next one is taken."""

    fiscal_year_be = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "fiscal_year_be"], name="receipt_sequence_unique")
        ]


class Receipt(OrgScoped):
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    fiscal_year_be = models.PositiveSmallIntegerField(_("fiscal year (B.E.)"))
    number = models.PositiveIntegerField(_("number"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["fiscal_year_be", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year_be", "number"], name="receipt_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.number_text

    @property
    def number_text(self) -> str:
        return f"{self.fiscal_year_be}/{self.number:06d}"


class InstallmentPlan(OrgScoped):
    bill = models.OneToOneField(Bill, on_delete=models.PROTECT, related_name="installment_plan")
    requested_on = models.DateField(_("requested on"))
    remainder = models.CharField(_("rounding of the parts"), max_length=20)
    created_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("instalment plan")
        verbose_name_plural = _("instalment plans")


class Installment(OrgScoped):
    plan = models.ForeignKey(InstallmentPlan, on_delete=models.PROTECT, related_name="installments")
    number = models.PositiveSmallIntegerField(_("instalment"))
    due_date = models.DateField(_("due date"))
    amount_satang = models.BigIntegerField(_("amount (satang)"))

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="installment_unique_number")]


class WarningLetter(OrgScoped):
    """The s.61 warning letter to a taxpayer who has not paid by the due date (within May in a normal year).

    ``received_on`` is filled in when the post office's return slip comes back: it decides the 20% / 40%
    penalty tier (s.68-s.69), so it is the one field recorded after the row is written.
    """

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="warning_letters")
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    pay_within_days = models.PositiveSmallIntegerField(_("days to pay after receipt"))
    received_on = models.DateField(_("received by the taxpayer on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("warning letter")
        verbose_name_plural = _("warning letters")
        ordering = ["-issued_on", "id"]
        constraints = [models.UniqueConstraint(fields=["bill"], name="warning_letter_one_per_bill")]

    @property
    def pay_by(self) -> date | None:
        if self.received_on is None:
            return None
        return self.received_on + timedelta(days=self.pay_within_days)


class BankStatementImport(OrgScoped):
    uploaded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    lines_total = models.PositiveIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    unmatched_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    # [{"line": 7, "error": "..."}]: lines that are not payments at all, reported and not kept.
    bad_lines = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "sha256"], name="bank_import_once")]


class BankStatementLine(OrgScoped):
    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched")
        UNMATCHED = "unmatched", _("Waiting for a person to match")
        SET_ASIDE = "set_aside", _("Set aside")

    statement = models.ForeignKey(BankStatementImport, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    amount_satang = models.BigIntegerField()
    ref1 = models.CharField(max_length=40, blank=True)
    ref2 = models.CharField(max_length=40, blank=True)
    bank_ref = models.CharField(max_length=60)
    status = models.CharField(max_length=10, choices=Status.choices)
    problem = models.CharField(max_length=200, blank=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="bank_line"
    )
    resolved_by = models.ForeignKey(_USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    # Why a line waits: a BillingErrorCode value, or "no_bill"; a set-aside line keeps the person's note.
    PROBLEMS = {
        "no_bill": _("No bill has this reference."),
        "bill_cancelled": _("The bill with this reference was cancelled."),
        "already_paid": _("The bill is already paid."),
        "amount_invalid": _("The amount is not valid."),
    }

    class Meta:
        ordering = ["statement", "line_no"]
        constraints = [models.UniqueConstraint(fields=["organisation", "bank_ref"], name="bank_line_once")]

    @property
    def problem_label(self) -> str:
        return str(self.PROBLEMS.get(self.problem, self.problem))


class Objection(OrgScoped):
    """ภ.ด.ส.10: the taxpayer objects to an assessment within 30 days of receiving it (s.73)."""

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="objections")
    notice_received_on = models.DateField(_("notice received on"))
    filed_on = models.DateField(_("filed on"))
    grounds = models.TextField(_("grounds"))
    recorded_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["filed_on", "id"]

    @property
    def decide_by(self) -> date:
        # s.73 para 2: decided within 60 days of filing, or deemed accepted.
        return self.filed_on + timedelta(days=60)


class ObjectionDecision(OrgScoped):
    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    objection = models.OneToOneField(Objection, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    decided_on = models.DateField(_("decided on"))
    corrected_tax_satang = models.BigIntegerField(_("corrected tax (satang)"), null=True, blank=True)
    new_bill = models.OneToOneField(Bill, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
