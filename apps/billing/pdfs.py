"""Thai PDFs of billing: receipt, bill (payment notice with Thai QR), warning letters in batch.

Rendered in Thai whatever the clerk's page language: these are official documents handed to taxpayers.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from apps.billing.models import Bill, Receipt, WarningLetter
from apps.billing.qr import bill_qr_payload, qr_data_uri
from apps.billing.selectors import bill_state, local_date, owner_arrears, parcel_refs, today
from apps.core.domain.baht_text import baht_text_from_satang
from apps.core.pdf import render_pdf


def _render(template: str, context: dict) -> bytes:
    with translation.override("th"):
        return render_pdf(template, context)


def receipt_pdf(receipt: Receipt) -> bytes:
    payment = receipt.payment
    bill = payment.bill
    reversal = getattr(payment, "reversal", None)
    context = {
        "receipt": receipt,
        "payment": payment,
        "bill": bill,
        "org": bill.organisation,
        "owner": bill.owner,
        "paid_on": local_date(payment.received_at),
        "received_satang": payment.amount_satang,
        "amount_words": baht_text_from_satang(payment.amount_satang),
        "reversal": reversal,
    }
    return _render("billing/pdf/receipt.html", context)


def _bill_context(bill: Bill, on: dt.date) -> dict:
    state = bill_state(bill=bill, on=on)
    payload = bill_qr_payload(bill, amount_satang=state.owed.total_satang or None)
    return {
        "bill": bill,
        "org": bill.organisation,
        "owner": bill.owner,
        "state": state,
        "on": on,
        "parcels": parcel_refs(bill),
        "arrears": owner_arrears(
            org=bill.organisation, owner_id=bill.owner_id, before_year=bill.tax_year, on=on
        ),
        "plan": getattr(bill, "installment_plan", None),
        "qr_payload": payload,
        "qr_image": qr_data_uri(payload) if payload else None,
        "owed_words": baht_text_from_satang(state.owed.total_satang),
    }


def bill_pdf(bill: Bill, *, on: dt.date | None = None) -> bytes:
    return _render("billing/pdf/bill.html", {"pages": [_bill_context(bill, on or today())]})


def warning_letters_pdf(letters: list[WarningLetter], *, on: dt.date | None = None) -> bytes:
    """One page per letter, in one file for the batch to print."""
    pages = []
    for letter in letters:
        context = _bill_context(letter.bill, on or letter.issued_on)
        context["letter"] = letter
        pages.append(context)
    return _render("billing/pdf/warning_letters.html", {"pages": pages})
