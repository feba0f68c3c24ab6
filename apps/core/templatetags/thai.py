"""Filters that show dates, areas and money the way a Thai office writes them.

Dates: the year is always Buddhist Era, in both languages (a Thai office never writes a C.E. year on a tax
document); the month names follow the page language: ``11 มกราคม 2569`` in Thai, ``11 January B.E. 2569``
in English (the spelling of Thai laws in English: "Act B.E. 2562").
Areas: deed text rai-ngan-wa (``2-1-35.5``). Money: ``1,234.50`` (the template writes the unit).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from apps.core.domain.thai_dates import be_year_of, format_thai_date
from apps.registry.domain.units import format_rai_ngan_wa, m2_to_rai_ngan_wa_text

register = template.Library()

EMPTY = "—"
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
ENGLISH_MONTHS_SHORT = tuple(month[:3] for month in ENGLISH_MONTHS)
_STYLES = ("full", "medium", "short")
_CENT = Decimal("0.01")


def _is_english() -> bool:
    return (get_language() or "th").split("-")[0] == "en"


def _as_local_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        # A stored instant is shown on the office's clock (Asia/Bangkok), not UTC.
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    return None


@register.filter
def thai_date(value, style: str = "full") -> str:
    """``date|thai_date`` → ``11 มกราคม 2569``; ``|thai_date:"medium"`` → ``11 ม.ค. 2569``."""
    day = _as_local_date(value)
    if day is None:
        return EMPTY
    if style not in _STYLES:
        style = "full"
    if not _is_english():
        return format_thai_date(day, style)
    be_year = be_year_of(day)
    if style == "full":
        return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} B.E. {be_year}"
    if style == "medium":
        return f"{day.day} {ENGLISH_MONTHS_SHORT[day.month - 1]} B.E. {be_year}"
    return f"{day.day} {ENGLISH_MONTHS_SHORT[day.month - 1]} {be_year % 100:02d}"


@register.filter
def thai_datetime(value, style: str = "medium") -> str:
    """A timestamp as ``11 ม.ค. 2569 14:05`` (office time, 24-hour clock as Thai offices write it)."""
    if not isinstance(value, dt.datetime):
        return thai_date(value, style)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{thai_date(local, style)} {local:%H:%M}"


@register.filter
def rai_ngan_wa(value) -> str:
    """Square wa (Decimal) → deed text ``2-1-35.5``; empty when the area is unknown."""
    if value in (None, "") or isinstance(value, float):
        return EMPTY
    try:
        return format_rai_ngan_wa(Decimal(value))
    except (ValueError, TypeError, InvalidOperation):
        return EMPTY


@register.filter
def m2_rai_ngan_wa(value) -> str:
    """A measured area in m² → deed-style text, square wa to one decimal (``3742`` → ``2-1-35.5``)."""
    if value in (None, "") or isinstance(value, float):
        return EMPTY
    try:
        return m2_to_rai_ngan_wa_text(Decimal(value))
    except (ValueError, TypeError, InvalidOperation):
        return EMPTY


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"


@register.filter
def baht(value) -> str:
    """A baht amount with thousands separators and 2 decimals: ``1234.5`` → ``1,234.50``."""
    if value in (None, "") or isinstance(value, float):
        # A float has already lost the satang; showing it would hide the bug that made it.
        return EMPTY
    try:
        return _money(Decimal(value))
    except (InvalidOperation, TypeError, ValueError):
        return EMPTY


@register.filter
def satang_baht(value) -> str:
    """Integer satang → baht text: ``123450`` → ``1,234.50``."""
    if value in (None, "") or isinstance(value, float):
        return EMPTY
    try:
        return _money(Decimal(int(value)) / 100)
    except (TypeError, ValueError):
        return EMPTY

