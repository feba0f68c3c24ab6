"""Exact amounts and the one place where tax is rounded (land-building-tax.md §10; STYLE "Money").

Shares of a base are exact fractions (50/1,500 of a value) that no decimal holds exactly, and §8/§10 forbid
rounding them; so the engine computes in ``fractions.Fraction`` and turns an amount into integer satang only
here, once per tax line.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from apps.taxation.domain.settings import RoundingMode


def to_satang(amount_baht: Fraction, *, mode: RoundingMode = "half_up", quantum_satang: int = 1) -> int:
    """Round a baht amount to whole multiples of ``quantum_satang`` satang; half-up is half away from zero."""
    # amount x 100 / quantum as one integer ratio, not reduced: whole part and remainder ratio are the same
    # as the reduced Fraction's, without the gcd of two Fraction operations (run once per printed amount).
    numerator = amount_baht.numerator * 100
    denominator = amount_baht.denominator * quantum_satang
    sign = -1 if numerator < 0 else 1
    whole, rest = divmod(abs(numerator), denominator)
    if rest:
        twice = 2 * rest
        if (
            mode == "up"
            or (mode == "half_up" and twice >= denominator)
            or (mode == "half_even" and (twice > denominator or (twice == denominator and whole % 2)))
        ):
            whole += 1
    return sign * whole * quantum_satang


def baht_text(amount_baht: Fraction, *, mode: RoundingMode = "half_up") -> str:
    """``satang_text(to_satang(amount_baht, mode=mode))``: an amount shown to the satang (display only).

    The answer prints some ten of these per line for every taxpayer of the yearly run, so the usual case (not
    negative, half-up) is done here in integers.
    """
    numerator = amount_baht.numerator * 100
    if numerator < 0 or mode != "half_up":
        return satang_text(to_satang(amount_baht, mode=mode))
    denominator = amount_baht.denominator
    whole, rest = divmod(numerator, denominator)
    if 2 * rest >= denominator:
        whole += 1
    baht, satang = divmod(whole, 100)
    return f"{baht}.{satang:02d}"


def satang_text(amount_satang: int) -> str:
    """Integer satang → baht text with two decimals, e.g. 55200 → ``"552.00"``."""
    sign = "-" if amount_satang < 0 else ""
    baht, satang = divmod(abs(amount_satang), 100)
    return f"{sign}{baht}.{satang:02d}"


def decimal_text(value: Decimal) -> str:
    """A rate or percentage as plain text without exponent (``Decimal("0.30")`` → ``"0.30"``)."""
    return format(value, "f")
