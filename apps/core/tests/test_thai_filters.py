import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from apps.core.templatetags.thai import (
    baht,
    m2_rai_ngan_wa,
    rai_ngan_wa,
    satang_baht,
    thai_date,
    thai_datetime,
)


@pytest.mark.parametrize(("language", "style", "expected"), [
    ("th", "full", "11 มกราคม 2569"),
    ("th", "medium", "11 ม.ค. 2569"),
    ("th", "short", "11 ม.ค. 69"),
    # An English page keeps the B.E. year (a Thai office never writes C.E.); only the month name changes.
    ("en", "full", "11 January B.E. 2569"),
    ("en", "medium", "11 Jan B.E. 2569"),
    ("en", "short", "11 Jan 69"),
    ("th", "nonsense", "11 มกราคม 2569"),
])
def test_thai_date_keeps_the_buddhist_year_in_both_languages(language, style, expected):
    with translation.override(language):
        assert thai_date(dt.date(2026, 1, 11), style) == expected


def test_thai_date_of_an_instant_uses_the_office_clock():
    # 20:00 UTC on 31 December is already 1 January in Bangkok (UTC+7).
    instant = dt.datetime(2025, 12, 31, 20, 0, tzinfo=dt.UTC)
    with translation.override("th"):
        assert thai_date(instant) == "1 มกราคม 2569"
        assert thai_datetime(instant) == "1 ม.ค. 2569 03:00"


def test_thai_date_of_nothing_is_a_dash():
    assert thai_date(None) == "—"
    assert thai_date("2026-01-11") == "—"


def test_thai_date_before_1941_uses_the_old_april_new_year():
    with translation.override("th"):
        assert thai_date(dt.date(1939, 2, 5)) == "5 กุมภาพันธ์ 2481"


@pytest.mark.parametrize(("sq_wa", "expected"), [
    (Decimal("935.5"), "2-1-35.5"),
    (Decimal("400"), "1-0-00"),
    (Decimal("0"), "0-0-00"),
    ("1234.50", "3-0-34.5"),
    (None, "—"),
    (Decimal("-1"), "—"),
    (1.5, "—"),
])
def test_rai_ngan_wa(sq_wa, expected):
    assert rai_ngan_wa(sq_wa) == expected


def test_m2_rai_ngan_wa_rounds_square_wa_before_splitting():
    assert m2_rai_ngan_wa(Decimal("3742")) == "2-1-35.5"
    assert m2_rai_ngan_wa(Decimal("399.84")) == "0-1-00"
    assert m2_rai_ngan_wa(None) == "—"


@pytest.mark.parametrize(("amount", "expected"), [
    (Decimal("1234.5"), "1,234.50"),
    (Decimal("0.005"), "0.01"),  # half a satang rounds up, as money does in the tax rules
    (Decimal("1000000"), "1,000,000.00"),
    (0, "0.00"),
    (None, "—"),
    (2.675, "—"),  # float money is refused, not shown rounded the wrong way
])
def test_baht(amount, expected):
    assert baht(amount) == expected


@pytest.mark.parametrize(
    ("satang", "expected"), [(123450, "1,234.50"), (5, "0.05"), (0, "0.00"), (None, "—")]
)
def test_satang_baht(satang, expected):
    assert satang_baht(satang) == expected


def test_filters_work_in_a_template():
    template = Template('{% load thai %}{{ d|thai_date:"medium" }} {{ a|rai_ngan_wa }} {{ s|satang_baht }}')
    with translation.override("th"):
        text = template.render(Context({"d": dt.date(2026, 3, 2), "a": Decimal("401"), "s": 100}))
    assert text == "2 มี.ค. 2569 1-0-01 1.00"
