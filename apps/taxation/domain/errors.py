"""The one error the tax quote raises for bad input (tax-quote-contract.md § Bad input).

The API answers it with 400, the management command with exit 2; both print ``str(error)``, which starts with
the field. ``code`` is stable for machines and for the lead's translation table; ``message`` is English.
"""

from __future__ import annotations

from enum import StrEnum


class QuoteErrorCode(StrEnum):
    MALFORMED_JSON = "malformed_json"
    JSON_FLOAT = "json_float"
    REQUIRED = "required"
    WRONG_TYPE = "wrong_type"
    UNKNOWN_FIELD = "unknown_field"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"
    TAX_YEAR_BEFORE_2563 = "tax_year_before_2563"
    TAX_YEAR_UNSUPPORTED = "tax_year_unsupported"
    UNKNOWN_TAXPAYER_TYPE = "unknown_taxpayer_type"
    UNKNOWN_USE = "unknown_use"
    NO_POSITIVE_USE_WEIGHT = "no_positive_use_weight"
    UNKNOWN_CONSTRUCTION = "unknown_construction"
    BAD_AREA_TEXT = "bad_area_text"
    UNKNOWN_RESIDENCE = "unknown_residence"
    BUILDING_ONLY_WITH_LAND = "building_only_with_land"
    BUILDING_ONLY_WITHOUT_BUILDING = "building_only_without_building"
    MAIN_HOUSE_WITHOUT_LAND = "main_house_without_land"
    RESIDENCE_FOR_JURISTIC = "residence_for_juristic"
    SECOND_RESIDENCE = "second_residence"
    CONDO_WITH_LAND_OR_BUILDINGS = "condo_with_land_or_buildings"
    NOTHING_TO_VALUE = "nothing_to_value"
    UNKNOWN_EXEMPTION = "unknown_exemption"
    BAD_STANDING_REDUCTION = "bad_standing_reduction"


class QuoteInputError(ValueError):
    """Bad quote input; ``field`` is a path into the document such as ``properties[0].land.area``."""

    def __init__(self, field: str, message: str, *, code: QuoteErrorCode | str = "invalid") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.code = str(code)

    def __reduce__(self):  # keeps the error picklable (multiprocessing runs, task queues)
        return (_rebuild, (self.field, self.message, self.code))


def _rebuild(field: str, message: str, code: str) -> QuoteInputError:
    return QuoteInputError(field, message, code=code)
