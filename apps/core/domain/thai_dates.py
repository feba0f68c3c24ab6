"""Buddhist Era (พ.ศ.) dates: conversion, official Thai formatting, fiscal year, DOL ``d/m/yyyy`` parsing.

Source: shared/domain/municipal-services.md §6. Dates are stored as ISO C.E. dates; B.E. exists only at the
edges (display, import). Python's standard library has no Thai calendar and ``%B`` depends on the OS locale
(§6.2), hence the tables here.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Literal

DateStyle = Literal["full", "medium", "short"]

BE_OFFSET = 543  # §6.1: B.E. = C.E. + 543 from 1 January 1941 (B.E. 2484) on
# §6.1: before 1941 the Thai year began on 1 April, so January-March belonged to the previous B.E. count.
OLD_NEW_YEAR_LAST_CE_YEAR = 1940
# §6.1: a year typed above 2400 is B.E.; a C.E. year never is.
MIN_BE_YEAR = 2400

# §6.3
THAI_MONTHS: tuple[str, ...] = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
THAI_MONTHS_SHORT: tuple[str, ...] = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
# Monday first, as date.weekday() counts.
THAI_WEEKDAYS: tuple[str, ...] = (
    "วันจันทร์", "วันอังคาร", "วันพุธ", "วันพฤหัสบดี", "วันศุกร์", "วันเสาร์", "วันอาทิตย์",
)  # fmt: skip

_ARABIC_TO_THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
_THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

# DOL files (§6.2, tax-map-and-registry.md §2.7): d/m/yyyy B.E., no zero padding, trailing spaces.
_DMY_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class ThaiDateErrorCode(StrEnum):
    INVALID_FORMAT = "invalid_format"
    INVALID_DATE = "invalid_date"
    NOT_BE_YEAR = "not_be_year"
    OUT_OF_RANGE = "out_of_range"


class ThaiDateError(ValueError):
    """``code`` is stable for APIs and imports; the message is English."""

    def __init__(self, code: ThaiDateErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


def to_thai_digits(text: str) -> str:
    """``"2569"`` → ``"๒๕๖๙"``; other characters pass through."""
    return text.translate(_ARABIC_TO_THAI)


def to_arabic_digits(text: str) -> str:
    return text.translate(_THAI_TO_ARABIC)


def to_be_year(ce_year: int) -> int:
    """C.E. year → B.E. year (+543). For a date before 1941 use ``be_year_of``: January-March differ."""
    return ce_year + BE_OFFSET


def to_ce_year(be_year: int) -> int:
    """B.E. year → C.E. year (-543), the inverse of ``to_be_year``."""
    return be_year - BE_OFFSET


def be_year_of(day: dt.date) -> int:
    """B.E. year in which a date falls, with the pre-1941 April new year (§6.1: Feb 1939 → 2481)."""
    if day.year <= OLD_NEW_YEAR_LAST_CE_YEAR and day.month < 4:
        return day.year + BE_OFFSET - 1
    return day.year + BE_OFFSET


def format_thai_date(day: dt.date, style: DateStyle = "full", *, thai_digits: bool = False) -> str:
    """Official Thai date text (§6.2).

    ``full``: ``11 มกราคม 2569`` (ICU th-TH long); ``medium``: ``11 ม.ค. 2569``; ``short``: ``11 ม.ค. 69``.
    ``thai_digits=True`` writes Thai digits (U+0E50-U+0E59), encouraged in official letters (§6.2);
    make it a per-document setting.
    """
    be_year = be_year_of(day)
    if style == "full":
        text = f"{day.day} {THAI_MONTHS[day.month - 1]} {be_year}"
    elif style == "medium":
        text = f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {be_year}"
    elif style == "short":
        text = f"{day.day} {THAI_MONTHS_SHORT[day.month - 1]} {be_year % 100:02d}"
    else:
        raise ValueError(f"Unknown date style {style!r}; use 'full', 'medium' or 'short'.")
    return to_thai_digits(text) if thai_digits else text


def fiscal_year_be(day: dt.date) -> int:
    """Thai government fiscal year (ปีงบประมาณ): 1 October-30 September, named after the B.E. year in which it
    ends (§6.4: fiscal year 2570 = 1 Oct 2569 - 30 Sep 2570)."""
    if day.year <= OLD_NEW_YEAR_LAST_CE_YEAR:
        # Before 1941 the year count itself differs (§6.1); the domain file gives no fiscal rule for that era.
        raise ThaiDateError(ThaiDateErrorCode.OUT_OF_RANGE, "Fiscal years before 1941 are not supported.")
    return to_be_year(day.year) + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last C.E. day of a B.E. fiscal year: 2570 → (2026-10-01, 2027-09-30)."""
    end_ce = to_ce_year(fiscal_year)
    return dt.date(end_ce - 1, 10, 1), dt.date(end_ce, 9, 30)


def parse_be_date(text: str) -> dt.date:
    """Parse ``d/m/yyyy`` in B.E. as written in Land Office files (``5/1/2569`` → 2026-01-05).

    Accepts zero padding, surrounding spaces and Thai digits. Applies the pre-1941 April new year (§6.1,
    §8 item 7): ``5/2/2481`` → 1939-02-05; January-March 2483 never existed (that year ran April-December).
    """
    cleaned = to_arabic_digits(text.strip())
    match = _DMY_RE.fullmatch(cleaned)
    if match is None:
        raise ThaiDateError(ThaiDateErrorCode.INVALID_FORMAT, f"{text!r} is not a d/m/yyyy date.")
    day, month, be_year = (int(part) for part in match.groups())
    if be_year < MIN_BE_YEAR:
        raise ThaiDateError(
            ThaiDateErrorCode.NOT_BE_YEAR,
            f"Year {be_year} is not a Buddhist Era year (expected above {MIN_BE_YEAR}).",
        )
    ce_year = to_ce_year(be_year)
    if ce_year <= OLD_NEW_YEAR_LAST_CE_YEAR and month < 4:
        # Old count: Jan-Mar of B.E. n fell in C.E. n - 542. Jan-Mar 2483 would be 1941, which became 2484.
        ce_year += 1
        if ce_year > OLD_NEW_YEAR_LAST_CE_YEAR:
            raise ThaiDateError(
                ThaiDateErrorCode.INVALID_DATE, f"{text!r}: B.E. 2483 had no January to March (§6.1)."
            )
    try:
        return dt.date(ce_year, month, day)
    except ValueError:
        raise ThaiDateError(ThaiDateErrorCode.INVALID_DATE, f"{text!r} is not a calendar date.") from None


def format_be_date_dmy(day: dt.date) -> str:
    """Inverse of ``parse_be_date`` in the DOL spelling: 2026-01-05 → ``5/1/2569``."""
    return f"{day.day}/{day.month}/{be_year_of(day)}"
