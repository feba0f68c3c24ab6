"""Instalment plans (s.52): three equal monthly parts for a tax of at least 3,000 baht, asked for in time."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from apps.billing import conf
from apps.billing.domain.installments import installment_eligible, installment_schedule
from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import BillCancellation, Installment, InstallmentPlan, Payment
from apps.billing.services.payments import baht, lock_family
from apps.organisations.models import Organisation


def installment_plan_create(
    *, org: Organisation, bill_id: int, requested_on: dt.date, by, count: int | None = None
) -> InstallmentPlan:
    """Split the current version of the bill into instalments due on the year's instalment dates.

    Refused when the tax is under the threshold, the request comes after the payment deadline (the
    request deadline moves with the year's calendar, §11.2), money was already paid, or a plan exists.
    How the satang left by the division are placed is the BILLING_INSTALLMENT_REMAINDER setting.
    """
    rules = conf.installment_rules()
    with transaction.atomic():
        bill = lock_family(org, bill_id)[-1]
        if BillCancellation.objects.filter(bill=bill).exists():
            raise BillingError(BillingErrorCode.BILL_CANCELLED, _("This bill was cancelled."))
        if InstallmentPlan.objects.filter(bill=bill).exists():
            raise BillingError(BillingErrorCode.INSTALLMENTS_EXIST, _("This bill is already in instalments."))
        if bill.amount_satang < rules.min_tax_satang:
            raise BillingError(
                BillingErrorCode.INSTALLMENTS_NOT_ALLOWED,
                _("Instalments need a tax of at least %(minimum)s baht; this bill is %(amount)s baht."),
                minimum=baht(rules.min_tax_satang),
                amount=baht(bill.amount_satang),
            )
        if not installment_eligible(
            total_tax_satang=bill.amount_satang,
            requested_on=requested_on,
            request_deadline=bill.due_date,
            rules=rules,
        ):
            raise BillingError(
                BillingErrorCode.INSTALLMENTS_TOO_LATE,
                _("Instalments must be asked for by the payment deadline (%(due)s)."),
                due=bill.due_date.isoformat(),
            )
        if Payment.objects.filter(organisation=org, bill__reference=bill.reference).exists():
            raise BillingError(
                BillingErrorCode.INSTALLMENTS_NOT_ALLOWED,
                _("Money was already paid on this bill; instalments split a whole unpaid tax."),
            )
        first_due = bill.installment_due[0] if bill.installment_due else bill.due_date
        schedule = installment_schedule(
            total_tax_satang=bill.amount_satang, first_due_date=first_due, count=count, rules=rules
        )
        plan = InstallmentPlan.objects.create(
            organisation=org,
            bill=bill,
            requested_on=requested_on,
            remainder=rules.remainder.value,
            created_by=by,
        )
        dates = list(bill.installment_due)
        Installment.objects.bulk_create(
            [
                Installment(
                    organisation=org,
                    plan=plan,
                    number=item.number,
                    # The year's own instalment dates when the calendar gives them (extended years differ).
                    due_date=dates[item.number - 1] if len(dates) >= len(schedule) else item.due_date,
                    amount_satang=item.amount_satang,
                )
                for item in schedule
            ]
        )
        return plan
