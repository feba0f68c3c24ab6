"""Amounts in Thai words for receipts (bahttext): 101 baht → ``หนึ่งร้อยเอ็ดบาทถ้วน``.

Written here rather than taken from PyPI: ``bahttext`` 1.0.2 and ``pythainlp.util.bahttext`` both format the
amount through ``float`` (``"%0.2f"`` / ``f"{x:.2f}"``), which the house forbids for money, and both read
0.50 baht as ``ศูนย์บาทห้าสิบสตางค์`` instead of ``ห้าสิบสตางค์``; pythainlp also refuses ``Decimal``.

Rules (Thai number reading, as Excel's BAHTTEXT and the receipts of e-LAAS print them):
- a 1 in the tens place is ``สิบ`` (not หนึ่งสิบ), a 2 there is ``ยี่สิบ``;
- a 1 in the units place of a number with more than one digit is ``เอ็ด`` (11 สิบเอ็ด, 101 หนึ่งร้อยเอ็ด,
  1,000,001 หนึ่งล้านเอ็ด); a lone 1 is ``หนึ่ง``;
- numbers are read in groups of six digits joined by ``ล้าน``, so 10^12 is ``หนึ่งล้านล้าน``;
- no satang → ``ถ้วน``; no baht → the satang alone (``ห้าสิบสตางค์``); zero → ``ศูนย์บาทถ้วน``.
"""

from __future__ import annotations

from decimal import Decimal

_DIGITS = ("", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
# place names inside a six-digit group, units first
_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")
_MILLION = "ล้าน"
SATANG_PER_BAHT = 100


def _six_digits(group: int) -> str:
    """Words for 0 < group < 1,000,000 (11 → สิบเอ็ด, 1 → หนึ่ง)."""
    words = []
    for place in range(5, -1, -1):
        digit = group // 10**place % 10
        if digit == 0:
            continue
        if place == 1 and digit == 1:
            words.append("สิบ")
        elif place == 1 and digit == 2:
            words.append("ยี่สิบ")
        elif place == 0 and digit == 1 and group > 1:
            words.append("เอ็ด")
        else:
            words.append(_DIGITS[digit] + _PLACES[place])
    return "".join(words)


def thai_number_words(number: int) -> str:
    """Non-negative integer in Thai words: 0 → ``ศูนย์``, 21 → ``ยี่สิบเอ็ด``, 1,000,000 → ``หนึ่งล้าน``."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"Expected an int, got {type(number).__name__}.")
    if number < 0:
        raise ValueError("Negative numbers are not read out on receipts.")
    if number == 0:
        return "ศูนย์"
    groups: list[int] = []
    rest = number
    while rest:
        rest, group = divmod(rest, 1_000_000)
        groups.append(group)
    words = ""
    for index, group in enumerate(reversed(groups)):
        if group:
            words += _six_digits(group)
        if index < len(groups) - 1:
            words += _MILLION
    # เอ็ด also when the last group is a lone 1 after higher groups: 1,000,001 → หนึ่งล้านเอ็ด.
    if number % 1_000_000 == 1 and number > 1:
        words = words.removesuffix("หนึ่ง") + "เอ็ด"
    return words


def baht_text_from_satang(amount_satang: int) -> str:
    """``2150`` satang → ``ยี่สิบเอ็ดบาทห้าสิบสตางค์``; ``0`` → ``ศูนย์บาทถ้วน``."""
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int):
        raise TypeError(f"amount_satang must be an int, not {type(amount_satang).__name__}.")
    if amount_satang < 0:
        raise ValueError("A receipt amount cannot be negative.")
    baht, satang = divmod(amount_satang, SATANG_PER_BAHT)
    if baht == 0 and satang == 0:
        return "ศูนย์บาทถ้วน"
    baht_words = f"{thai_number_words(baht)}บาท" if baht else ""
    satang_words = f"{thai_number_words(satang)}สตางค์" if satang else "ถ้วน"
    return baht_words + satang_words


def baht_text(amount_baht: Decimal) -> str:
    """``Decimal("101")`` → ``หนึ่งร้อยเอ็ดบาทถ้วน``. Refuses float, and amounts finer than one satang:
    rounding money belongs to the one place that owns it (STYLE.md, "Money is Decimal or integer satang")."""
    if not isinstance(amount_baht, Decimal):
        raise TypeError(f"amount_baht must be a Decimal, not {type(amount_baht).__name__}.")
    if not amount_baht.is_finite():
        raise ValueError("The amount must be a finite number.")
    satang = amount_baht * SATANG_PER_BAHT
    if satang != satang.to_integral_value():
        raise ValueError(f"{amount_baht} has fractions of a satang; round it before printing it.")
    return baht_text_from_satang(int(satang))
