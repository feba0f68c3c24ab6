"""Bank statement files: matching by ref 1, garbage lines with line numbers, duplicates, the waiting queue."""

import datetime as dt

import pytest

from apps.billing import bankfile
from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.models import BankStatementLine, Payment, Receipt
from apps.billing.selectors import BillStatus, bank_lines_waiting, bill_state
from apps.billing.services import bank_line_match, bank_line_set_aside, bank_statement_import, bill_cancel
from apps.billing.tests.factories import make_bill

HEADER = "date,time,amount,ref1,ref2,bank_ref\n"


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("2024-04-20,10:00,abc,1,2567,B1", "amount"),
        ("2024-04-20,10:00,-5.00,1,2567,B1", "amount"),
        ("2024-04-20,10:00,1.005,1,2567,B1", "amount"),
        ("2024-13-20,10:00,1.00,1,2567,B1", "bad date"),
        ("2024-04-20,25:00,1.00,1,2567,B1", "bad time"),
        ("2024-04-20,10:00,1.00,1,2567,", "bank_ref is empty"),
        ("just some words", "expected 6 columns, found 1"),
        ("a,b,c", "expected 6 columns, found 3"),
    ],
)
def test_garbage_lines_are_reported_with_line_numbers(line, error):
    lines, bad = bankfile.parse(HEADER + "2024-04-20,10:00,1.00,1,2567,GOOD\n" + line + "\n")
    assert len(lines) == 1
    assert [(b.line_no, error in b.error) for b in bad] == [(3, True)]


def test_accepted_spellings():
    text = '20/04/2567,10:31:05,"1,250.00",256700000017,2567,X1\n2024-04-21,09:00,5,abc123,,X2\n'
    lines, bad = bankfile.parse(text)
    assert bad == []
    assert [(line.received_at.date(), line.amount_satang, line.ref1) for line in lines] == [
        (dt.date(2024, 4, 20), 125_000, "256700000017"),
        (dt.date(2024, 4, 21), 500, "ABC123"),
    ]
    assert lines[0].received_at.utcoffset() == dt.timedelta(hours=7)


def test_windows_874_file_is_read():
    data = "2024-04-20,10:00,1.00,1,ภาษี,X1\n".encode("cp874")
    lines, _ = bankfile.parse(bankfile.decode(data))
    assert lines[0].ref2 == "ภาษี"


def _file(*rows):
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def test_import_matches_pays_and_queues(org, tax_officer, org_admin):
    paid = make_bill(org)
    cancelled = make_bill(org)
    bill_cancel(org=org, bill_id=cancelled.pk, by=org_admin, reason="wrong owner")
    data = _file(
        f"2024-04-20,10:00,10000.00,{paid.reference},2567,KTB1",
        f"2024-04-20,10:05,500.00,{cancelled.reference},2567,KTB2",
        "2024-04-20,10:06,700.00,999999999999,2567,KTB3",
        "garbage line here",
    )
    statement = bank_statement_import(org=org, data=data, file_name="ktb.csv", by=tax_officer)
    assert (statement.matched_count, statement.unmatched_count, statement.duplicate_count) == (1, 2, 0)
    assert statement.bad_lines == [{"line": 5, "error": "expected 6 columns, found 1"}]
    assert bill_state(bill=paid, on=dt.date(2024, 4, 21)).status is BillStatus.PAID
    payment = Payment.objects.get(bill=paid)
    assert (payment.method, payment.method_reference, payment.taken_by) == ("bank_qr", "KTB1", tax_officer)
    assert Receipt.objects.filter(payment=payment).exists()
    waiting = list(bank_lines_waiting(org=org).values_list("bank_ref", "problem"))
    assert waiting == [("KTB2", "bill_cancelled"), ("KTB3", "no_bill")]
    assert BankStatementLine.objects.get(bank_ref="KTB3").problem_label == "No bill has this reference."

    # A person matches one line to the right bill and sets the other aside.
    other = make_bill(org, total_satang=70_000)
    line3 = BankStatementLine.objects.get(bank_ref="KTB3")
    bank_line_match(org=org, line_id=line3.pk, bill_id=other.pk, by=tax_officer)
    assert bill_state(bill=other, on=dt.date(2024, 4, 21)).status is BillStatus.PAID
    line2 = BankStatementLine.objects.get(bank_ref="KTB2")
    bank_line_set_aside(org=org, line_id=line2.pk, by=tax_officer, note="refunded by the bank")
    assert not bank_lines_waiting(org=org).exists()
    with pytest.raises(BillingError) as caught:
        bank_line_match(org=org, line_id=line3.pk, bill_id=other.pk, by=tax_officer)
    assert caught.value.code is BillingErrorCode.LINE_NOT_OPEN


def test_same_file_twice_and_overlapping_files(org, tax_officer):
    bill = make_bill(org)
    first = _file(f"2024-04-20,10:00,100.00,{bill.reference},2567,KTB1")
    bank_statement_import(org=org, data=first, file_name="a.csv", by=tax_officer)
    with pytest.raises(BillingError) as caught:
        bank_statement_import(org=org, data=first, file_name="a.csv", by=tax_officer)
    assert caught.value.code is BillingErrorCode.BANK_FILE_TWICE
    overlapping = _file(
        f"2024-04-20,10:00,100.00,{bill.reference},2567,KTB1",
        f"2024-04-21,10:00,200.00,{bill.reference},2567,KTB2",
    )
    statement = bank_statement_import(org=org, data=overlapping, file_name="b.csv", by=tax_officer)
    assert (statement.matched_count, statement.duplicate_count) == (1, 1)
    assert Payment.objects.filter(bill=bill).count() == 2


def test_bank_money_for_a_paid_bill_becomes_credit(org, tax_officer):
    bill = make_bill(org, total_satang=10_000)
    data = _file(
        f"2024-04-20,10:00,100.00,{bill.reference},2567,KTB1",
        f"2024-04-20,11:00,100.00,{bill.reference},2567,KTB2",
    )
    bank_statement_import(org=org, data=data, file_name="a.csv", by=tax_officer)
    second = Payment.objects.get(method_reference="KTB2")
    assert (second.tax_satang, second.credit_satang) == (0, 10_000)


def test_empty_file_is_refused(org, tax_officer):
    with pytest.raises(BillingError) as caught:
        bank_statement_import(org=org, data=HEADER.encode(), file_name="e.csv", by=tax_officer)
    assert caught.value.code is BillingErrorCode.BANK_FILE_EMPTY
