"""Land and Building Tax Act B.E. 2562 engine, pure Python, no Django.

Sources: /work/shared/domain/land-building-tax.md and tax-quote-contract.md.

Public entry points:
    quote(document, *, settings=EngineSettings(), rate_overrides=()) -> dict   # the contract
    parse_quote_json(text) -> dict                                             # JSON in, floats refused
    assess(QuoteInput, *, settings=..., rate_overrides=()) -> QuoteResult        # typed core
    year_rules(tax_year, overrides=()) -> YearRules                             # per-year data, cached
"""

from apps.taxation.domain.engine import assess
from apps.taxation.domain.errors import QuoteErrorCode, QuoteInputError
from apps.taxation.domain.model import (
    BuildingInput,
    CondoUnitInput,
    LandInput,
    PropertyInput,
    QuoteInput,
    QuoteLine,
    QuoteResult,
    Residence,
    TaxpayerType,
    Use,
)
from apps.taxation.domain.parse import parse_quote_json, quote_input_from_document
from apps.taxation.domain.quote import quote, result_to_dict
from apps.taxation.domain.rules import (
    RateBand,
    RateOverride,
    RuleDataError,
    YearRules,
    available_tax_years,
    year_rules,
)
from apps.taxation.domain.settings import EngineSettings

__all__ = [
    "BuildingInput",
    "CondoUnitInput",
    "EngineSettings",
    "LandInput",
    "PropertyInput",
    "QuoteErrorCode",
    "QuoteInput",
    "QuoteInputError",
    "QuoteLine",
    "QuoteResult",
    "RateBand",
    "RateOverride",
    "Residence",
    "RuleDataError",
    "TaxpayerType",
    "Use",
    "YearRules",
    "assess",
    "available_tax_years",
    "parse_quote_json",
    "quote",
    "quote_input_from_document",
    "result_to_dict",
    "year_rules",
]
