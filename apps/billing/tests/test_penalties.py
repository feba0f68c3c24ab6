"""Tests for apps/billing/domain/penalties.py — land-building-tax.md §11.4 and example 16 (§12)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.billing.domain.penalties import (
    DEFAULT_LATE_PAYMENT_RULES,
    LatePaymentRules,
    MonthCounting,
    OverdueTax,
    PenaltyTier,
    RoundingRule,
    late_payment_charges,
    round_to_satang,
    surcharge_months,
    surcharge_satang,
)

# Example 16: tax 10,000.00 due 30 April (normal calendar, tax year 2567 = 2024), no extension.
TAX_10K = 1_000_000
DUE = date(2024, 4, 30)
# "warning received in May"; the example does not state the period the letter set, only that 10 July is
# inside it and 15 November is not — any last day in between reproduces it.
WARNING_ON = date(2024, 5, 27)
WARNING_PAY_BY = date(2024, 7, 31)


def _overdue(**kwargs: object) -> OverdueTax:
    return OverdueTax(**{"tax_satang": TAX_10K, "due_date": DUE, **kwargs})  # type: ignore[arg-type]


WITH_WARNING = {"warning_received_on": WARNING_ON, "warning_pay_by": WARNING_PAY_BY}


@pytest.mark.parametrize("counting", list(MonthCounting))
@pytest.mark.parametrize(
    ("warning", "paid_on", "tier", "penalty", "months", "surcharge", "total"),
    [
        # Example 16, case 1: paid 20 May before any warning letter -> 1,000.00 + 100.00 -> 11,100.00.
        ({}, date(2024, 5, 20), PenaltyTier.BEFORE_WARNING, 100_000, 1, 10_000, 1_110_000),
        # Example 16, case 2: paid 10 July within the letter's period -> 2,000.00 + 300.00 -> 12,300.00.
        (WITH_WARNING, date(2024, 7, 10), PenaltyTier.WITHIN_WARNING_PERIOD, 200_000, 3, 30_000, 1_230_000),
        # Example 16, case 3: paid 15 November after the period -> 4,000.00 + 700.00 -> 14,700.00.
        (WITH_WARNING, date(2024, 11, 15), PenaltyTier.AFTER_WARNING_PERIOD, 400_000, 7, 70_000, 1_470_000),
    ],
)
def test_example_16(counting, warning, paid_on, tier, penalty, months, surcharge, total):
    rules = LatePaymentRules(month_counting=counting)
    charges = late_payment_charges(overdue=_overdue(**warning), paid_on=paid_on, rules=rules)
    assert charges.penalty_tier is tier
    assert charges.penalty_satang == penalty
    assert charges.surcharge_months == months
    assert charges.surcharge_satang == surcharge
    assert charges.total_satang == total


@pytest.mark.parametrize(
    ("paid_on", "months", "surcharge"),
    [
        # Example 16: "the surcharge stops growing at 10,000.00 (= the tax)".
        (date(2032, 7, 31), 99, 990_000),  # May 2024 .. July 2032
        (date(2032, 8, 1), 100, 1_000_000),  # 100 started months = 100% of the tax
        (date(2035, 4, 30), 132, 1_000_000),  # capped, never 1,320,000
    ],
)
def test_surcharge_capped_at_the_tax(paid_on, months, surcharge):
    charges = late_payment_charges(overdue=_overdue(**WITH_WARNING), paid_on=paid_on)
    assert charges.surcharge_months == months
    assert charges.surcharge_satang == surcharge
    # The cap is on the surcharge alone; the 40% penalty is added on top (s.70, penalty excluded).
    assert charges.total_satang == TAX_10K + 400_000 + surcharge


@pytest.mark.parametrize(
    ("paid_on", "expected"),
    [
        (date(2024, 4, 1), 0),
        (DUE, 0),  # paying on the due date is on time
    ],
)
def test_not_late_costs_nothing(paid_on, expected):
    charges = late_payment_charges(overdue=_overdue(**WITH_WARNING), paid_on=paid_on)
    assert charges.penalty_tier is PenaltyTier.NONE
    assert not charges.is_late
    assert charges.charges_satang == expected
    assert charges.total_satang == TAX_10K


@pytest.mark.parametrize(
    ("due_date", "paid_on", "calendar_months", "elapsed_months", "thirty_day_periods"),
    [
        (date(2024, 4, 30), date(2024, 5, 1), 1, 1, 1),
        (date(2024, 4, 30), date(2024, 5, 30), 1, 1, 1),
        (date(2024, 4, 30), date(2024, 5, 31), 1, 1, 2),  # 31 days late
        (date(2024, 4, 30), date(2024, 6, 1), 2, 2, 2),
        # A due date inside a month (individual s.14 extension or a moved calendar) separates the conventions.
        (date(2024, 6, 15), date(2024, 6, 20), 1, 1, 1),
        (date(2024, 6, 15), date(2024, 7, 10), 2, 1, 1),
        (date(2024, 6, 15), date(2024, 7, 15), 2, 1, 1),
        (date(2024, 6, 15), date(2024, 7, 16), 2, 2, 2),
        # 16 June .. 15 July is one month, so 16 July opens the second; across a year end too.
        (date(2024, 12, 15), date(2025, 1, 16), 2, 2, 2),
        # Month without the corresponding day: a period from 31 January ends on the last day of February.
        (date(2024, 1, 30), date(2024, 2, 29), 2, 1, 1),
        (date(2024, 1, 30), date(2024, 3, 1), 3, 2, 2),
        (date(2023, 1, 30), date(2023, 2, 28), 2, 1, 1),
    ],
)
def test_surcharge_months_conventions(due_date, paid_on, calendar_months, elapsed_months, thirty_day_periods):
    expected = {
        MonthCounting.CALENDAR_MONTHS: calendar_months,
        MonthCounting.ELAPSED_MONTHS: elapsed_months,
        MonthCounting.THIRTY_DAY_PERIODS: thirty_day_periods,
    }
    for counting, months in expected.items():
        assert surcharge_months(due_date=due_date, paid_on=paid_on, counting=counting) == months, counting


@pytest.mark.parametrize(
    ("warning_received_on", "warning_pay_by", "paid_on", "same_day_before", "tier", "penalty"),
    [
        # Letter received after the payment: s.68 10%.
        (date(2024, 5, 27), date(2024, 6, 26), date(2024, 5, 26), False, PenaltyTier.BEFORE_WARNING, 100_000),
        # Paid the day the letter arrived: 20% by default, 10% if the option says the payment came first.
        (date(2024, 5, 27), date(2024, 6, 26), date(2024, 5, 27), False,
         PenaltyTier.WITHIN_WARNING_PERIOD, 200_000),
        (date(2024, 5, 27), date(2024, 6, 26), date(2024, 5, 27), True, PenaltyTier.BEFORE_WARNING, 100_000),
        # Last day of the letter's period is still inside it (s.69); the day after is not (s.68 40%).
        (date(2024, 5, 27), date(2024, 6, 26), date(2024, 6, 26), False,
         PenaltyTier.WITHIN_WARNING_PERIOD, 200_000),
        (date(2024, 5, 27), date(2024, 6, 26), date(2024, 6, 27), False,
         PenaltyTier.AFTER_WARNING_PERIOD, 400_000),
    ],
)
def test_penalty_tiers(warning_received_on, warning_pay_by, paid_on, same_day_before, tier, penalty):
    rules = LatePaymentRules(same_day_as_warning_counts_as_before=same_day_before)
    overdue = _overdue(warning_received_on=warning_received_on, warning_pay_by=warning_pay_by)
    charges = late_payment_charges(overdue=overdue, paid_on=paid_on, rules=rules)
    assert charges.penalty_tier is tier
    assert charges.penalty_satang == penalty


@pytest.mark.parametrize(
    ("paid_on", "penalty_within_extension", "within", "tier", "penalty", "rate_bp", "surcharge"),
    [
        # s.70 para 2: extension to 30 June, paid 20 June -> 0.5% x 2 months (May, June) = 100.00, no penalty.
        (date(2024, 6, 20), False, True, PenaltyTier.NONE, 0, 50, 10_000),
        (date(2024, 6, 30), False, True, PenaltyTier.NONE, 0, 50, 10_000),
        # Option: the LGO charges the s.68 penalty even within the extension.
        (date(2024, 6, 20), True, True, PenaltyTier.BEFORE_WARNING, 100_000, 50, 10_000),
        # Extension lapsed: ordinary 10% and 1% from the original due date (May, June, July).
        (date(2024, 7, 5), False, False, PenaltyTier.BEFORE_WARNING, 100_000, 100, 30_000),
    ],
)
def test_extension(paid_on, penalty_within_extension, within, tier, penalty, rate_bp, surcharge):
    rules = LatePaymentRules(penalty_within_extension=penalty_within_extension)
    overdue = _overdue(extension_until=date(2024, 6, 30))
    charges = late_payment_charges(overdue=overdue, paid_on=paid_on, rules=rules)
    assert charges.within_extension is within
    assert charges.penalty_tier is tier
    assert charges.penalty_satang == penalty
    assert charges.surcharge_rate_bp == rate_bp
    assert charges.surcharge_satang == surcharge


@pytest.mark.parametrize(
    ("numerator", "denominator", "half_up", "half_even", "down"),
    [
        (333_325 * 1_000, 10_000, 33_333, 33_332, 33_332),  # 10% of 3,333.25 = 333.325 baht
        (333_335 * 1_000, 10_000, 33_334, 33_334, 33_333),  # 10% of 3,333.35 = 333.335 baht
        (333_333 * 50, 10_000, 1_667, 1_667, 1_666),  # 0.5% of 3,333.33 = 16.66665 baht
        (1_000_000 * 100, 10_000, 10_000, 10_000, 10_000),  # exact
        (0, 10_000, 0, 0, 0),
    ],
)
def test_round_to_satang(numerator, denominator, half_up, half_even, down):
    assert round_to_satang(numerator, denominator, RoundingRule.HALF_UP) == half_up
    assert round_to_satang(numerator, denominator, RoundingRule.HALF_EVEN) == half_even
    assert round_to_satang(numerator, denominator, RoundingRule.DOWN) == down


@pytest.mark.parametrize(
    ("rounding", "penalty"),
    [(RoundingRule.HALF_UP, 33_333), (RoundingRule.HALF_EVEN, 33_332), (RoundingRule.DOWN, 33_332)],
)
def test_rounding_rule_reaches_the_charges(rounding, penalty):
    overdue = OverdueTax(tax_satang=333_325, due_date=DUE)
    rules = LatePaymentRules(rounding=rounding)
    charges = late_payment_charges(overdue=overdue, paid_on=date(2024, 5, 2), rules=rules)
    assert charges.penalty_satang == penalty


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"tax_satang": -1}, ValueError),
        ({"tax_satang": 10.0}, TypeError),  # float money is refused
        ({"tax_satang": True}, TypeError),
        ({"warning_received_on": date(2024, 5, 27)}, ValueError),  # the letter's period is needed
        ({"warning_pay_by": date(2024, 6, 26)}, ValueError),
        ({"warning_received_on": date(2024, 6, 27), "warning_pay_by": date(2024, 6, 26)}, ValueError),
        ({"extension_until": date(2024, 4, 1)}, ValueError),
    ],
)
def test_overdue_tax_rejects_bad_input(kwargs, error):
    with pytest.raises(error):
        _overdue(**kwargs)


@pytest.mark.parametrize(("tax_satang", "months", "rate_bp", "expected"), [
    (TAX_10K, 0, 100, 0),
    (TAX_10K, 12, 100, 120_000),
    (TAX_10K, 150, 100, TAX_10K),
    (TAX_10K, 201, 50, TAX_10K),
    (1, 1, 100, 0),  # 0.01 satang rounds to nothing
])
def test_surcharge_satang(tax_satang, months, rate_bp, expected):
    assert surcharge_satang(tax_satang=tax_satang, months=months, rate_bp=rate_bp,
                            rules=DEFAULT_LATE_PAYMENT_RULES) == expected


@given(
    tax_satang=st.integers(min_value=0, max_value=10**12),
    days_late=st.integers(min_value=0, max_value=20_000),
    counting=st.sampled_from(list(MonthCounting)),
)
def test_surcharge_never_exceeds_the_tax(tax_satang, days_late, counting):
    rules = LatePaymentRules(month_counting=counting)
    charges = late_payment_charges(
        overdue=OverdueTax(tax_satang=tax_satang, due_date=DUE),
        paid_on=DUE + timedelta(days=days_late),
        rules=rules,
    )
    assert 0 <= charges.surcharge_satang <= tax_satang
    assert charges.penalty_satang <= tax_satang * 4 // 10 + 1


@given(
    day_a=st.integers(min_value=-30, max_value=5_000),
    day_b=st.integers(min_value=-30, max_value=5_000),
    counting=st.sampled_from(list(MonthCounting)),
)
def test_paying_later_never_costs_less(day_a, day_b, counting):
    early, late = sorted((day_a, day_b))
    rules = LatePaymentRules(month_counting=counting)
    overdue = _overdue(**WITH_WARNING)
    cost_early = late_payment_charges(overdue=overdue, paid_on=DUE + timedelta(days=early), rules=rules)
    cost_late = late_payment_charges(overdue=overdue, paid_on=DUE + timedelta(days=late), rules=rules)
    assert cost_early.surcharge_months <= cost_late.surcharge_months
    assert cost_early.total_satang <= cost_late.total_satang
