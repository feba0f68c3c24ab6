"""Objections (ภ.ด.ส.10, s.73): filed within 30 days of the notice, decided within 60 days.

An accepted objection writes a new assessment version with the corrected tax (the issued notice itself is
never edited), issues it, and bills it as the next version of the taxpayer's bill: tax already paid counts
for it, and what was paid beyond the corrected tax shows as money to refund.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import Objection, ObjectionDecision
from apps.billing.services.bills import bill_issue
from apps.billing.services.payments import lock_family
from apps.organisations.models import Organisation
from apps.taxation.models import Assessment
from apps.taxation.services import assessments_issue

OBJECTION_DAYS = 30  # s.73 para 1


def objection_file(
    *, org: Organisation, bill_id: int, notice_received_on: dt.date, filed_on: dt.date, grounds: str, by
) -> Objection:
    if not grounds.strip():
        raise BillingError(BillingErrorCode.REASON_REQUIRED, _("Write the taxpayer's grounds."))
    if filed_on < notice_received_on:
        raise BillingError(
            BillingErrorCode.OBJECTION_LATE, _("An objection cannot be filed before the notice was received.")
        )
    if (filed_on - notice_received_on).days > OBJECTION_DAYS:
        raise BillingError(
            BillingErrorCode.OBJECTION_LATE,
            _("An objection must be filed within 30 days of receiving the notice (s.73), not %(days)s."),
            days=(filed_on - notice_received_on).days,
        )
    with transaction.atomic():
        bill = lock_family(org, bill_id)[-1]
        if Objection.objects.filter(
            bill__reference=bill.reference, organisation=org, decision__isnull=True
        ).exists():
            raise BillingError(
                BillingErrorCode.OBJECTION_OPEN, _("An objection to this bill is still undecided.")
            )
        objection = Objection(
            organisation=org,
            bill=bill,
            notice_received_on=notice_received_on,
            filed_on=filed_on,
            grounds=grounds.strip(),
            recorded_by=by,
        )
        objection.full_clean()
        objection.save()
        return objection


def objection_decide(
    *,
    org: Organisation,
    objection_id: int,
    accepted: bool,
    decided_on: dt.date,
    by,
    corrected_tax_satang: int | None = None,
    note: str = "",
) -> ObjectionDecision:
    with transaction.atomic():
        try:
            objection = Objection.objects.select_related("bill").get(organisation=org, pk=objection_id)
        except Objection.DoesNotExist:
            raise BillingError(BillingErrorCode.NOT_FOUND, _("No such objection.")) from None
        current = lock_family(org, objection.bill_id)[-1]
        if ObjectionDecision.objects.filter(objection=objection).exists():
            raise BillingError(BillingErrorCode.OBJECTION_DECIDED, _("This objection is already decided."))
        new_bill = None
        if accepted:
            if (
                corrected_tax_satang is None
                or isinstance(corrected_tax_satang, bool)
                or not 0 <= corrected_tax_satang < current.amount_satang
            ):
                raise BillingError(
                    BillingErrorCode.CORRECTION_INVALID,
                    _("An accepted objection needs the corrected tax, lower than the billed tax."),
                )
            assessment = _assessment_version(org, current.assessment_id, corrected_tax_satang, objection, by)
            new_bill = bill_issue(
                org=org,
                assessment_id=assessment.pk,
                by=by,
                reason=_("Objection of %(date)s accepted") % {"date": objection.filed_on.isoformat()},
            )
        elif not note.strip():
            raise BillingError(BillingErrorCode.REASON_REQUIRED, _("Say why the objection is rejected."))
        decision = ObjectionDecision(
            organisation=org,
            objection=objection,
            outcome=ObjectionDecision.Outcome.ACCEPTED if accepted else ObjectionDecision.Outcome.REJECTED,
            decided_on=decided_on,
            corrected_tax_satang=corrected_tax_satang if accepted else None,
            new_bill=new_bill,
            note=note.strip(),
            decided_by=by,
        )
        decision.save()
        return decision


def _assessment_version(
    org: Organisation, assessment_id: int, total_satang: int, objection: Objection, by
) -> Assessment:
    old = Assessment.objects.get(organisation=org, pk=assessment_id)
    if Assessment.objects.filter(
        organisation=org, tax_year=old.tax_year, owner_id=old.owner_id, status=Assessment.Status.DRAFT
    ).exists():
        raise BillingError(
            BillingErrorCode.DRAFT_EXISTS,
            _("A draft assessment of this taxpayer is waiting; issue or discard it before deciding."),
        )
    version = (
        Assessment.objects.filter(organisation=org, tax_year=old.tax_year, owner_id=old.owner_id).aggregate(
            top=Max("version")
        )["top"]
        or 0
    ) + 1
    correction = {
        "objection_id": objection.pk,
        "filed_on": objection.filed_on.isoformat(),
        "previous_assessment_id": old.pk,
        "previous_total_satang": old.total_satang,
    }
    whole, satang = divmod(total_satang, 100)
    Assessment.objects.create(
        organisation=org,
        tax_year=old.tax_year,
        owner_id=old.owner_id,
        version=version,
        status=Assessment.Status.DRAFT,
        input_document=old.input_document,
        provenance={**(old.provenance or {}), "objection": correction},
        result={
            **(old.result or {}),
            "total_satang": total_satang,
            "total": f"{whole}.{satang:02d}",
            "objection": correction,
        },
        total_satang=total_satang,
    )
    assessments_issue(org=org, tax_year=old.tax_year, by=by, owner_ids=[old.owner_id])
    return Assessment.objects.get(
        organisation=org, tax_year=old.tax_year, owner_id=old.owner_id, version=version
    )
