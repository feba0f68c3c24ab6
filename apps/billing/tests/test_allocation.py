"""apps/billing/allocation.py: what a bill owes on a day and how a payment splits (pure, table-driven)."""

from datetime import date

import pytest

from apps.billing.allocation import BillFacts, Regime, TaxPaid, allocate, amount_owed, tranches
from apps.billing.domain.installments import Installment
from apps.billing.domain.penalties import PenaltyTier

TAX = 1_000_000  # 10,000.00 baht, example 16 (land-building-tax.md §12)
DUE = date(2024, 4, 30)
LETTER_IN_MAY = {"warning_received_on": date(2024, 5, 15), "warning_pay_by": date(2024, 7, 31)}


@pytest.mark.parametrize(
    ("paid_on", "letter", "tier", "penalty", "surcharge", "total"),
    [
        (date(2024, 4, 30), {}, PenaltyTier.NONE, 0, 0, 1_000_000),
        # Example 16: 20 May before any letter -> 1,000.00 + 100.00 -> 11,100.00
        (date(2024, 5, 20), {}, PenaltyTier.BEFORE_WARNING, 100_000, 10_000, 1_110_000),
        # Example 16: letter received in May, paid 10 July within its period -> 12,300.00
        (date(2024, 7, 10), LETTER_IN_MAY, PenaltyTier.WITHIN_WARNING_PERIOD, 200_000, 30_000, 1_230_000),
        # Example 16: paid 15 November after the letter's period -> 14,700.00
        (date(2024, 11, 15), LETTER_IN_MAY, PenaltyTier.AFTER_WARNING_PERIOD, 400_000, 70_000, 1_470_000),
        # Example 16: the surcharge stops at the tax itself (105 months late would be 105%).
        (date(2033, 1, 15), LETTER_IN_MAY, PenaltyTier.AFTER_WARNING_PERIOD, 400_000, 1_000_000, 2_400_000),
    ],
)
def test_example_16_owed(paid_on, letter, tier, penalty, surcharge, total):
    owed = amount_owed(BillFacts(tax_satang=TAX, due_date=DUE, **letter), paid_on)
    assert (owed.penalty_tier, owed.penalty_satang, owed.surcharge_satang, owed.total_satang) == (
        tier,
        penalty,
        surcharge,
        total,
    )


@pytest.mark.parametrize(
    ("amount", "paid_on", "expected"),
    [
        # Full payment of example 16 case 1: every part in its place.
        (1_110_000, date(2024, 5, 20), (1_000_000, 100_000, 10_000, 0)),
        # A part payment carries the charges of the tax it settles (11% here), never more.
        (110_000, date(2024, 5, 20), (99_099, 9_910, 991, 0)),
        # On time, more than the tax: the rest is credit.
        (1_200_000, date(2024, 4, 1), (1_000_000, 0, 0, 200_000)),
        (1, date(2024, 4, 1), (1, 0, 0, 0)),
        # Late, one satang: it cannot buy any tax with its charges, so it goes to the tax (never lost).
        (1, date(2024, 5, 20), (1, 0, 0, 0)),
    ],
)
def test_allocate(amount, paid_on, expected):
    parts = allocate(BillFacts(tax_satang=TAX, due_date=DUE), amount, paid_on)
    assert (parts.tax_satang, parts.penalty_satang, parts.surcharge_satang, parts.credit_satang) == expected
    assert parts.total_satang == amount


def test_part_payment_leaves_exactly_the_rest():
    first = allocate(BillFacts(tax_satang=TAX, due_date=DUE), 110_000, date(2024, 5, 20))
    facts = BillFacts(tax_satang=TAX, due_date=DUE, paid=(TaxPaid(date(2024, 5, 20), first.tax_satang),))
    # 11,100.00 owed that day; 1,100.00 paid; 10,000.00 left to the satang.
    assert amount_owed(facts, date(2024, 5, 20)).total_satang == 1_000_000


def test_allocate_refuses_float_and_zero():
    facts = BillFacts(tax_satang=TAX, due_date=DUE)
    with pytest.raises(TypeError):
        allocate(facts, 10.5, DUE)
    with pytest.raises(ValueError, match="more than zero"):
        allocate(facts, 0, DUE)


PLAN = (
    Installment(1, date(2024, 4, 30), 333_333),
    Installment(2, date(2024, 5, 31), 333_333),
    Installment(3, date(2024, 6, 30), 333_334),
)


@pytest.mark.parametrize(
    ("paid", "on", "missed", "tax", "surcharge", "next_number"),
    [
        # Nothing due yet: the whole tax, no charges; the first instalment is next.
        ((), date(2024, 4, 10), None, 1_000_000, 0, 1),
        # First instalment paid on time: the plan holds, instalment 2 is next.
        ((TaxPaid(date(2024, 4, 30), 333_333),), date(2024, 5, 15), None, 666_667, 0, 2),
        # Instalment 2 missed: the plan ends; 1% a month (s.52) on all unpaid tax from 31 May: June = 1 month.
        ((TaxPaid(date(2024, 4, 30), 333_333),), date(2024, 6, 10), 2, 666_667, 6_667, None),
        # Instalment 1 paid late ends the plan even if the taxpayer catches up afterwards.
        ((TaxPaid(date(2024, 5, 5), 333_333),), date(2024, 5, 20), 1, 666_667, 6_667, None),
        # All three paid on time: nothing owed.
        (
            (
                TaxPaid(date(2024, 4, 30), 333_333),
                TaxPaid(date(2024, 5, 31), 333_333),
                TaxPaid(date(2024, 6, 30), 333_334),
            ),
            date(2024, 8, 1),
            None,
            0,
            0,
            None,
        ),
    ],
)
def test_installments(paid, on, missed, tax, surcharge, next_number):
    facts = BillFacts(tax_satang=TAX, due_date=DUE, paid=paid, installments=PLAN)
    owed = amount_owed(facts, on)
    assert owed.missed_installment == missed
    assert (owed.tax_satang, owed.surcharge_satang, owed.penalty_satang) == (tax, surcharge, 0)
    assert (owed.next_installment.installment_number if owed.next_installment else None) == next_number


def test_missed_plan_is_one_tranche_from_the_missed_date():
    facts = BillFacts(
        tax_satang=TAX, due_date=DUE, paid=(TaxPaid(date(2024, 4, 30), 333_333),), installments=PLAN
    )
    (only,) = tranches(facts, date(2024, 6, 10))
    assert (only.regime, only.due_date, only.tax_satang) == (
        Regime.MISSED_INSTALLMENT,
        date(2024, 5, 31),
        666_667,
    )


def test_extension_halves_the_surcharge_and_drops_the_penalty():
    facts = BillFacts(tax_satang=TAX, due_date=DUE, extension_until=date(2024, 6, 30))
    owed = amount_owed(facts, date(2024, 6, 15))
    # s.70 para 2: 0.5% x 2 months (May, June) = 1%; no penalty within an approved extension.
    assert (owed.penalty_satang, owed.surcharge_satang) == (0, 10_000)
