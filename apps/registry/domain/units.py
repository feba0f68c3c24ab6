"""Thai land area units: rai-ngan-square wa (ไร่-งาน-ตารางวา), square wa and m², all exact ``Decimal``.

1 rai = 4 ngan = 400 square wa = 1,600 m²; 1 ngan = 100 square wa = 400 m²; 1 square wa = 4 m² (1 wa = 2 m)
[tax-map-and-registry.md §5; land-building-tax.md §10]. Title deeds write the area as ``R-N-W`` text, e.g.
``2-1-35.5`` = 2 x 400 + 1 x 100 + 35.5 = 935.5 sq wa = 3,742 m²; square wa may carry decimals (DOL "เศษ").

No Django import: this module is used by the tax engine and the importers alike.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SQ_WA_PER_RAI = 400
SQ_WA_PER_NGAN = 100
NGAN_PER_RAI = 4
M2_PER_SQ_WA = 4

# Deed text: whole rai, whole ngan, square wa with optional decimals. Spaces around the dashes are tolerated
# because OCR'd and hand-typed deed lists carry them; anything else is refused rather than guessed.
_DEED_AREA_RE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*-\s*(\d+(?:\.\d+)?)\s*$")


class AreaTextError(ValueError):
    """Deed area text that is not ``R-N-W`` with 0 ≤ ngan ≤ 3 and 0 ≤ wa < 100."""


def rai_ngan_wa_to_sq_wa(rai: int, ngan: int, wa: Decimal) -> Decimal:
    """Total square wa of a rai-ngan-wa triple; checks the ranges a deed can hold."""
    if rai < 0:
        raise AreaTextError(f"rai must not be negative (got {rai})")
    if not 0 <= ngan < NGAN_PER_RAI:
        raise AreaTextError(f"ngan must be 0-3 (got {ngan}); 4 ngan make 1 rai")
    if not Decimal(0) <= wa < SQ_WA_PER_NGAN:
        raise AreaTextError(
            f"square wa must be at least 0 and below 100 (got {wa}); 100 square wa make 1 ngan"
        )
    return rai * SQ_WA_PER_RAI + ngan * SQ_WA_PER_NGAN + Decimal(wa)


def parse_rai_ngan_wa(text: str) -> Decimal:
    """Deed area text ``"R-N-W"`` → total square wa, e.g. ``"2-1-35.5"`` → ``Decimal("935.5")``.

    Raises :class:`AreaTextError` (a ``ValueError``) naming what is wrong: ``"1-5-00"`` has 5 ngan.
    """
    if not isinstance(text, str):
        raise AreaTextError(f"area must be text like '2-1-35.5', got {type(text).__name__}")
    match = _DEED_AREA_RE.match(text)
    if match is None:
        raise AreaTextError(f"area {text!r} is not rai-ngan-wa text like '2-1-35.5'")
    rai_text, ngan_text, wa_text = match.groups()
    return rai_ngan_wa_to_sq_wa(int(rai_text), int(ngan_text), Decimal(wa_text))


def rai_ngan_wa(area_sq_wa: Decimal) -> tuple[int, int, Decimal]:
    """Total square wa → ``(rai, ngan, wa)`` with ngan < 4 and wa < 100 [tax-map-and-registry.md §5]."""
    area_sq_wa = _non_negative(area_sq_wa, "area_sq_wa")
    rai, rest = divmod(area_sq_wa, SQ_WA_PER_RAI)
    ngan, wa = divmod(rest, SQ_WA_PER_NGAN)
    return int(rai), int(ngan), wa


def format_rai_ngan_wa(area_sq_wa: Decimal) -> str:
    """Total square wa → deed text, e.g. ``Decimal("935.5")`` → ``"2-1-35.5"``, ``400`` → ``"1-0-00"``.

    The wa part is written with two digits as on a deed; decimals are kept exactly, trailing zeros dropped.
    """
    rai, ngan, wa = rai_ngan_wa(area_sq_wa)
    whole_wa = int(wa)
    fraction = wa - whole_wa
    wa_text = f"{whole_wa:02d}"
    if fraction:
        # normalize() drops trailing zeros; "f" keeps it out of exponent notation (0.5, not 5E-1).
        wa_text += format(fraction.normalize(), "f")[1:]
    return f"{rai}-{ngan}-{wa_text}"


def sq_wa_to_m2(area_sq_wa: Decimal) -> Decimal:
    """Square wa → m² (exact: 1 square wa = 4 m²)."""
    return _non_negative(area_sq_wa, "area_sq_wa") * M2_PER_SQ_WA


def m2_to_sq_wa(area_m2: Decimal) -> Decimal:
    """m² → square wa (exact: a quarter always terminates in decimal)."""
    return _non_negative(area_m2, "area_m2") / M2_PER_SQ_WA


def m2_to_rai_ngan_wa_text(area_m2: Decimal, *, wa_decimal_places: int = 1) -> str:
    """A GIS area in m² shown as deed-style text, e.g. ``Decimal("3742")`` → ``"2-1-35.5"``.

    A geometry's area is not the legal area [tax-map-and-registry.md §5], so this is for display beside the
    deed figure. The square wa are rounded half-up to ``wa_decimal_places`` (tenths, like DOL data) *before*
    splitting into rai-ngan-wa, so 99.96 sq wa becomes ``"0-1-00"`` and never ``"0-0-100.0"``.
    """
    if wa_decimal_places < 0:
        raise ValueError("wa_decimal_places must not be negative")
    quantum = Decimal(1).scaleb(-wa_decimal_places)
    area_sq_wa = m2_to_sq_wa(Decimal(area_m2)).quantize(quantum, rounding=ROUND_HALF_UP)
    return format_rai_ngan_wa(area_sq_wa)


def _non_negative(value: Decimal, name: str) -> Decimal:
    if isinstance(value, float):
        # A float area has already lost its exact value; refusing it keeps the caller honest.
        raise TypeError(f"{name} must be Decimal or int, not float")
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"{name} is not a number: {value!r}") from exc
    if not value.is_finite() or value < 0:
        raise ValueError(f"{name} must be a finite non-negative number, got {value}")
    return value
