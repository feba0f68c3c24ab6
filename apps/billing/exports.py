"""CSV files for other systems and for Excel: the daily e-LAAS receipts file, the arrears list, the dashboard.

Every file is UTF-8 with a byte-order mark so Thai Excel opens it without garbling, comma separated, one
header line, amounts in baht with 2 decimals and no thousands separator, dates D/M/YYYY in B.E.

e-LAAS daily receipts (``elaas_receipts_csv``) — no official import layout is published (municipal-services.md
§2.4, UNCONFIRMED), so this mirrors the e-LAAS receipt screen, one line per receipt:

    column              example            meaning
    receipt_date        20/4/2567          day the money was received (s.49 receipt date), B.E.
    receipt_no          2567/000001        fiscal year / running number of the organisation
    fiscal_year         2567               Thai fiscal year (1 Oct - 30 Sep) of the receipt
    revenue_code        41100001           e-LAAS code of the tax (setting BILLING_ELAAS_REVENUE_CODES)
    amount              12345.50           everything received on this receipt
    tax_amount          12000.00           of which tax
    penalty_code        (setting)          e-LAAS code for the penalty, blank until the DLA confirms one
    penalty_amount      300.00             of which penalty (s.68-s.69)
    surcharge_code      (setting)          e-LAAS code for the surcharge, blank until confirmed
    surcharge_amount    45.50              of which surcharge (s.70)
    credit_amount       0.00               of which paid in advance (kept as the taxpayer's credit)
    tax_year            2567               tax year of the bill (B.E.)
    bill_reference      256700000017       bill reference (QR ref 1)
    payer_name          นายสมชาย ใจดี       taxpayer on the bill
    method              cash               cash / transfer / cheque / bank_qr
    method_reference    CHQ 0012345        cheque number or bank transaction reference
    collector           somying            user who took the money (or imported the bank file)
    cancels_receipt_no                     on a reversal line: the receipt it cancels (amounts are negative)

Revenue codes are all UNCONFIRMED (§2.3): they are settings, not constants.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from apps.billing import conf
from apps.billing.models import Payment
from apps.billing.selectors import ArrearsRow, CollectionSummary, local_date, receipts_on, reversals_on
from apps.core.domain.thai_dates import format_be_date_dmy
from apps.organisations.models import Organisation

ELAAS_COLUMNS = (
    "receipt_date",
    "receipt_no",
    "fiscal_year",
    "revenue_code",
    "amount",
    "tax_amount",
    "penalty_code",
    "penalty_amount",
    "surcharge_code",
    "surcharge_amount",
    "credit_amount",
    "tax_year",
    "bill_reference",
    "payer_name",
    "method",
    "method_reference",
    "collector",
    "cancels_receipt_no",
)


def money(amount_satang: int) -> str:
    sign = "-" if amount_satang < 0 else ""
    whole, satang = divmod(abs(amount_satang), 100)
    return f"{sign}{whole}.{satang:02d}"


def _csv(header, rows) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _elaas_row(payment: Payment, receipt_no: str, cancels: str, codes: dict[str, str]) -> list[str]:
    bill = payment.bill
    collector = payment.taken_by.get_username() if payment.taken_by else ""
    receipt = getattr(payment, "receipt", None)
    return [
        format_be_date_dmy(local_date(payment.received_at)),
        receipt_no,
        str(receipt.fiscal_year_be) if receipt else "",
        codes["tax"],
        money(payment.amount_satang),
        money(payment.tax_satang),
        codes["penalty"],
        money(payment.penalty_satang),
        codes["surcharge"],
        money(payment.surcharge_satang),
        money(payment.credit_satang),
        str(bill.tax_year),
        bill.reference,
        bill.owner.full_name,
        payment.method,
        payment.method_reference,
        collector,
        cancels,
    ]


def elaas_receipts_csv(*, org: Organisation, day: dt.date) -> str:
    """The day's receipts, then the day's reversals as negative lines naming the receipt they cancel."""
    codes = conf.elaas_revenue_codes()
    rows = [_elaas_row(r.payment, r.number_text, "", codes) for r in receipts_on(org=org, day=day)]
    for reversal in reversals_on(org=org, day=day):
        original = getattr(reversal.reverses, "receipt", None)
        rows.append(_elaas_row(reversal, "", original.number_text if original else "", codes))
    return _csv(ELAAS_COLUMNS, rows)


ARREARS_COLUMNS = (
    "tax_year",
    "bill_reference",
    "taxpayer",
    "taxpayer_id",
    "parcels",
    "tax_unpaid",
    "penalty",
    "surcharge",
    "total",
    "due_date",
)


def arrears_csv(rows: list[ArrearsRow]) -> str:
    """The arrears list for the Land Office (s.60): it blocks registering a transfer of these parcels."""
    return _csv(
        ARREARS_COLUMNS,
        [
            [
                str(row.state.bill.tax_year),
                row.state.bill.reference,
                row.state.bill.owner.full_name,
                row.state.bill.owner.id_number,
                " ".join(row.parcel_refs),
                money(row.state.owed.tax_satang),
                money(row.state.owed.penalty_satang),
                money(row.state.owed.surcharge_satang),
                money(row.state.owed.total_satang),
                format_be_date_dmy(row.state.bill.due_date),
            ]
            for row in rows
        ],
    )


def collection_csv(summary: CollectionSummary) -> str:
    rows = []
    for group, buckets in (
        ("total", [summary.total]),
        ("village", summary.by_village),
        ("use", summary.by_use),
        ("month", summary.by_month),
    ):
        for bucket in buckets:
            rows.append(
                [
                    group,
                    bucket.label,
                    str(bucket.bills) if group != "month" else "",
                    money(bucket.billed_satang) if group != "month" else "",
                    money(bucket.collected_satang),
                    money(bucket.charges_satang),
                    money(bucket.outstanding_satang) if group != "month" else "",
                ]
            )
    if summary.last_year:
        last = summary.last_year
        rows.append(
            [
                "last_year",
                last.label,
                str(last.bills),
                money(last.billed_satang),
                money(last.collected_satang),
                money(last.charges_satang),
                money(last.outstanding_satang),
            ]
        )
    return _csv(
        ("group", "label", "bills", "billed", "tax_collected", "penalty_and_surcharge", "outstanding"), rows
    )
