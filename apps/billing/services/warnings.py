"""Warning letters (s.61) to taxpayers who did not pay by the due date, issued in batches."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from apps.billing import conf
from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import WarningLetter
from apps.billing.selectors import bills_needing_warning
from apps.organisations.models import Organisation


def warning_letters_issue(*, org: Organisation, tax_year: int, by, issued_on: dt.date) -> list[WarningLetter]:
    """One letter per unpaid bill past its due date that has none yet (within May in a normal year).

    Running it twice does not send a second letter: the bills already warned are skipped.
    """
    with transaction.atomic():
        days = conf.warning_pay_within_days()
        letters = [
            WarningLetter(
                organisation=org, bill=bill, issued_on=issued_on, issued_by=by, pay_within_days=days
            )
            for bill in bills_needing_warning(org=org, tax_year=tax_year, on=issued_on)
        ]
        return WarningLetter.objects.bulk_create(letters)


def warning_letter_received(*, org: Organisation, letter_id: int, received_on: dt.date) -> WarningLetter:
    """Record the day the taxpayer received the letter (the return slip): it sets the 20%/40% penalty tier."""
    with transaction.atomic():
        try:
            letter = WarningLetter.objects.select_for_update().get(organisation=org, pk=letter_id)
        except WarningLetter.DoesNotExist:
            raise BillingError(BillingErrorCode.NOT_FOUND, _("No such warning letter.")) from None
        if letter.received_on is not None:
            raise BillingError(
                BillingErrorCode.AMOUNT_INVALID, _("The day this letter was received is already recorded.")
            )
        if received_on < letter.issued_on:
            raise BillingError(
                BillingErrorCode.AMOUNT_INVALID, _("A letter cannot be received before it was issued.")
            )
        letter.received_on = received_on
        letter.save(update_fields=["received_on"])
        return letter
