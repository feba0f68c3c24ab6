"""``quote(document) -> answer``: the public contract of tax-quote-contract.md, shared by its three doors.

The management command and the API call :func:`parse_quote_json` then :func:`quote`; the yearly assessment run
builds the same document per taxpayer (or a :class:`QuoteInput` and calls ``engine.assess``) in a loop, so the
per-call work is only parsing and arithmetic: year files are read once and cached in ``rules``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apps.taxation.domain.engine import DEFAULT_SETTINGS, assess
from apps.taxation.domain.model import QuoteLine, QuoteResult
from apps.taxation.domain.money import baht_text, decimal_text, satang_text, to_satang
from apps.taxation.domain.parse import quote_input_from_document
from apps.taxation.domain.rules import RateOverride
from apps.taxation.domain.settings import EngineSettings


def quote(
    document: Mapping[str, Any],
    *,
    settings: EngineSettings = DEFAULT_SETTINGS,
    rate_overrides: tuple[RateOverride, ...] = (),
) -> dict[str, Any]:
    """Answer one quote document; raises :class:`QuoteInputError` naming the bad field.

    ``rate_overrides`` are the organisation's ordinance tables (s.37 paras 6-7), loaded by the caller.
    """
    result = assess(quote_input_from_document(document), settings=settings, rate_overrides=rate_overrides)
    return result_to_dict(result, settings=settings)


def result_to_dict(result: QuoteResult, *, settings: EngineSettings = DEFAULT_SETTINGS) -> dict[str, Any]:
    """The contract's output: baht strings with two decimals, ``*_satang`` as integers, never a float."""
    return {
        "tax_year": result.tax_year,
        "taxpayer_type": result.taxpayer_type.value,
        "total": satang_text(result.total_satang),
        "total_satang": result.total_satang,
        "installments_allowed": result.installments_allowed,
        "payment_due": result.payment_due.isoformat(),
        "installment_due": [day.isoformat() for day in result.installment_due]
        if result.installments_allowed
        else [],
        "rates_instrument": result.rates_instrument,
        "lines": [_line_to_dict(line, settings) for line in result.lines],
    }


def _line_to_dict(line: QuoteLine, settings: EngineSettings) -> dict[str, Any]:
    mode = settings.rounding_mode

    def money(amount) -> str:
        # Display only: the line's tax was rounded once in the engine; bases and slices show to the satang.
        return baht_text(amount, mode=mode)

    before_satang = to_satang(
        line.tax_before_reductions_baht,
        mode=settings.rounding_mode,
        quantum_satang=settings.rounding_quantum_satang,
    )
    return {
        "ref": "+".join(line.refs),
        "refs": list(line.refs),
        "use": None if line.use is None else line.use.value,
        "table": line.table,
        "exempt": line.exempt,
        "adjoining_group": line.adjoining_group,
        "base": money(line.base_baht),
        "allowance": money(line.allowance_baht),
        "taxable": money(line.taxable_baht),
        "vacant_surcharge_pct_points": decimal_text(line.vacant_surcharge_pct_points),
        "slices": [
            {
                "from": money(piece.from_baht),
                "to": money(piece.to_baht),
                "rate_pct": decimal_text(piece.rate_pct),
                "tax": money(piece.tax_baht),
            }
            for piece in line.slices
        ],
        "tax_before_reductions": satang_text(before_satang),
        "reductions": [
            {
                "kind": reduction.kind,
                "rule": reduction.rule,
                "pct": decimal_text(reduction.pct),
                "amount": satang_text(reduction.amount_satang),
            }
            for reduction in line.reductions
        ],
        "tax": satang_text(line.tax_satang),
        "tax_satang": line.tax_satang,
        "rules": list(line.rules),
    }
