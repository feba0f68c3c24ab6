"""Reading a bank's bill-payment statement file (CSV) — pure, no Django.

The real layout is bank-specific and UNCONFIRMED (municipal-services.md §5.4), so the อบต. converts it to this
plain layout (documented in apps/billing/docs/bank-file.md), one payment per line:

    date,time,amount,ref1,ref2,bank_ref
    2026-06-15,10:31:05,1250.00,256900000017,2569,KTB20260615000001

- date: YYYY-MM-DD (C.E.) or DD/MM/YYYY with a B.E. year (> 2400) as Thai bank files print it;
- time: HH:MM or HH:MM:SS, Thailand time;
- amount: baht with at most 2 decimals, thousands commas allowed ("1,250.00"), more than zero;
- ref1: the bill reference printed on the bill and in its QR; ref2: optional (the tax year);
- bank_ref: the bank's transaction reference, unique: a line seen before is skipped, never paid twice.

A header line (starting with "date") and blank lines are skipped. Any other line that does not fit is reported
with its line number and the reason, and the rest of the file is still read. UTF-8 (with or without BOM) or
Windows-874 (Thai Excel) text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

BANGKOK = ZoneInfo("Asia/Bangkok")
COLUMNS = ("date", "time", "amount", "ref1", "ref2", "bank_ref")
MAX_LINES = 200_000
_AMOUNT = re.compile(r"^\d{1,3}(,\d{3})*(\.\d{1,2})?$|^\d+(\.\d{1,2})?$")


@dataclass(frozen=True, slots=True)
class BankLine:
    line_no: int
    received_at: dt.datetime
    amount_satang: int
    ref1: str
    ref2: str
    bank_ref: str


@dataclass(frozen=True, slots=True)
class BadLine:
    line_no: int
    error: str  # English key text; the page translates the known ones


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp874", errors="replace")


def _date(text: str) -> dt.date:
    text = text.strip()
    if "/" in text:
        day, month, year = (int(part) for part in text.split("/"))
        if year > 2400:
            year -= 543
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def _time(text: str) -> dt.time:
    text = text.strip()
    return dt.time.fromisoformat(text if text.count(":") == 2 else f"{text}:00")


def _amount_satang(text: str) -> int:
    text = text.strip()
    if not _AMOUNT.match(text):
        raise ValueError("amount is not baht with at most 2 decimals")
    try:
        value = Decimal(text.replace(",", "")) * 100
    except InvalidOperation:
        raise ValueError("amount is not a number") from None
    if value <= 0:
        raise ValueError("amount must be more than zero")
    return int(value)


def parse(text: str) -> tuple[list[BankLine], list[BadLine]]:
    lines: list[BankLine] = []
    bad: list[BadLine] = []
    seen: set[str] = set()
    for line_no, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if line_no > MAX_LINES:
            bad.append(BadLine(line_no, f"file has more than {MAX_LINES} lines; the rest was not read"))
            break
        if not row or all(not cell.strip() for cell in row):
            continue
        if line_no == 1 and row[0].strip().lower().lstrip("\ufeff") == "date":
            continue
        if len(row) != len(COLUMNS):
            bad.append(BadLine(line_no, f"expected {len(COLUMNS)} columns, found {len(row)}"))
            continue
        date_text, time_text, amount_text, ref1, ref2, bank_ref = (cell.strip() for cell in row)
        try:
            day = _date(date_text)
        except (ValueError, TypeError):
            bad.append(BadLine(line_no, f"bad date {date_text[:20]!r}"))
            continue
        try:
            moment = _time(time_text)
        except ValueError:
            bad.append(BadLine(line_no, f"bad time {time_text[:20]!r}"))
            continue
        try:
            amount = _amount_satang(amount_text)
        except ValueError as exc:
            bad.append(BadLine(line_no, f"{exc}: {amount_text[:20]!r}"))
            continue
        if not bank_ref:
            bad.append(BadLine(line_no, "bank_ref is empty"))
            continue
        if bank_ref in seen:
            bad.append(BadLine(line_no, f"bank_ref {bank_ref[:40]!r} appears twice in the file"))
            continue
        seen.add(bank_ref)
        lines.append(
            BankLine(
                line_no=line_no,
                received_at=dt.datetime.combine(day, moment, tzinfo=BANGKOK),
                amount_satang=amount,
                ref1=ref1.upper()[:40],
                ref2=ref2[:40],
                bank_ref=bank_ref[:60],
            )
        )
    return lines, bad
