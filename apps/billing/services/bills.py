"""Issuing bills from issued assessments, new versions, cancellations and individual extensions."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum import luhn

from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import Bill, BillCancellation, BillExtension
from apps.organisations.models import Organisation
from apps.registry.models import Parcel
from apps.taxation.domain.rules import year_rules
from apps.taxation.models import Assessment


def bill_reference(*, tax_year: int, owner_id: int) -> str:
    """QR ref 1: B.E. tax year + taxpayer number + a Luhn check digit, 12 digits, no personal data (§5.4).

    The check digit lets the counter and the bank-file matcher refuse a mistyped reference instead of
    paying the wrong bill. Every version of the taxpayer's bill for the year keeps this reference.
    """
    body = f"{tax_year:04d}{owner_id:07d}"
    return body + luhn.calc_check_digit(body)


def reference_is_valid(reference: str) -> bool:
    return reference.isdigit() and len(reference) >= 2 and luhn.is_valid(reference)


def _calendar(assessment: Assessment) -> tuple[dt.date, list[dt.date]]:
    """Due dates from the assessment (the engine copied the year's calendar, extensions included, §11.2)."""
    result = assessment.result or {}
    if result.get("payment_due"):
        due = dt.date.fromisoformat(result["payment_due"])
        installments = [dt.date.fromisoformat(day) for day in result.get("installment_due") or []]
        if not installments:
            installments = list(year_rules(assessment.tax_year).calendar.installment_due)
        return due, installments
    calendar = year_rules(assessment.tax_year).calendar
    return calendar.payment_due, list(calendar.installment_due)


def _place(assessment: Assessment) -> tuple[int | None, str]:
    """The village most of the taxpayer's parcels lie in, and the use carrying the most tax."""
    parcel_ids = [
        p["parcel_id"] for p in (assessment.provenance or {}).get("properties", []) if p.get("parcel_id")
    ]
    villages = Counter(
        Parcel.objects.filter(organisation_id=assessment.organisation_id, pk__in=parcel_ids)
        .exclude(village__isnull=True)
        .values_list("village_id", flat=True)
    )
    uses: Counter[str] = Counter()
    for line in (assessment.result or {}).get("lines", []):
        if line.get("use"):
            uses[line["use"]] += int(line.get("tax_satang") or 0) + 1
    village_id = villages.most_common(1)[0][0] if villages else None
    return village_id, uses.most_common(1)[0][0] if uses else ""


def bill_issue(*, org: Organisation, assessment_id: int, by=None, reason: str = "") -> Bill | None:
    """The bill of one issued assessment; idempotent (a second call returns the same bill).

    If the taxpayer already has a bill for the year (an earlier assessment version), this one becomes
    its next version: same reference, and tax paid on the old version counts for it. A zero assessment
    with nothing billed before needs no bill: returns None.
    """
    with transaction.atomic():
        try:
            assessment = Assessment.objects.select_for_update().get(organisation=org, pk=assessment_id)
        except Assessment.DoesNotExist:
            raise BillingError(BillingErrorCode.NOT_FOUND, _("No such assessment.")) from None
        if assessment.status != Assessment.Status.ISSUED:
            raise BillingError(BillingErrorCode.NOT_ISSUED, _("Only an issued assessment can be billed."))
        existing = Bill.objects.filter(assessment=assessment).first()
        if existing is not None:
            return existing
        reference = bill_reference(tax_year=assessment.tax_year, owner_id=assessment.owner_id)
        family = list(
            Bill.objects.select_for_update().filter(organisation=org, reference=reference).order_by("version")
        )
        previous = family[-1] if family else None
        if previous is None and assessment.total_satang == 0:
            return None
        due_date, installment_due = _calendar(assessment)
        village_id, main_use = _place(assessment)
        bill = Bill(
            organisation=org,
            assessment=assessment,
            owner_id=assessment.owner_id,
            tax_year=assessment.tax_year,
            reference=reference,
            version=previous.version + 1 if previous else 1,
            supersedes=previous,
            amount_satang=assessment.total_satang,
            due_date=previous.due_date if previous else due_date,
            installment_due=installment_due,
            village_id=village_id,
            main_use=main_use,
            issued_by=by,
            reason=reason,
        )
        bill.full_clean()
        bill.save()
        return bill


def bills_issue_for_year(*, org: Organisation, tax_year: int, by=None) -> int:
    """Bill every issued assessment of the year that has no bill yet; returns the number of bills made."""
    made = 0
    pending = (
        Assessment.objects.filter(organisation=org, tax_year=tax_year, status=Assessment.Status.ISSUED)
        .filter(bill__isnull=True)
        .order_by("owner_id", "version")
        .values_list("pk", flat=True)
    )
    for assessment_id in list(pending):
        if bill_issue(org=org, assessment_id=assessment_id, by=by) is not None:
            made += 1
    return made


def bill_cancel(*, org: Organisation, bill_id: int, by, reason: str) -> BillCancellation:
    """Cancel a bill (e.g. issued to the wrong taxpayer): a row that points at it, with who and why."""
    if not reason.strip():
        raise BillingError(BillingErrorCode.REASON_REQUIRED, _("Say why the bill is cancelled."))
    with transaction.atomic():
        bill = _lock_bill(org, bill_id)
        if BillCancellation.objects.filter(bill=bill).exists():
            raise BillingError(BillingErrorCode.BILL_CANCELLED, _("This bill is already cancelled."))
        cancellation = BillCancellation(organisation=org, bill=bill, reason=reason.strip(), cancelled_by=by)
        cancellation.full_clean()
        cancellation.save()
        return cancellation


def bill_extension_grant(
    *, org: Organisation, bill_id: int, until: dt.date, by, reason: str
) -> BillExtension:
    """Record an extension the local executive approved for one taxpayer (s.14 para 1; 0.5% a month)."""
    if not reason.strip():
        raise BillingError(BillingErrorCode.REASON_REQUIRED, _("Say why the extension was granted."))
    with transaction.atomic():
        bill = _lock_bill(org, bill_id)
        if Bill.objects.filter(supersedes=bill).exists():
            # bill_state reads the extension of the current version only: one on an old version would vanish.
            raise BillingError(
                BillingErrorCode.BILL_SUPERSEDED, _("A newer version of this bill exists; extend that one.")
            )
        if BillCancellation.objects.filter(bill=bill).exists():
            raise BillingError(BillingErrorCode.BILL_CANCELLED, _("This bill was cancelled."))
        if BillExtension.objects.filter(bill=bill).exists():
            raise BillingError(BillingErrorCode.EXTENSION_EXISTS, _("This bill already has an extension."))
        if until <= bill.due_date:
            raise BillingError(
                BillingErrorCode.AMOUNT_INVALID, _("An extension must end after the due date.")
            )
        extension = BillExtension(
            organisation=org, bill=bill, until=until, reason=reason.strip(), approved_by=by
        )
        try:
            extension.full_clean()
        except ValidationError as exc:
            raise BillingError(BillingErrorCode.CORRECTION_INVALID, "; ".join(exc.messages)) from None
        extension.save()
        return extension


def _lock_bill(org: Organisation, bill_id: int) -> Bill:
    try:
        return Bill.objects.select_for_update().get(organisation=org, pk=bill_id)
    except Bill.DoesNotExist:
        raise BillingError(BillingErrorCode.NOT_FOUND, _("No such bill in this organisation.")) from None
