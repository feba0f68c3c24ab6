"""Importing a bank statement file: each line is matched to a bill by ref 1 and paid, or left for a person."""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from apps.billing import bankfile
from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import BankStatementImport, BankStatementLine, Bill, Payment
from apps.billing.services.payments import payment_record
from apps.organisations.models import Organisation

logger = logging.getLogger(__name__)


def bank_key(org: Organisation, bank_ref: str) -> str:
    # The bank's own transaction reference makes the payment idempotent: a line can never be paid twice.
    return f"bank:{org.pk}:{bank_ref}"


def bank_statement_import(*, org: Organisation, data: bytes, file_name: str, by) -> BankStatementImport:
    """Read, match and pay every good line; garbage lines are reported with line numbers, not kept.

    Lines already imported (same bank_ref) are counted as duplicates and skipped. A line whose ref 1 finds
    no bill, or a cancelled one, waits in the queue for a person (bank_line_match / bank_line_set_aside).
    """
    lines, bad = bankfile.parse(bankfile.decode(data))
    if not lines and not bad:
        raise BillingError(BillingErrorCode.BANK_FILE_EMPTY, _("The file has no payment lines."))
    digest = hashlib.sha256(data).hexdigest()
    if BankStatementImport.objects.filter(organisation=org, sha256=digest).exists():
        raise BillingError(BillingErrorCode.BANK_FILE_TWICE, _("This exact file was imported before."))

    with transaction.atomic():
        statement = BankStatementImport.objects.create(
            organisation=org,
            uploaded_by=by,
            file_name=file_name[:200],
            sha256=digest,
            lines_total=len(lines) + len(bad),
            bad_lines=[{"line": item.line_no, "error": item.error} for item in bad],
        )
        known = set(
            BankStatementLine.objects.filter(
                organisation=org, bank_ref__in=[line.bank_ref for line in lines]
            ).values_list("bank_ref", flat=True)
        )
        bills = _current_bills_by_reference(org, {line.ref1 for line in lines})
        rows = []
        for line in lines:
            if line.bank_ref in known:
                statement.duplicate_count += 1
                continue
            row = BankStatementLine(
                organisation=org,
                statement=statement,
                line_no=line.line_no,
                received_at=line.received_at,
                amount_satang=line.amount_satang,
                ref1=line.ref1,
                ref2=line.ref2,
                bank_ref=line.bank_ref,
                status=BankStatementLine.Status.UNMATCHED,
            )
            bill_id = bills.get(line.ref1)
            if bill_id is None:
                row.problem = "no_bill"
            else:
                try:
                    result = payment_record(
                        org=org,
                        bill_id=bill_id,
                        amount_satang=line.amount_satang,
                        method=Payment.Method.BANK_QR,
                        by=by,
                        idempotency_key=bank_key(org, line.bank_ref),
                        received_at=line.received_at,
                        method_reference=line.bank_ref,
                        refuse_when_paid=False,
                    )
                except BillingError as exc:
                    row.problem = exc.code.value
                else:
                    row.payment = result.payment
                    row.status = BankStatementLine.Status.MATCHED
            if row.status == BankStatementLine.Status.MATCHED:
                statement.matched_count += 1
            else:
                statement.unmatched_count += 1
            rows.append(row)
        BankStatementLine.objects.bulk_create(rows, batch_size=1000)
        statement.save(update_fields=["matched_count", "unmatched_count", "duplicate_count"])
    logger.info(
        "bank statement imported",
        extra={
            "organisation_id": org.pk,
            "statement_id": statement.pk,
            "matched": statement.matched_count,
            "unmatched": statement.unmatched_count,
            "bad_lines": len(bad),
        },
    )
    return statement


def _current_bills_by_reference(org: Organisation, references: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for reference, pk in (
        Bill.objects.filter(organisation=org, reference__in=references)
        .order_by("reference", "version")
        .values_list("reference", "pk")
    ):
        found[reference] = pk  # the last (highest) version wins
    return found


def _open_line(org: Organisation, line_id: int) -> BankStatementLine:
    try:
        line = BankStatementLine.objects.select_for_update().get(organisation=org, pk=line_id)
    except BankStatementLine.DoesNotExist:
        raise BillingError(BillingErrorCode.NOT_FOUND, _("No such bank line.")) from None
    if line.status != BankStatementLine.Status.UNMATCHED:
        raise BillingError(BillingErrorCode.LINE_NOT_OPEN, _("This bank line was already dealt with."))
    return line


def bank_line_match(*, org: Organisation, line_id: int, bill_id: int, by) -> BankStatementLine:
    """A person decided which bill an unmatched line pays: record the payment with its receipt."""
    with transaction.atomic():
        line = _open_line(org, line_id)
        result = payment_record(
            org=org,
            bill_id=bill_id,
            amount_satang=line.amount_satang,
            method=Payment.Method.BANK_QR,
            by=by,
            idempotency_key=bank_key(org, line.bank_ref),
            received_at=line.received_at,
            method_reference=line.bank_ref,
            refuse_when_paid=False,
        )
        line.payment = result.payment
        line.status = BankStatementLine.Status.MATCHED
        line.resolved_by = by
        line.save(update_fields=["payment", "status", "resolved_by"])
        return line


def bank_line_set_aside(*, org: Organisation, line_id: int, by, note: str) -> BankStatementLine:
    """Not a tax payment (or to be refunded by the bank): leave it out of billing, saying why."""
    if not note.strip():
        raise BillingError(BillingErrorCode.REASON_REQUIRED, _("Say why the line is set aside."))
    with transaction.atomic():
        line = _open_line(org, line_id)
        line.status = BankStatementLine.Status.SET_ASIDE
        line.problem = note.strip()[:200]
        line.resolved_by = by
        line.save(update_fields=["status", "problem", "resolved_by"])
        return line
