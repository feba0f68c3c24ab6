"""Amounts in Thai words for receipts (bahttext)."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.domain.baht_text import baht_text, baht_text_from_satang, thai_number_words


@pytest.mark.parametrize(
    ("amount_satang", "expected"),
    [
        (0, "ศูนย์บาทถ้วน"),
        (1, "หนึ่งสตางค์"),
        (25, "ยี่สิบห้าสตางค์"),
        (50, "ห้าสิบสตางค์"),  # no "ศูนย์บาท" in front (the PyPI packages get this wrong)
        (100, "หนึ่งบาทถ้วน"),
        (101, "หนึ่งบาทหนึ่งสตางค์"),  # a lone 1 satang is หนึ่ง
        (111, "หนึ่งบาทสิบเอ็ดสตางค์"),
        (1_000, "สิบบาทถ้วน"),
        (1_100, "สิบเอ็ดบาทถ้วน"),
        (2_000, "ยี่สิบบาทถ้วน"),
        (2_100, "ยี่สิบเอ็ดบาทถ้วน"),
        (2_150, "ยี่สิบเอ็ดบาทห้าสิบสตางค์"),  # the brief's example
        (2_121, "ยี่สิบเอ็ดบาทยี่สิบเอ็ดสตางค์"),
        (10_100, "หนึ่งร้อยเอ็ดบาทถ้วน"),  # the brief's example
        (11_000, "หนึ่งร้อยสิบบาทถ้วน"),
        (20_000, "สองร้อยบาทถ้วน"),  # ยี่ only in the tens place
        (20_000_00, "สองหมื่นบาทถ้วน"),
        # signboard tax minimum 200 baht; elderly allowance 600 / 700 / 800 / 1,000 a month
        (200_00, "สองร้อยบาทถ้วน"),
        (600_00, "หกร้อยบาทถ้วน"),
        (1_000_00, "หนึ่งพันบาทถ้วน"),
        (1_001_00, "หนึ่งพันเอ็ดบาทถ้วน"),
        (12_345_67, "หนึ่งหมื่นสองพันสามร้อยสี่สิบห้าบาทหกสิบเจ็ดสตางค์"),
        (304_000_00, "สามแสนสี่พันบาทถ้วน"),  # a DOL REG_AMT value (฿304,000.00)
        (1_000_000_00, "หนึ่งล้านบาทถ้วน"),
        (1_000_001_00, "หนึ่งล้านเอ็ดบาทถ้วน"),
        (1_000_010_00, "หนึ่งล้านสิบบาทถ้วน"),
        (2_500_000_00, "สองล้านห้าแสนบาทถ้วน"),
        (11_000_000_00, "สิบเอ็ดล้านบาทถ้วน"),
        (21_000_021_00, "ยี่สิบเอ็ดล้านยี่สิบเอ็ดบาทถ้วน"),
        (101_000_000_00, "หนึ่งร้อยเอ็ดล้านบาทถ้วน"),
        (1_000_000_000_00, "หนึ่งพันล้านบาทถ้วน"),
        (1_000_000_000_000_00, "หนึ่งล้านล้านบาทถ้วน"),  # ล้าน repeats
        (2_000_001_000_000_00, "สองล้านหนึ่งล้านบาทถ้วน"),
        (1_000_000_000_000_000_000_00, "หนึ่งล้านล้านล้านบาทถ้วน"),
        (123_456_789_012_34, "หนึ่งแสนสองหมื่นสามพันสี่ร้อยห้าสิบหกล้านเจ็ดแสนแปดหมื่นเก้าพันสิบสองบาทสามสิบสี่สตางค์"),
    ],
)
def test_baht_text_from_satang(amount_satang, expected):
    assert baht_text_from_satang(amount_satang) == expected


@pytest.mark.parametrize(
    ("amount_baht", "expected"),
    [
        (Decimal("101"), "หนึ่งร้อยเอ็ดบาทถ้วน"),
        (Decimal("21.50"), "ยี่สิบเอ็ดบาทห้าสิบสตางค์"),
        (Decimal("21.5"), "ยี่สิบเอ็ดบาทห้าสิบสตางค์"),
        (Decimal("0.01"), "หนึ่งสตางค์"),
        (Decimal("0"), "ศูนย์บาทถ้วน"),
        (Decimal("0.00"), "ศูนย์บาทถ้วน"),
        (Decimal("2.67"), "สองบาทหกสิบเจ็ดสตางค์"),
        (Decimal("1E+3"), "หนึ่งพันบาทถ้วน"),
        (Decimal("1000000.00"), "หนึ่งล้านบาทถ้วน"),
    ],
)
def test_baht_text_from_decimal(amount_baht, expected):
    assert baht_text(amount_baht) == expected


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (2.5, TypeError),  # float never
        (21, TypeError),  # an int is ambiguous between baht and satang: use baht_text_from_satang
        ("21.50", TypeError),
        (Decimal("2.675"), ValueError),  # half a satang: round in the one place that owns rounding
        (Decimal("-1"), ValueError),
        (Decimal("NaN"), ValueError),
        (Decimal("Infinity"), ValueError),
    ],
)
def test_baht_text_refuses(amount, error):
    with pytest.raises(error):
        baht_text(amount)


@pytest.mark.parametrize(("amount", "error"), [(2.5, TypeError), (True, TypeError), (-1, ValueError)])
def test_baht_text_from_satang_refuses(amount, error):
    with pytest.raises(error):
        baht_text_from_satang(amount)


@pytest.mark.parametrize(
    ("number", "expected"),
    [(0, "ศูนย์"), (1, "หนึ่ง"), (10, "สิบ"), (11, "สิบเอ็ด"), (12, "สิบสอง"), (21, "ยี่สิบเอ็ด"), (201, "สองร้อยเอ็ด")],
)
def test_thai_number_words(number, expected):
    assert thai_number_words(number) == expected


@given(amount_satang=st.integers(0, 10**20))
def test_never_wrong_forms(amount_satang):
    text = baht_text_from_satang(amount_satang)
    assert "หนึ่งสิบ" not in text  # 1 in the tens place is สิบ
    assert "สองสิบ" not in text  # 2 in the tens place is ยี่สิบ
    assert not re.search("ยี่(?!สิบ)", text)
    assert text.endswith(("ถ้วน", "สตางค์"))
    assert ("ถ้วน" in text) == (amount_satang % 100 == 0)
    assert ("ศูนย์" in text) == (amount_satang == 0)


@given(amount_satang=st.integers(0, 10**15))
def test_decimal_and_satang_agree(amount_satang):
    assert baht_text(Decimal(amount_satang) / 100) == baht_text_from_satang(amount_satang)
