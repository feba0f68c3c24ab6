"""Receipt, bill and warning-letter PDFs: what a taxpayer reads, checked as text and as a picture."""

import datetime as dt
import os
import re
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from apps.billing.domain.thai_qr import parse_payload, read_bill_payment
from apps.billing.models import Payment
from apps.billing.pdfs import bill_pdf, receipt_pdf, warning_letters_pdf
from apps.billing.qr import bill_qr_payload
from apps.billing.services import payment_record, payment_reverse, warning_letters_issue
from apps.billing.tests.factories import make_bill
from apps.core.testing import fold_thai, pdf_text

BILLER = "099999999999900"


@pytest.fixture
def bill(org):
    org.promptpay_biller_id = BILLER
    org.district_th, org.province_th = "ห้วยเม็ก", "กาฬสินธุ์"
    org.save()
    return make_bill(org, total_satang=1_234_550)


def _paid(org, bill, by, amount=1_234_550):
    return payment_record(
        org=org,
        bill_id=bill.pk,
        amount_satang=amount,
        method=Payment.Method.CASH,
        by=by,
        idempotency_key=f"k{amount}",
        received_at=dt.datetime(2024, 4, 20, 10, tzinfo=ZoneInfo("Asia/Bangkok")),
    )


def test_receipt_pdf_has_the_facts_in_thai(org, bill, tax_officer):
    tax_officer.first_name, tax_officer.last_name = "สมหญิง", "เก็บเงิน"
    tax_officer.save()
    result = _paid(org, bill, tax_officer)
    pdf = receipt_pdf(result.receipt)
    if os.environ.get("GIS_PORTAL_KEEP_PDF"):  # to look at it: pdftoppm -png receipt.pdf
        Path(os.environ["GIS_PORTAL_KEEP_PDF"]).write_bytes(pdf)
    text = pdf_text(pdf)
    assert "2567/000001" in text
    assert fold_thai("20 เมษายน 2567") in text  # B.E. date of payment
    assert fold_thai("หนึ่งหมื่นสองพันสามร้อยสี่สิบห้าบาทห้าสิบสตางค์") in text  # 12,345.50 in words
    assert "12,345.50" in text
    assert fold_thai(org.name_th) in text
    assert fold_thai(bill.owner.full_name) in text
    assert bill.reference in text
    assert fold_thai("สมหญิง เก็บเงิน") in text


def test_reversed_receipt_says_cancelled(org, bill, tax_officer, org_admin):
    result = _paid(org, bill, tax_officer)
    payment_reverse(org=org, payment_id=result.payment.pk, by=org_admin, reason="cheque bounced")
    result.receipt.payment.refresh_from_db()
    text = pdf_text(receipt_pdf(result.receipt))
    assert "CANCELLED" in text or fold_thai("ยกเลิก") in text
    assert "cheque bounced" in text


def test_bill_qr_payload_decodes_to_the_bill(bill):
    payload = bill_qr_payload(bill, amount_satang=1_234_550)
    decoded = parse_payload(payload)  # CRC checked
    assert decoded["01"] == "12"  # dynamic: one bill, exact amount
    fields = read_bill_payment(payload)
    assert (fields.biller_id, fields.ref1, fields.ref2, fields.amount_satang) == (
        BILLER,
        bill.reference,
        "2567",
        1_234_550,
    )


def test_no_biller_id_means_no_qr(org):
    bill = make_bill(org)
    assert bill_qr_payload(bill, amount_satang=100) is None
    assert "QR" in pdf_text(bill_pdf(bill, on=dt.date(2024, 4, 1)))


def test_bill_pdf_carries_the_qr_image_and_amount(bill):
    pdf = bill_pdf(bill, on=dt.date(2024, 4, 1))
    text = pdf_text(pdf)
    assert bill.reference in text and "12,345.50" in text
    images = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=False)
    if images.returncode != 0:  # older poppler cannot read stdin
        path = "/tmp/billing-test-bill.pdf"  # noqa: S108
        with open(path, "wb") as handle:
            handle.write(pdf)
        images = subprocess.run(["pdfimages", "-list", path], capture_output=True, check=True)
    rows = [line for line in images.stdout.decode().splitlines()[2:] if line.strip()]
    assert len(rows) == 1  # the QR


def test_warning_letters_one_page_each(org, tax_officer):
    for _ in range(2):
        make_bill(org)
    letters = warning_letters_issue(org=org, tax_year=2567, by=tax_officer, issued_on=dt.date(2024, 5, 10))
    pdf = warning_letters_pdf(letters)
    text = pdf_text(pdf)
    assert text.count("s.61") == 2 or text.count("61") >= 2
    pages = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert re.search(r"^Pages:\s+2$", pages, re.MULTILINE), pages
