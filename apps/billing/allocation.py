"""What a bill owes on a given day, and how one payment splits into tax, penalty, surcharge and credit.

Pure (no Django, like apps/billing/domain/): the services load a bill's facts from the database into
:class:`BillFacts`, then call :func:`amount_owed` or :func:`allocate`. The rates and the month counting come
from apps/billing/domain/penalties.py and installments.py (land-building-tax.md §11.3-§11.4).

Rules chosen here (each one is a reading, written down so the อบต. can check it):

- Charges follow the tax they are paid with. A late payment settles a slice of the unpaid tax together with
  the penalty and surcharge on that slice, computed on the day it is paid; the rest of the tax keeps running
  its own surcharge. So a part payment never pays charges twice: 1,100.00 baht paid on 20 May on a
  10,000.00 bill due 30 April settles 990.99 of tax + 99.10 penalty (10%) + 9.91 surcharge (1 month).
- Instalments (s.52): the plan holds while every instalment that has fallen due was paid in full by its
  due date. From the first missed instalment the whole unpaid tax is one amount due on that instalment's
  date, and draws the s.52 surcharge (and the s.68-s.69 penalty only if InstallmentRules says so).
- Money paid beyond everything owed is credit for the taxpayer (kept, shown, refundable), never lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from apps.billing.domain.installments import (
    DEFAULT_INSTALLMENT_RULES,
    Installment,
    InstallmentRules,
)
from apps.billing.domain.penalties import (
    OverdueTax,
    PenaltyTier,
    late_payment_charges,
    surcharge_months,
    surcharge_satang,
)


class Regime(StrEnum):
    ORDINARY = "ordinary"  # s.68-s.70: penalty by warning-letter timing + surcharge
    MISSED_INSTALLMENT = "missed_installment"  # s.52 para 3: surcharge from the missed instalment's date


@dataclass(frozen=True, slots=True)
class TaxPaid:
    """One payment's tax part (negative for a reversal) and the day it was received."""

    paid_on: date
    tax_satang: int


@dataclass(frozen=True, slots=True)
class BillFacts:
    tax_satang: int
    due_date: date
    paid: tuple[TaxPaid, ...] = ()
    installments: tuple[Installment, ...] = ()
    warning_received_on: date | None = None
    warning_pay_by: date | None = None
    extension_until: date | None = None

    @property
    def tax_paid_satang(self) -> int:
        return sum(item.tax_satang for item in self.paid)


@dataclass(frozen=True, slots=True)
class Tranche:
    tax_satang: int
    due_date: date
    regime: Regime
    installment_number: int | None = None


@dataclass(frozen=True, slots=True)
class Charges:
    penalty_satang: int = 0
    surcharge_satang: int = 0
    penalty_tier: PenaltyTier = PenaltyTier.NONE
    surcharge_months: int = 0

    @property
    def total_satang(self) -> int:
        return self.penalty_satang + self.surcharge_satang


@dataclass(frozen=True, slots=True)
class Owed:
    tax_satang: int
    penalty_satang: int
    surcharge_satang: int
    missed_installment: int | None  # the number of the instalment whose miss ended the plan
    next_installment: Tranche | None  # the instalment to pay next while the plan holds
    penalty_tier: PenaltyTier
    surcharge_months: int

    @property
    def total_satang(self) -> int:
        return self.tax_satang + self.penalty_satang + self.surcharge_satang


@dataclass(frozen=True, slots=True)
class Allocation:
    tax_satang: int
    penalty_satang: int
    surcharge_satang: int
    credit_satang: int

    @property
    def total_satang(self) -> int:
        return self.tax_satang + self.penalty_satang + self.surcharge_satang + self.credit_satang


def first_missed_installment(facts: BillFacts, on: date) -> Installment | None:
    """The first instalment not paid in full by its due date, among those due before ``on``."""
    owed_so_far = 0
    for item in facts.installments:
        owed_so_far += item.amount_satang
        if item.due_date >= on:
            return None
        paid_by_due = sum(p.tax_satang for p in facts.paid if p.paid_on <= item.due_date)
        if paid_by_due < owed_so_far:
            return item
    return None


def tranches(facts: BillFacts, on: date) -> tuple[Tranche, ...]:
    """The unpaid tax of a bill on ``on``, cut into amounts that each have one due date and one regime."""
    unpaid = facts.tax_satang - facts.tax_paid_satang
    if unpaid <= 0:
        return ()
    if not facts.installments:
        return (Tranche(unpaid, facts.due_date, Regime.ORDINARY),)
    missed = first_missed_installment(facts, on)
    if missed is not None:
        return (Tranche(unpaid, missed.due_date, Regime.MISSED_INSTALLMENT, missed.number),)
    # The plan holds: tax paid so far covers the instalments in order; what is left of each is still to come.
    covered = facts.tax_paid_satang
    parts = []
    for item in facts.installments:
        take = min(covered, item.amount_satang)
        covered -= take
        if item.amount_satang - take > 0:
            parts.append(Tranche(item.amount_satang - take, item.due_date, Regime.ORDINARY, item.number))
    return tuple(parts)


def tranche_charges(
    tranche: Tranche, tax_satang: int, on: date, facts: BillFacts, rules: InstallmentRules
) -> Charges:
    """Penalty and surcharge on ``tax_satang`` of ``tranche`` if paid on ``on``."""
    late = rules.late_payment
    if on <= tranche.due_date or tax_satang <= 0:
        return Charges()
    if tranche.regime is Regime.MISSED_INSTALLMENT and not rules.penalty_on_missed_installment:
        months = surcharge_months(due_date=tranche.due_date, paid_on=on, counting=late.month_counting)
        return Charges(
            surcharge_satang=surcharge_satang(
                tax_satang=tax_satang, months=months, rate_bp=late.surcharge_per_month_bp, rules=late
            ),
            surcharge_months=months,
        )
    result = late_payment_charges(
        overdue=OverdueTax(
            tax_satang=tax_satang,
            due_date=tranche.due_date,
            warning_received_on=facts.warning_received_on,
            warning_pay_by=facts.warning_pay_by,
            extension_until=facts.extension_until if tranche.regime is Regime.ORDINARY else None,
        ),
        paid_on=on,
        rules=late,
    )
    return Charges(
        result.penalty_satang, result.surcharge_satang, result.penalty_tier, result.surcharge_months
    )


def amount_owed(facts: BillFacts, on: date, rules: InstallmentRules = DEFAULT_INSTALLMENT_RULES) -> Owed:
    """Everything the bill still owes if paid in full on ``on``."""
    parts = tranches(facts, on)
    penalty = surcharge = months = 0
    tier = PenaltyTier.NONE
    for part in parts:
        charges = tranche_charges(part, part.tax_satang, on, facts, rules)
        penalty += charges.penalty_satang
        surcharge += charges.surcharge_satang
        months = max(months, charges.surcharge_months)
        if charges.penalty_tier is not PenaltyTier.NONE:
            tier = charges.penalty_tier
    missed = parts[0].installment_number if parts and parts[0].regime is Regime.MISSED_INSTALLMENT else None
    upcoming = parts[0] if facts.installments and parts and missed is None else None
    return Owed(
        tax_satang=sum(p.tax_satang for p in parts),
        penalty_satang=penalty,
        surcharge_satang=surcharge,
        missed_installment=missed,
        next_installment=upcoming,
        penalty_tier=tier,
        surcharge_months=months,
    )


def _largest_affordable_tax(
    tranche: Tranche, budget: int, on: date, facts: BillFacts, rules: InstallmentRules
) -> tuple[int, Charges]:
    # tax + charges(tax) never decreases as tax grows, so a binary search finds the largest slice that fits.
    low, high = 0, tranche.tax_satang
    while low < high:
        middle = (low + high + 1) // 2
        if middle + tranche_charges(tranche, middle, on, facts, rules).total_satang <= budget:
            low = middle
        else:
            high = middle - 1
    return low, tranche_charges(tranche, low, on, facts, rules)


def allocate(
    facts: BillFacts, amount_satang: int, on: date, rules: InstallmentRules = DEFAULT_INSTALLMENT_RULES
) -> Allocation:
    """Split a payment of ``amount_satang`` received on ``on``; the parts always add up to the payment."""
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int):
        raise TypeError("amount_satang must be int satang")
    if amount_satang <= 0:
        raise ValueError("a payment must be more than zero")
    budget = amount_satang
    tax = penalty = surcharge = 0
    for part in tranches(facts, on):
        full = tranche_charges(part, part.tax_satang, on, facts, rules)
        if part.tax_satang + full.total_satang <= budget:
            tax += part.tax_satang
            penalty += full.penalty_satang
            surcharge += full.surcharge_satang
            budget -= part.tax_satang + full.total_satang
            continue
        slice_satang, charges = _largest_affordable_tax(part, budget, on, facts, rules)
        # The satang that buy no further whole slice (rounding of the charges) go to the tax, never to credit.
        leftover = budget - slice_satang - charges.total_satang
        extra_tax = min(leftover, part.tax_satang - slice_satang)
        tax += slice_satang + extra_tax
        penalty += charges.penalty_satang
        surcharge += charges.surcharge_satang + (leftover - extra_tax)
        budget = 0
        break
    return Allocation(tax, penalty, surcharge, credit_satang=budget)
