"""Files for other systems and for Excel: the daily e-LAAS receipts file (CSV), the arrears list and the
collection dashboard (CSV and real .xlsx workbooks, see the end of this module).

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
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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


# --- Excel workbooks ---------------------------------------------------------------------------------------
#
# Real .xlsx (openpyxl), so amounts are numbers a clerk can sum and sort, not text. An amount is written as
# the Decimal baht value of its integer satang (exact: no float on the way) with a 2-decimal number format;
# reference numbers and ID numbers are text so Excel keeps their leading zeros and all 13 digits. Labels
# follow the page language of the person downloading; names stay as recorded (Thai).

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAHT_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
TEXT_FORMAT = "@"


def baht_decimal(amount_satang: int) -> Decimal:
    """Integer satang as an exact Decimal of baht: 123450 -> Decimal("1234.50")."""
    return Decimal(int(amount_satang)).scaleb(-2)


def _sheet_title(text: str) -> str:
    # Excel refuses these characters in a sheet name and more than 31 characters.
    for char in "[]:*?/\\":
        text = text.replace(char, " ")
    return text[:31]


def _table(sheet: Worksheet, header: list[str], rows: list[list], formats: dict[int, str]) -> None:
    """Header row in bold, frozen, with a filter; ``formats`` maps a 0-based column to its number format."""
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = number_format
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    for index, title in enumerate(header, start=1):
        values = [row[index - 1] for row in rows if row[index - 1] is not None]
        longest = max([len(str(title)), *(len(str(value)) for value in values)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 8), 60)


def _workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bucket_row(bucket, *, with_bills: bool = True) -> list:
    ratio = None
    if bucket.billed_satang:
        # A share, not money: 4 places are enough for the 0.0% shown.
        ratio = (Decimal(bucket.collected_satang) / Decimal(bucket.billed_satang)).quantize(Decimal("0.0001"))
    return [
        bucket.label,
        bucket.bills if with_bills else None,
        baht_decimal(bucket.billed_satang),
        baht_decimal(bucket.collected_satang),
        ratio,
        baht_decimal(bucket.outstanding_satang),
        baht_decimal(bucket.charges_satang),
    ]


def collection_xlsx(summary: CollectionSummary, *, org: Organisation) -> bytes:
    """The collection dashboard of a tax year: summary, by village, by use, by month of payment."""
    book = Workbook()
    header = [
        _("Group"),
        _("Bills"),
        _("Billed (baht)"),
        _("Tax collected (baht)"),
        _("Collected"),
        _("Outstanding (baht)"),
        _("Penalty and surcharge collected (baht)"),
    ]
    money_columns = {2: BAHT_FORMAT, 3: BAHT_FORMAT, 4: PERCENT_FORMAT, 5: BAHT_FORMAT, 6: BAHT_FORMAT}
    summary_sheet = book.active
    summary_sheet.title = _sheet_title(_("Summary"))
    rows = [[_("Tax year %(year)s") % {"year": summary.tax_year}, *_bucket_row(summary.total)[1:]]]
    if summary.last_year:
        rows.append(
            [_("Tax year %(year)s") % {"year": summary.tax_year - 1}, *_bucket_row(summary.last_year)[1:]]
        )
    _table(summary_sheet, header, rows, money_columns)
    for title, buckets in ((_("By village"), summary.by_village), (_("By use"), summary.by_use)):
        sheet = book.create_sheet(_sheet_title(title))
        _table(sheet, [title, *header[1:]], [_bucket_row(bucket) for bucket in buckets], money_columns)
    months = book.create_sheet(_sheet_title(_("By month")))
    _table(
        months,
        [_("Month"), _("Tax received (baht)"), _("Penalty and surcharge received (baht)"), _("Total (baht)")],
        [
            [
                bucket.label,
                baht_decimal(bucket.collected_satang),
                baht_decimal(bucket.charges_satang),
                baht_decimal(bucket.collected_satang + bucket.charges_satang),
            ]
            for bucket in summary.by_month
        ],
        {1: BAHT_FORMAT, 2: BAHT_FORMAT, 3: BAHT_FORMAT},
    )
    book.properties.title = _("Collection, tax year %(year)s") % {"year": summary.tax_year}
    book.properties.creator = org.name_th
    return _workbook_bytes(book)


def arrears_xlsx(rows: list[ArrearsRow], *, org: Organisation, tax_year: int) -> bytes:
    """The arrears list (s.60) as a workbook: one line per taxpayer still owing, amounts owed today."""
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(_("Arrears %(year)s") % {"year": tax_year})
    header = [
        _("Tax year"),
        _("Bill reference"),
        _("Taxpayer"),
        _("Taxpayer ID"),
        _("Parcels"),
        _("Tax unpaid (baht)"),
        _("Penalty (baht)"),
        _("Surcharge (baht)"),
        _("Total (baht)"),
        _("Due date"),
    ]
    lines = [
        [
            row.state.bill.tax_year,
            row.state.bill.reference,
            row.state.bill.owner.full_name,
            row.state.bill.owner.id_number,
            " ".join(row.parcel_refs),
            baht_decimal(row.state.owed.tax_satang),
            baht_decimal(row.state.owed.penalty_satang),
            baht_decimal(row.state.owed.surcharge_satang),
            baht_decimal(row.state.owed.total_satang),
            format_be_date_dmy(row.state.bill.due_date),
        ]
        for row in rows
    ]
    if lines:
        # Totals as values, not formulas: a formula has no value until Excel recalculates it.
        lines.append(
            [
                None,
                None,
                _("Total"),
                None,
                None,
                *(
                    baht_decimal(sum(getattr(row.state.owed, name) for row in rows))
                    for name in ("tax_satang", "penalty_satang", "surcharge_satang", "total_satang")
                ),
                None,
            ]
        )
    _table(
        sheet,
        header,
        lines,
        {1: TEXT_FORMAT, 3: TEXT_FORMAT, 5: BAHT_FORMAT, 6: BAHT_FORMAT, 7: BAHT_FORMAT, 8: BAHT_FORMAT},
    )
    if lines:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    book.properties.title = _("Arrears list, tax year %(year)s") % {"year": tax_year}
    book.properties.creator = org.name_th
    return _workbook_bytes(book)
