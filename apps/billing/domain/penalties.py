"""Late payment of land and building tax: penalty (เบี้ยปรับ) and surcharge (เงินเพิ่ม).

Source: shared/domain/land-building-tax.md §11.4 (Act B.E. 2562 s.68-s.70), §11.2 (calendar), §10 (rounding),
worked example 16 in §12. Integer satang in, integer satang out; the only rounding is `round_to_satang`.

Public API:
    late_payment_charges(*, overdue: OverdueTax, paid_on: date, rules=DEFAULT_LATE_PAYMENT_RULES)
        -> LatePaymentCharges
    penalty_tier(*, overdue, paid_on, rules) -> PenaltyTier
    surcharge_months(*, due_date, paid_on, counting) -> int
    surcharge_satang(*, tax_satang, months, rate_bp, rules) -> int
    round_to_satang(numerator, denominator, rule) -> int
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

# Rates are basis points (1/100 of a percent) so every product stays an integer until the one rounding step.
BP_PER_WHOLE = 10_000


class MonthCounting(StrEnum):
    """How "1% per month, a fraction of a month counts as a month" (s.70) turns dates into months.

    §11.4 marks the convention UNCONFIRMED ("calendar months vs 30-day periods") and uses calendar months.
    All three give 1 / 3 / 7 months for example 16 (due 30 April); they differ for due dates inside a month.
    """

    # Each calendar month touched by the late period, which runs from the day after the due date to the
    # payment date (§11.4). Due 15 June, paid 10 July -> June and July -> 2.
    CALENDAR_MONTHS = "calendar_months"
    # Month periods counted from the day after the due date, ending the day before the corresponding day
    # (Civil and Commercial Code s.193/5 style). Due 15 June, paid 10 July -> 16 June..15 July -> 1.
    ELAPSED_MONTHS = "elapsed_months"
    # Every started block of 30 days late. Due 30 April, paid 31 May (31 days) -> 2.
    THIRTY_DAY_PERIODS = "thirty_day_periods"


class RoundingRule(StrEnum):
    """§10: the Act has no rounding rule (UNCONFIRMED); the file recommends half-up to 0.01 baht."""

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    DOWN = "down"


class PenaltyTier(StrEnum):
    NONE = "none"  # paid on time, or within an approved extension (see LatePaymentRules)
    BEFORE_WARNING = "before_warning"  # s.68: late, but paid before the s.61 warning letter arrived
    WITHIN_WARNING_PERIOD = "within_warning_period"  # s.69: paid within the period the letter set
    AFTER_WARNING_PERIOD = "after_warning_period"  # s.68: not paid within that period


@dataclass(frozen=True, slots=True)
class LatePaymentRules:
    """Rates of the Act (§11.4) and every UNCONFIRMED choice, each with the domain file's default.

    Rates are fields, not constants, because §13 asks for every rate to live in per-year configuration.
    """

    penalty_before_warning_bp: int = 1_000  # 10% [s.68]
    penalty_within_warning_period_bp: int = 2_000  # 20% [s.69]
    penalty_after_warning_period_bp: int = 4_000  # 40% [s.68]
    surcharge_per_month_bp: int = 100  # 1% per month [s.70]
    surcharge_per_month_within_extension_bp: int = 50  # 0.5% when paid within an s.14 extension [s.70 para 2]
    # UNCONFIRMED §11.4: "each started calendar month after the due date".
    month_counting: MonthCounting = MonthCounting.CALENDAR_MONTHS
    # UNCONFIRMED §10: round each final amount half-up to the satang.
    rounding: RoundingRule = RoundingRule.HALF_UP
    # Not in the domain file (my reading): s.68 10% needs payment *before* the letter is received; a receipt
    # dated the same day as the letter's receipt cannot show that, so by default it counts as after (20%).
    same_day_as_warning_counts_as_before: bool = False
    # Not in the domain file (my reading): an s.14 extension moves "the time set" of s.68, so paying within it
    # draws the 0.5% surcharge of s.70 para 2 and no penalty. Set True if the LGO also charges a penalty.
    penalty_within_extension: bool = False


DEFAULT_LATE_PAYMENT_RULES = LatePaymentRules()


def _check_satang(name: str, value: int) -> None:
    # bool is an int subclass and float money is banned (STYLE "Money is Decimal or integer satang").
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int satang, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


@dataclass(frozen=True, slots=True)
class OverdueTax:
    """Facts about one unpaid tax amount; `paid_on` is passed separately so one case can be quoted on any day.

    tax_satang: the unpaid tax, the base of both penalty and surcharge (s.68-s.70; surcharge not on penalty).
    warning_received_on / warning_pay_by: the taxpayer's receipt of the s.61 warning letter and the last day
        of the period it sets. Example 16 does not give that period, so it is an input, never guessed.
    extension_until: last day of an extension the local executive approved under s.14.
    """

    tax_satang: int
    due_date: date
    warning_received_on: date | None = None
    warning_pay_by: date | None = None
    extension_until: date | None = None

    def __post_init__(self) -> None:
        _check_satang("tax_satang", self.tax_satang)
        if (self.warning_received_on is None) != (self.warning_pay_by is None):
            raise ValueError("warning_received_on and warning_pay_by go together: the letter sets the period")
        if (
            self.warning_received_on is not None
            and self.warning_pay_by is not None
            and self.warning_pay_by < self.warning_received_on
        ):
            raise ValueError("warning_pay_by is before warning_received_on")
        if self.extension_until is not None and self.extension_until < self.due_date:
            raise ValueError("extension_until is before due_date")


@dataclass(frozen=True, slots=True)
class LatePaymentCharges:
    tax_satang: int
    penalty_tier: PenaltyTier
    penalty_rate_bp: int
    penalty_satang: int
    within_extension: bool
    surcharge_months: int
    surcharge_rate_bp: int
    surcharge_satang: int

    @property
    def is_late(self) -> bool:
        return self.surcharge_months > 0

    @property
    def charges_satang(self) -> int:
        return self.penalty_satang + self.surcharge_satang

    @property
    def total_satang(self) -> int:
        # s.72: penalty and surcharge are themselves tax, so the bill total is the sum.
        return self.tax_satang + self.penalty_satang + self.surcharge_satang


def round_to_satang(numerator: int, denominator: int, rule: RoundingRule) -> int:
    """numerator / denominator rounded to a whole satang — the one rounding point of billing (§10).

    Exact integer arithmetic: no float, no Decimal context precision to think about.
    """
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_to_satang takes a non-negative numerator and a positive denominator")
    quotient, remainder = divmod(numerator, denominator)
    if rule is RoundingRule.DOWN or remainder == 0:
        return quotient
    twice = 2 * remainder
    if twice > denominator:
        return quotient + 1
    if twice == denominator and (rule is RoundingRule.HALF_UP or quotient % 2 == 1):
        return quotient + 1
    return quotient


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _elapsed_period_end(start: date, months: int) -> date:
    # s.193/5 style: a period of n months from `start` ends the day before the corresponding day n months on;
    # when that month has no such day (31 Jan -> February), it ends on that month's last day.
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if start.day > _last_day(year, month):
        return date(year, month, _last_day(year, month))
    return date(year, month, start.day) - timedelta(days=1)


def surcharge_months(*, due_date: date, paid_on: date, counting: MonthCounting) -> int:
    """Months of surcharge for a payment on `paid_on`; 0 when paid on or before the due date.

    s.70: from the day after the deadline to the payment date, any fraction of a month counted as a month.
    """
    if paid_on <= due_date:
        return 0
    first_late_day = due_date + timedelta(days=1)
    if counting is MonthCounting.CALENDAR_MONTHS:
        return (paid_on.year - first_late_day.year) * 12 + paid_on.month - first_late_day.month + 1
    if counting is MonthCounting.THIRTY_DAY_PERIODS:
        return -(-(paid_on - due_date).days // 30)
    # ELAPSED_MONTHS: the whole-month difference is a lower bound; at most one more period is needed.
    months = max(1, (paid_on.year - first_late_day.year) * 12 + paid_on.month - first_late_day.month)
    while paid_on > _elapsed_period_end(first_late_day, months):
        months += 1
    return months


def surcharge_satang(*, tax_satang: int, months: int, rate_bp: int, rules: LatePaymentRules) -> int:
    """Simple (not compounded) surcharge on the tax, capped at the tax itself (s.70, §11.4)."""
    _check_satang("tax_satang", tax_satang)
    # Capping the rate at 100% before rounding is the same as capping the amount at the tax, and keeps the
    # cap exact whatever the rounding rule.
    capped_bp = min(months * rate_bp, BP_PER_WHOLE)
    return round_to_satang(tax_satang * capped_bp, BP_PER_WHOLE, rules.rounding)


def _paid_within_extension(overdue: OverdueTax, paid_on: date) -> bool:
    return overdue.extension_until is not None and overdue.due_date < paid_on <= overdue.extension_until


def penalty_tier(*, overdue: OverdueTax, paid_on: date, rules: LatePaymentRules) -> PenaltyTier:
    """Which of the s.68/s.69 rates applies (§11.4 table)."""
    if paid_on <= overdue.due_date:
        return PenaltyTier.NONE
    if _paid_within_extension(overdue, paid_on) and not rules.penalty_within_extension:
        return PenaltyTier.NONE
    received_on, pay_by = overdue.warning_received_on, overdue.warning_pay_by
    if received_on is None or pay_by is None:
        return PenaltyTier.BEFORE_WARNING
    if paid_on < received_on or (paid_on == received_on and rules.same_day_as_warning_counts_as_before):
        return PenaltyTier.BEFORE_WARNING
    if paid_on <= pay_by:
        return PenaltyTier.WITHIN_WARNING_PERIOD
    return PenaltyTier.AFTER_WARNING_PERIOD


def _penalty_rate_bp(tier: PenaltyTier, rules: LatePaymentRules) -> int:
    return {
        PenaltyTier.NONE: 0,
        PenaltyTier.BEFORE_WARNING: rules.penalty_before_warning_bp,
        PenaltyTier.WITHIN_WARNING_PERIOD: rules.penalty_within_warning_period_bp,
        PenaltyTier.AFTER_WARNING_PERIOD: rules.penalty_after_warning_period_bp,
    }[tier]


def late_payment_charges(
    *, overdue: OverdueTax, paid_on: date, rules: LatePaymentRules = DEFAULT_LATE_PAYMENT_RULES
) -> LatePaymentCharges:
    """Penalty and surcharge owed when `overdue` is paid on `paid_on` (the receipt date, s.49).

    The surcharge runs from the original due date in every case: an extension only lowers the rate
    (s.70 para 2), and once it lapses unpaid the ordinary 1% applies from the original deadline.
    """
    tier = penalty_tier(overdue=overdue, paid_on=paid_on, rules=rules)
    penalty_rate_bp = _penalty_rate_bp(tier, rules)
    within_extension = _paid_within_extension(overdue, paid_on)
    surcharge_rate_bp = (
        rules.surcharge_per_month_within_extension_bp if within_extension else rules.surcharge_per_month_bp
    )
    months = surcharge_months(due_date=overdue.due_date, paid_on=paid_on, counting=rules.month_counting)
    return LatePaymentCharges(
        tax_satang=overdue.tax_satang,
        penalty_tier=tier,
        penalty_rate_bp=penalty_rate_bp,
        penalty_satang=round_to_satang(overdue.tax_satang * penalty_rate_bp, BP_PER_WHOLE, rules.rounding),
        within_extension=within_extension,
        surcharge_months=months,
        surcharge_rate_bp=surcharge_rate_bp,
        surcharge_satang=surcharge_satang(
            tax_satang=overdue.tax_satang, months=months, rate_bp=surcharge_rate_bp, rules=rules
        ),
    )
