"""The counter and back-office pages, as a tax officer, an administrator and outsiders use them."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.billing.models import BankStatementLine, Payment, Receipt, WarningLetter
from apps.billing.tests.factories import make_bill


@pytest.fixture
def officer_client(client, tax_officer):
    client.force_login(tax_officer)
    return client


@pytest.fixture
def bill(org):
    return make_bill(org, total_satang=250_050)


def _pay_form(client, bill):
    page = client.get(reverse("billing:bill", args=[bill.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    owed = re.search(r'name="expected_owed_satang" value="(\d+)"', html).group(1)
    return {"amount_baht": "2,500.50", "method": "cash", "idempotency_key": key, "expected_owed_satang": owed}


def test_counter_search_goes_straight_to_a_single_bill(officer_client, bill):
    response = officer_client.get(reverse("billing:counter"), {"q": bill.reference})
    assert response.status_code == 302 and response.url == reverse("billing:bill", args=[bill.pk])
    response = officer_client.get(reverse("billing:counter"), {"q": "nobody-like-this"})
    assert "No bill matches" in response.content.decode()


def test_pay_at_the_counter_then_print_the_receipt(officer_client, bill, tax_officer):
    data = _pay_form(officer_client, bill)
    response = officer_client.post(reverse("billing:pay", args=[bill.pk]), data, follow=True)
    html = response.content.decode()
    receipt = Receipt.objects.get()
    assert f"Receipt {receipt.number_text}" in html
    assert reverse("billing:receipt-pdf", args=[receipt.pk]) in html
    assert Payment.objects.get().taken_by == tax_officer
    # The second click posts the same form again: no second receipt.
    again = officer_client.post(reverse("billing:pay", args=[bill.pk]), data, follow=True)
    assert "already recorded" in again.content.decode()
    assert Receipt.objects.count() == 1
    pdf = officer_client.get(reverse("billing:receipt-pdf", args=[receipt.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf["Cache-Control"] == "private, no-store"


def test_stale_form_tells_the_second_cashier(officer_client, bill, org, tax_officer):
    stale = _pay_form(officer_client, bill)
    first = _pay_form(officer_client, bill)
    officer_client.post(reverse("billing:pay", args=[bill.pk]), first)
    response = officer_client.post(reverse("billing:pay", args=[bill.pk]), stale, follow=True)
    assert "Someone recorded a payment on this bill a moment ago" in response.content.decode()
    assert Payment.objects.count() == 1


def test_bad_amount_is_a_message_not_a_crash(officer_client, bill):
    data = {**_pay_form(officer_client, bill), "amount_baht": "12.345"}
    response = officer_client.post(reverse("billing:pay", args=[bill.pk]), data, follow=True)
    assert response.status_code == 200
    assert Payment.objects.count() == 0


def test_cashier_cannot_reverse_admin_can(client, officer_client, bill, org_admin):
    officer_client.post(reverse("billing:pay", args=[bill.pk]), _pay_form(officer_client, bill))
    payment = Payment.objects.get()
    url = reverse("billing:reverse", args=[payment.pk])
    assert officer_client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(org_admin)
    client.post(url, {"reason": "wrong taxpayer"})
    assert Payment.objects.filter(reverses=payment).exists()


def test_pages_refuse_residents_and_strangers(client, resident, bill):
    url = reverse("billing:bill", args=[bill.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(resident)
    assert client.get(url).status_code == 403
    assert client.get(reverse("billing:dashboard")).status_code == 403


def test_other_organisations_bill_is_404(officer_client, other_org):
    foreign = make_bill(other_org)
    assert officer_client.get(reverse("billing:bill", args=[foreign.pk])).status_code == 404
    assert officer_client.get(reverse("billing:bill-pdf", args=[foreign.pk])).status_code == 404


def test_bank_page_imports_and_reports_garbage(officer_client, bill):
    data = (
        "date,time,amount,ref1,ref2,bank_ref\n"
        f"2024-04-20,10:00,2500.50,{bill.reference},2567,B1\n"
        "2024-04-20,10:00,99.00,000000000000,2567,B2\n"
        "this is not a payment\n"
    ).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = officer_client.post(
        reverse("billing:bank"), {"file": SimpleUploadedFile("ktb.csv", data, "text/csv")}, follow=True
    )
    html = response.content.decode()
    assert "1 payments recorded with receipts, 1 waiting for a person" in html
    assert "line 4" in html
    line = BankStatementLine.objects.get(bank_ref="B2")
    other = make_bill(bill.organisation, total_satang=9_900)
    officer_client.post(reverse("billing:bank-match", args=[line.pk]), {"reference": other.reference})
    line.refresh_from_db()
    assert line.status == BankStatementLine.Status.MATCHED


def test_dashboard_and_exports(officer_client, bill):
    officer_client.post(reverse("billing:pay", args=[bill.pk]), _pay_form(officer_client, bill))
    page = officer_client.get(reverse("billing:dashboard"), {"year": 2567})
    assert page.status_code == 200 and "2,500.50" in page.content.decode()
    csv_response = officer_client.get(reverse("billing:dashboard-csv"), {"year": 2567})
    assert csv_response["Content-Type"].startswith("text/csv") and "2500.50" in csv_response.content.decode()
    today = timezone.localdate().isoformat()
    elaas = officer_client.get(reverse("billing:elaas-csv"), {"day": today})
    assert elaas.status_code == 200 and "receipt_no" in elaas.content.decode()
    assert officer_client.get(reverse("billing:elaas-csv"), {"day": "yesterday"}).status_code == 400
    assert officer_client.get(reverse("billing:arrears-csv"), {"year": 2567}).status_code == 200


def test_warning_batch_returns_the_letters_pdf(officer_client, bill):
    response = officer_client.post(reverse("billing:warnings"), {"year": 2567, "issued_on": "2024-05-10"})
    assert response["Content-Type"] == "application/pdf"
    assert WarningLetter.objects.filter(bill=bill).count() == 1
    again = officer_client.post(
        reverse("billing:warnings"), {"year": 2567, "issued_on": "2024-05-11"}, follow=True
    )
    assert "already has its warning letter" in again.content.decode()
