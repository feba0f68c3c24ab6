"""Tests for apps/billing/domain/installments.py — land-building-tax.md §11.3 (with §11.2, §11.4)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.billing.domain.installments import (
    Installment,
    InstallmentRules,
    MissedSurchargeStart,
    RemainderPlacement,
    installment_due_dates,
    installment_eligible,
    installment_schedule,
    missed_installment_charges,
    split_amount,
)
from apps.billing.domain.penalties import LatePaymentRules, MonthCounting, PenaltyTier


@pytest.mark.parametrize(
    ("total_tax_satang", "requested_on", "request_deadline", "eligible"),
    [
        (299_999, None, None, False),  # 2,999.99 baht: below the 3,000-baht minimum
        (300_000, None, None, True),  # exactly 3,000.00 baht is enough ("at least")
        (1_000_000, date(2024, 4, 30), date(2024, 4, 30), True),  # request filed within April
        (1_000_000, date(2024, 5, 1), date(2024, 4, 30), False),  # too late to ask
        (299_999, date(2024, 4, 1), date(2024, 4, 30), False),
    ],
)
def test_installment_eligible(total_tax_satang, requested_on, request_deadline, eligible):
    assert installment_eligible(
        total_tax_satang=total_tax_satang, requested_on=requested_on, request_deadline=request_deadline
    ) is eligible


@pytest.mark.parametrize(
    ("first_due_date", "expected"),
    [
        # Normal year: April / May / June, each due by the month's last day [§11.3].
        (date(2024, 4, 30), (date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 30))),
        # 2566 and 2568 calendars: June / July / August [§11.2].
        (date(2023, 6, 30), (date(2023, 6, 30), date(2023, 7, 31), date(2023, 8, 31))),
        (date(2025, 6, 30), (date(2025, 6, 30), date(2025, 7, 31), date(2025, 8, 31))),
        # A first date inside a month keeps its day, clamped to short months.
        (date(2024, 1, 15), (date(2024, 1, 15), date(2024, 2, 15), date(2024, 3, 15))),
        (date(2023, 12, 30), (date(2023, 12, 30), date(2024, 1, 30), date(2024, 2, 29))),
        (date(2024, 1, 31), (date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31))),
    ],
)
def test_installment_due_dates(first_due_date, expected):
    assert installment_due_dates(first_due_date=first_due_date, count=3) == expected


@pytest.mark.parametrize(
    ("total_satang", "placement", "expected"),
    [
        # §11.3's example 10,000 / 3, with its suggested rule (default): round down, remainder on the last.
        (1_000_000, RemainderPlacement.LAST, (333_333, 333_333, 333_334)),
        (1_000_000, RemainderPlacement.FIRST, (333_334, 333_333, 333_333)),
        (1_000_000, RemainderPlacement.SPREAD_FROM_FIRST, (333_334, 333_333, 333_333)),
        (1_000_001, RemainderPlacement.LAST, (333_333, 333_333, 333_335)),
        (1_000_001, RemainderPlacement.FIRST, (333_335, 333_333, 333_333)),
        (1_000_001, RemainderPlacement.SPREAD_FROM_FIRST, (333_334, 333_334, 333_333)),
        (300_000, RemainderPlacement.LAST, (100_000, 100_000, 100_000)),
    ],
)
def test_split_amount(total_satang, placement, expected):
    assert split_amount(total_satang=total_satang, count=3, placement=placement) == expected


def test_schedule_default_rules():
    schedule = installment_schedule(total_tax_satang=1_000_000, first_due_date=date(2024, 4, 30))
    assert schedule == (
        Installment(number=1, due_date=date(2024, 4, 30), amount_satang=333_333),
        Installment(number=2, due_date=date(2024, 5, 31), amount_satang=333_333),
        Installment(number=3, due_date=date(2024, 6, 30), amount_satang=333_334),
    )


@pytest.mark.parametrize(
    ("count", "expected_amounts"),
    [(2, (500_000, 500_000)), (3, (333_333, 333_333, 333_334))],
)
def test_schedule_fewer_installments(count, expected_amounts):
    schedule = installment_schedule(total_tax_satang=1_000_000, first_due_date=date(2024, 4, 30), count=count)
    assert tuple(item.amount_satang for item in schedule) == expected_amounts


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"total_tax_satang": 299_999}, ValueError),  # below 3,000 baht
        ({"total_tax_satang": 1_000_000, "count": 4}, ValueError),  # "up to 3"
        ({"total_tax_satang": 1_000_000, "count": 1}, ValueError),  # one instalment is no instalment plan
        ({"total_tax_satang": 10_000.0}, TypeError),  # float money is refused
    ],
)
def test_schedule_rejects(kwargs, error):
    with pytest.raises(error):
        installment_schedule(first_due_date=date(2024, 4, 30), **kwargs)


SCHEDULE_10K = installment_schedule(total_tax_satang=1_000_000, first_due_date=date(2024, 4, 30))


@pytest.mark.parametrize(
    ("installments_paid", "paid_on", "start", "missed", "unpaid", "surcharge"),
    [
        # Missed no. 2 (31 May), rest paid 20 June: 6,666.67 x 1% x 1 month (June) = 66.6667 -> 66.67.
        (1, date(2024, 6, 20), MissedSurchargeStart.MISSED_DUE_DATE, 2, 666_667, 6_667),
        # Same, counted per instalment: only no. 2 is overdue (no. 3 falls due 30 June) -> 33.33.
        (1, date(2024, 6, 20), MissedSurchargeStart.EACH_DUE_DATE, 2, 666_667, 3_333),
        # Paid 10 July: whole balance x 2 months (June, July) = 133.3334 -> 133.33.
        (1, date(2024, 7, 10), MissedSurchargeStart.MISSED_DUE_DATE, 2, 666_667, 13_333),
        # Per instalment: 3,333.33 x 2 months + 3,333.34 x 1 month = 100.00 exactly.
        (1, date(2024, 7, 10), MissedSurchargeStart.EACH_DUE_DATE, 2, 666_667, 10_000),
        # Missed no. 3 only: 3,333.34 x 1 month (July) = 33.3334 -> 33.33.
        (2, date(2024, 7, 1), MissedSurchargeStart.MISSED_DUE_DATE, 3, 333_334, 3_333),
        # Missed the first: the whole 10,000.00 from 30 April, paid 20 May -> 100.00, as in example 16.
        (0, date(2024, 5, 20), MissedSurchargeStart.MISSED_DUE_DATE, 1, 1_000_000, 10_000),
        # The surcharge stops at the unpaid tax (s.70 cap).
        (1, date(2034, 1, 1), MissedSurchargeStart.MISSED_DUE_DATE, 2, 666_667, 666_667),
        (1, date(2034, 1, 1), MissedSurchargeStart.EACH_DUE_DATE, 2, 666_667, 666_667),
    ],
)
def test_missed_installment_surcharge(installments_paid, paid_on, start, missed, unpaid, surcharge):
    rules = InstallmentRules(missed_surcharge_start=start)
    charges = missed_installment_charges(
        schedule=SCHEDULE_10K, installments_paid=installments_paid, paid_on=paid_on, rules=rules
    )
    assert charges.missed_installment_number == missed
    assert charges.unpaid_tax_satang == unpaid
    assert charges.surcharge_satang == surcharge
    # Default: s.52 para 3 names only the surcharge, so no penalty.
    assert charges.penalty_satang == 0
    assert charges.penalty_tier is PenaltyTier.NONE
    assert charges.total_satang == unpaid + surcharge


@pytest.mark.parametrize(
    ("warning", "paid_on", "tier", "penalty", "surcharge"),
    [
        # Option on: 10% of 6,666.67 = 666.667 -> 666.67; surcharge June = 66.67.
        ({}, date(2024, 6, 20), PenaltyTier.BEFORE_WARNING, 66_667, 6_667),
        # Letter received 1 July with period to 31 July, paid 10 July: 20% = 1,333.33; June + July = 133.33.
        ({"warning_received_on": date(2024, 7, 1), "warning_pay_by": date(2024, 7, 31)}, date(2024, 7, 10),
         PenaltyTier.WITHIN_WARNING_PERIOD, 133_333, 13_333),
        ({"warning_received_on": date(2024, 7, 1), "warning_pay_by": date(2024, 7, 31)}, date(2024, 8, 1),
         PenaltyTier.AFTER_WARNING_PERIOD, 266_667, 20_000),
    ],
)
def test_missed_installment_with_penalty_option(warning, paid_on, tier, penalty, surcharge):
    rules = InstallmentRules(penalty_on_missed_installment=True)
    charges = missed_installment_charges(
        schedule=SCHEDULE_10K, installments_paid=1, paid_on=paid_on, rules=rules, **warning
    )
    assert charges.penalty_tier is tier
    assert charges.penalty_satang == penalty
    assert charges.surcharge_satang == surcharge
    assert charges.total_satang == 666_667 + penalty + surcharge


SCHEDULE_MID_MONTH = installment_schedule(total_tax_satang=1_000_000, first_due_date=date(2024, 4, 15))


@pytest.mark.parametrize(
    ("counting", "paid_on", "months", "surcharge"),
    [
        # Missed no. 2 due 15 May; 6,666.67 unpaid, so each month of 1% is 66.6667 baht.
        (MonthCounting.CALENDAR_MONTHS, date(2024, 6, 10), 2, 13_333),  # May (16-31) and June
        (MonthCounting.ELAPSED_MONTHS, date(2024, 6, 10), 1, 6_667),  # 16 May..15 June
        (MonthCounting.THIRTY_DAY_PERIODS, date(2024, 6, 10), 1, 6_667),  # 26 days
        (MonthCounting.ELAPSED_MONTHS, date(2024, 6, 16), 2, 13_333),
        (MonthCounting.THIRTY_DAY_PERIODS, date(2024, 6, 16), 2, 13_333),  # 32 days
    ],
)
def test_missed_installment_follows_month_counting(counting, paid_on, months, surcharge):
    rules = InstallmentRules(late_payment=LatePaymentRules(month_counting=counting))
    charges = missed_installment_charges(
        schedule=SCHEDULE_MID_MONTH, installments_paid=1, paid_on=paid_on, rules=rules
    )
    assert charges.unpaid_tax_satang == 666_667
    assert charges.surcharge_satang == surcharge
    assert charges.surcharge_satang == (666_667 * months + 50) // 100


@pytest.mark.parametrize(
    ("installments_paid", "paid_on"),
    [
        (3, date(2024, 7, 1)),  # nothing left to miss
        (-1, date(2024, 7, 1)),
        (1, date(2024, 5, 31)),  # paid on the due date: not missed
    ],
)
def test_missed_installment_rejects(installments_paid, paid_on):
    with pytest.raises(ValueError):
        missed_installment_charges(
            schedule=SCHEDULE_10K, installments_paid=installments_paid, paid_on=paid_on
        )


@given(
    total_satang=st.integers(min_value=300_000, max_value=10**13),
    count=st.integers(min_value=2, max_value=3),
    placement=st.sampled_from(list(RemainderPlacement)),
)
def test_schedule_sums_exactly_and_is_nearly_equal(total_satang, count, placement):
    rules = InstallmentRules(remainder=placement)
    schedule = installment_schedule(
        total_tax_satang=total_satang, first_due_date=date(2024, 4, 30), count=count, rules=rules
    )
    amounts = [item.amount_satang for item in schedule]
    assert sum(amounts) == total_satang
    assert max(amounts) - min(amounts) <= count - 1
    assert [item.number for item in schedule] == list(range(1, count + 1))
    assert all(a.due_date < b.due_date for a, b in itertools.pairwise(schedule))
