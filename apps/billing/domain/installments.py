"""Payment of land and building tax by instalments, and what missing one costs.

Source: shared/domain/land-building-tax.md §11.3 (Act s.52; ministerial-regulation rules as published [22]),
§11.4 (surcharge, penalty), §11.2 (per-year calendar). Integer satang throughout; money rounding is done by
penalties.round_to_satang, the split of a total into instalments by `split_amount` (no rounding, only a
remainder to place).

Public API:
    installment_eligible(*, total_tax_satang, requested_on=None, request_deadline=None, rules) -> bool
    installment_due_dates(*, first_due_date, count) -> tuple[date, ...]
    split_amount(*, total_satang, count, placement) -> tuple[int, ...]
    installment_schedule(*, total_tax_satang, first_due_date, count=None, rules) -> tuple[Installment, ...]
    missed_installment_charges(*, schedule, installments_paid, paid_on, warning_received_on=None,
                               warning_pay_by=None, rules) -> MissedInstallmentCharges
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from apps.billing.domain.penalties import (
    BP_PER_WHOLE,
    DEFAULT_LATE_PAYMENT_RULES,
    LatePaymentRules,
    OverdueTax,
    PenaltyTier,
    late_payment_charges,
    round_to_satang,
    surcharge_months,
)


class RemainderPlacement(StrEnum):
    """Where the satang left over by total // count go (§11.3: rounding of thirds is UNCONFIRMED)."""

    # §11.3's suggestion: the first instalments are the total divided and rounded down to the satang, the
    # last takes the remainder. 10,000.00 -> 3,333.33 / 3,333.33 / 3,333.34.
    LAST = "last"
    FIRST = "first"  # 3,333.34 / 3,333.33 / 3,333.33
    SPREAD_FROM_FIRST = "spread_from_first"  # one satang more on each of the first `remainder` instalments


class MissedSurchargeStart(StrEnum):
    """From when s.52 para 3's 1% a month runs on the unpaid tax. Not in the domain file (my reading)."""

    # Missing an instalment ends the right to pay by instalments, so the whole unpaid balance is overdue from
    # the day after the missed instalment's due date.
    MISSED_DUE_DATE = "missed_due_date"
    # Gentler reading: each unpaid instalment draws surcharge only from the day after its own due date.
    EACH_DUE_DATE = "each_due_date"


@dataclass(frozen=True, slots=True)
class InstallmentRules:
    min_tax_satang: int = 300_000  # 3,000 baht [§11.3; 22; 23]
    max_installments: int = 3  # "up to 3 equal instalments" [§11.3]
    # UNCONFIRMED §11.3: default is the domain file's suggestion (remainder on the last instalment).
    remainder: RemainderPlacement = RemainderPlacement.LAST
    # UNCONFIRMED §11.3: whether the s.68-s.69 penalty is also charged on missed instalments. s.52 para 3 as
    # recorded names only the 1%-a-month surcharge, so the default charges no penalty.
    penalty_on_missed_installment: bool = False
    missed_surcharge_start: MissedSurchargeStart = MissedSurchargeStart.MISSED_DUE_DATE
    # Month counting, rounding and rates are shared with ordinary late payment (§11.4).
    late_payment: LatePaymentRules = field(default=DEFAULT_LATE_PAYMENT_RULES)


DEFAULT_INSTALLMENT_RULES = InstallmentRules()


@dataclass(frozen=True, slots=True)
class Installment:
    number: int  # 1-based, as printed on the bill
    due_date: date
    amount_satang: int


@dataclass(frozen=True, slots=True)
class MissedInstallmentCharges:
    """What the taxpayer owes after missing instalment `missed_installment_number` (§11.3 / s.52 para 3).

    The right to pay by instalments is lost: every unpaid instalment is due now, with the surcharge (and the
    penalty if InstallmentRules.penalty_on_missed_installment is set).
    """

    missed_installment_number: int
    unpaid_tax_satang: int
    surcharge_satang: int
    penalty_tier: PenaltyTier
    penalty_satang: int

    @property
    def total_satang(self) -> int:
        return self.unpaid_tax_satang + self.surcharge_satang + self.penalty_satang


def installment_eligible(
    *,
    total_tax_satang: int,
    requested_on: date | None = None,
    request_deadline: date | None = None,
    rules: InstallmentRules = DEFAULT_INSTALLMENT_RULES,
) -> bool:
    """Tax of at least 3,000 baht, and (when both dates are given) a request filed by the deadline.

    The request deadline is "within April" in a normal year and moves with the year's calendar (§11.2),
    so it is an input rather than a constant.
    """
    if total_tax_satang < rules.min_tax_satang:
        return False
    return requested_on is None or request_deadline is None or requested_on <= request_deadline


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    # The instalments are due "within April, May and June" [§11.3]: a first due date on a month's last day
    # keeps the following ones on their months' last days (30 Apr -> 31 May -> 30 Jun).
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(year, month, last)
    return date(year, month, min(day.day, last))


def installment_due_dates(*, first_due_date: date, count: int) -> tuple[date, ...]:
    """Monthly due dates from the year's first instalment date (normal year 30 April; 2566 and 2568 June)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    return tuple(_add_months(first_due_date, k) for k in range(count))


def split_amount(*, total_satang: int, count: int, placement: RemainderPlacement) -> tuple[int, ...]:
    """Split exactly: the parts differ by at most count - 1 satang and always sum to total_satang."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if total_satang < 0:
        raise ValueError("total_satang must not be negative")
    base, remainder = divmod(total_satang, count)
    parts = [base] * count
    if placement is RemainderPlacement.LAST:
        parts[-1] += remainder
    elif placement is RemainderPlacement.FIRST:
        parts[0] += remainder
    else:
        for k in range(remainder):
            parts[k] += 1
    return tuple(parts)


def installment_schedule(
    *,
    total_tax_satang: int,
    first_due_date: date,
    count: int | None = None,
    rules: InstallmentRules = DEFAULT_INSTALLMENT_RULES,
) -> tuple[Installment, ...]:
    """Instalments for one bill; count defaults to the maximum (3). Raises ValueError when not allowed."""
    if isinstance(total_tax_satang, bool) or not isinstance(total_tax_satang, int):
        raise TypeError("total_tax_satang must be int satang")
    if total_tax_satang < rules.min_tax_satang:
        raise ValueError(
            f"instalments need tax of at least {rules.min_tax_satang} satang, got {total_tax_satang}"
        )
    count = rules.max_installments if count is None else count
    if not 2 <= count <= rules.max_installments:
        raise ValueError(f"count must be 2..{rules.max_installments}, got {count}")
    amounts = split_amount(total_satang=total_tax_satang, count=count, placement=rules.remainder)
    dates = installment_due_dates(first_due_date=first_due_date, count=count)
    return tuple(
        Installment(number=k + 1, due_date=due, amount_satang=amount)
        for k, (due, amount) in enumerate(zip(dates, amounts, strict=True))
    )


def missed_installment_charges(
    *,
    schedule: Sequence[Installment],
    installments_paid: int,
    paid_on: date,
    warning_received_on: date | None = None,
    warning_pay_by: date | None = None,
    rules: InstallmentRules = DEFAULT_INSTALLMENT_RULES,
) -> MissedInstallmentCharges:
    """Amount due when the rest of the tax is paid on `paid_on` after the first `installments_paid`
    instalments were paid on time and the next one was missed (s.52 para 3, §11.3).
    """
    if not 0 <= installments_paid < len(schedule):
        raise ValueError(f"installments_paid must be 0..{len(schedule) - 1}, got {installments_paid}")
    missed = schedule[installments_paid]
    if paid_on <= missed.due_date:
        raise ValueError(f"instalment {missed.number} is not missed: paid on or before {missed.due_date}")
    unpaid = schedule[installments_paid:]
    unpaid_tax_satang = sum(item.amount_satang for item in unpaid)
    late = rules.late_payment

    if rules.missed_surcharge_start is MissedSurchargeStart.MISSED_DUE_DATE:
        starts = [(unpaid_tax_satang, missed.due_date)]
    else:
        starts = [(item.amount_satang, item.due_date) for item in unpaid]
    # One exact sum, one rounding: each part's rate is capped at 100% so no part exceeds its own tax (s.70).
    numerator = 0
    for amount_satang, due_date in starts:
        months = surcharge_months(due_date=due_date, paid_on=paid_on, counting=late.month_counting)
        numerator += amount_satang * min(months * late.surcharge_per_month_bp, BP_PER_WHOLE)
    surcharge = round_to_satang(numerator, BP_PER_WHOLE, late.rounding)

    tier, penalty = PenaltyTier.NONE, 0
    if rules.penalty_on_missed_installment:
        charges = late_payment_charges(
            overdue=OverdueTax(
                tax_satang=unpaid_tax_satang,
                due_date=missed.due_date,
                warning_received_on=warning_received_on,
                warning_pay_by=warning_pay_by,
            ),
            paid_on=paid_on,
            rules=late,
        )
        tier, penalty = charges.penalty_tier, charges.penalty_satang

    return MissedInstallmentCharges(
        missed_installment_number=missed.number,
        unpaid_tax_satang=unpaid_tax_satang,
        surcharge_satang=surcharge,
        penalty_tier=tier,
        penalty_satang=penalty,
    )
