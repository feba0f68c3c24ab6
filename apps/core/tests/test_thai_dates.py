"""Buddhist Era dates — shared/domain/municipal-services.md §6."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.domain.thai_dates import (
    THAI_MONTHS,
    THAI_MONTHS_SHORT,
    THAI_WEEKDAYS,
    ThaiDateError,
    ThaiDateErrorCode,
    be_year_of,
    fiscal_year_be,
    fiscal_year_bounds,
    format_be_date_dmy,
    format_thai_date,
    parse_be_date,
    to_arabic_digits,
    to_be_year,
    to_ce_year,
    to_thai_digits,
)


@pytest.mark.parametrize(("ce", "be"), [(2026, 2569), (1941, 2484), (2019, 2562), (2020, 2563), (2022, 2565)])
def test_to_be_year(ce, be):
    assert to_be_year(ce) == be
    assert to_ce_year(be) == ce


@pytest.mark.parametrize(
    ("day", "be"),
    [
        (dt.date(2026, 1, 11), 2569),
        (dt.date(1941, 1, 1), 2484),  # §6.1: +543 from 1 January 1941
        (dt.date(1940, 12, 31), 2483),  # B.E. 2483 ran April-December 1940
        (dt.date(1940, 4, 1), 2483),
        (dt.date(1940, 3, 31), 2482),  # before 1941, January-March belong to the previous count
        (dt.date(1939, 2, 15), 2481),  # §6.1 example: February 1939 C.E. = February 2481 B.E.
        (dt.date(1939, 4, 1), 2482),
    ],
)
def test_be_year_of(day, be):
    assert be_year_of(day) == be


@pytest.mark.parametrize(
    ("day", "style", "thai_digits", "expected"),
    [
        # §6.2, verified with ICU: 11 January 2026
        (dt.date(2026, 1, 11), "full", False, "11 มกราคม 2569"),
        (dt.date(2026, 1, 11), "full", True, "๑๑ มกราคม ๒๕๖๙"),
        (dt.date(2026, 1, 11), "medium", False, "11 ม.ค. 2569"),
        (dt.date(2026, 1, 11), "short", False, "11 ม.ค. 69"),
        # the brief's examples
        (dt.date(2026, 1, 1), "full", False, "1 มกราคม 2569"),
        (dt.date(2026, 1, 1), "short", False, "1 ม.ค. 69"),
        (dt.date(2026, 1, 1), "short", True, "๑ ม.ค. ๖๙"),
        # every month name of §6.3 is reachable
        (dt.date(2025, 2, 28), "full", False, "28 กุมภาพันธ์ 2568"),
        (dt.date(2025, 7, 4), "medium", False, "4 ก.ค. 2568"),
        (dt.date(2024, 12, 31), "full", False, "31 ธันวาคม 2567"),
        (dt.date(2024, 9, 30), "short", False, "30 ก.ย. 67"),
        # two-digit year keeps its zero
        (dt.date(1962, 6, 5), "short", False, "5 มิ.ย. 05"),
        # pre-1941 dates use the old year count (§6.1)
        (dt.date(1939, 2, 15), "full", False, "15 กุมภาพันธ์ 2481"),
        # §7: PDPA fully in force 1 June 2022 (2565)
        (dt.date(2022, 6, 1), "full", False, "1 มิถุนายน 2565"),
    ],
)
def test_format_thai_date(day, style, thai_digits, expected):
    assert format_thai_date(day, style, thai_digits=thai_digits) == expected


def test_format_thai_date_default_is_full():
    assert format_thai_date(dt.date(2026, 1, 11)) == "11 มกราคม 2569"


def test_format_thai_date_rejects_unknown_style():
    with pytest.raises(ValueError, match="style"):
        format_thai_date(dt.date(2026, 1, 11), "long")  # type: ignore[arg-type]


def test_name_tables_match_domain_file():
    assert len(THAI_MONTHS) == len(THAI_MONTHS_SHORT) == 12
    assert (THAI_MONTHS[0], THAI_MONTHS_SHORT[0]) == ("มกราคม", "ม.ค.")
    assert (THAI_MONTHS[11], THAI_MONTHS_SHORT[11]) == ("ธันวาคม", "ธ.ค.")
    # 11 Jan 2026 was a Sunday
    assert THAI_WEEKDAYS[dt.date(2026, 1, 11).weekday()] == "วันอาทิตย์"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2569", "๒๕๖๙"), ("0123456789", "๐๑๒๓๔๕๖๗๘๙"), ("ม.ค. 69", "ม.ค. ๖๙"), ("no digits", "no digits")],
)
def test_thai_digits_round_trip(text, expected):
    assert to_thai_digits(text) == expected
    assert to_arabic_digits(expected) == text


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        # §6.4: fiscal year 2570 = 1 Oct 2569 - 30 Sep 2570
        (dt.date(2026, 10, 1), 2570),
        (dt.date(2027, 9, 30), 2570),
        (dt.date(2026, 9, 30), 2569),
        (dt.date(2026, 1, 11), 2569),
        (dt.date(2025, 12, 31), 2569),
        (dt.date(2027, 10, 1), 2571),
    ],
)
def test_fiscal_year_be(day, fiscal_year):
    assert fiscal_year_be(day) == fiscal_year
    first, last = fiscal_year_bounds(fiscal_year)
    assert first <= day <= last


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2570) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))


def test_fiscal_year_before_1941_refused():
    with pytest.raises(ThaiDateError) as info:
        fiscal_year_be(dt.date(1940, 10, 1))
    assert info.value.code == ThaiDateErrorCode.OUT_OF_RANGE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # DOL files: d/m/yyyy B.E., unpadded, trailing spaces (§6.2; tax-map file §2.7)
        ("5/1/2569", dt.date(2026, 1, 5)),
        ("5/1/2569   ", dt.date(2026, 1, 5)),
        ("05/01/2569", dt.date(2026, 1, 5)),
        ("31/12/2568", dt.date(2025, 12, 31)),
        ("29/2/2567", dt.date(2024, 2, 29)),  # 2024 is a leap year
        ("๕/๑/๒๕๖๙", dt.date(2026, 1, 5)),  # Thai digits
        ("1/1/2484", dt.date(1941, 1, 1)),
        # pre-1941 (§6.1, §8 item 7): Jan-Mar of B.E. n is C.E. n - 542
        ("15/2/2481", dt.date(1939, 2, 15)),
        ("31/3/2482", dt.date(1940, 3, 31)),
        ("1/4/2483", dt.date(1940, 4, 1)),
        ("31/12/2483", dt.date(1940, 12, 31)),
    ],
)
def test_parse_be_date(text, expected):
    assert parse_be_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", ThaiDateErrorCode.INVALID_FORMAT),
        ("2569-01-05", ThaiDateErrorCode.INVALID_FORMAT),
        ("5/1/69", ThaiDateErrorCode.INVALID_FORMAT),
        ("5 ม.ค. 2569", ThaiDateErrorCode.INVALID_FORMAT),
        ("5/1/2026", ThaiDateErrorCode.NOT_BE_YEAR),  # a C.E. year: refuse rather than shift 543 years
        ("29/2/2568", ThaiDateErrorCode.INVALID_DATE),  # 2025 is not a leap year
        ("32/1/2569", ThaiDateErrorCode.INVALID_DATE),
        ("1/13/2569", ThaiDateErrorCode.INVALID_DATE),
        ("15/2/2483", ThaiDateErrorCode.INVALID_DATE),  # B.E. 2483 had no February
    ],
)
def test_parse_be_date_rejects(text, code):
    with pytest.raises(ThaiDateError) as info:
        parse_be_date(text)
    assert info.value.code == code
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("day", "expected"), [(dt.date(2026, 1, 5), "5/1/2569"), (dt.date(1939, 2, 15), "15/2/2481")]
)
def test_format_be_date_dmy(day, expected):
    assert format_be_date_dmy(day) == expected


@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2400, 12, 31)))
def test_dol_text_round_trip(day):
    assert parse_be_date(format_be_date_dmy(day)) == day


@given(day=st.dates(min_value=dt.date(1941, 1, 1), max_value=dt.date(2400, 12, 31)))
def test_fiscal_year_contains_its_day(day):
    first, last = fiscal_year_bounds(fiscal_year_be(day))
    assert first <= day <= last
    assert first.month == 10 and first.day == 1
