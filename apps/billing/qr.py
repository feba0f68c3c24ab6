"""The Thai QR of a bill: payload from domain/thai_qr.py, picture from the `qrcode` package (PNG)."""

from __future__ import annotations

import base64
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from apps.billing import conf
from apps.billing.domain.thai_qr import MAX_AMOUNT_SATANG, ThaiQrError, bill_payment_payload
from apps.billing.models import Bill


def bill_qr_payload(bill: Bill, *, amount_satang: int | None) -> str | None:
    """Dynamic QR for the exact amount owed (§5.4), ref 1 = bill reference, ref 2 = B.E. tax year.

    None when the organisation has no biller ID yet (set up with its bank), so the bill prints without a QR
    rather than with one that no bank app can pay.
    """
    biller_id = bill.organisation.promptpay_biller_id
    if not biller_id:
        return None
    if amount_satang is not None and not 0 < amount_satang <= MAX_AMOUNT_SATANG:
        amount_satang = None
    try:
        return bill_payment_payload(
            biller_id=biller_id,
            ref1=bill.reference,
            ref2=str(bill.tax_year),
            amount_satang=amount_satang,
            rules=conf.qr_rules(),
        )
    except ThaiQrError:
        return None


def qr_png(payload: str) -> bytes:
    # Medium error correction survives a folded or smudged paper notice; 4 modules of quiet zone per the spec.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_uri(payload: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(payload)).decode("ascii")
