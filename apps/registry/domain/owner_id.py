"""Thai 13-digit owner numbers: personal ID (เลขประจำตัวประชาชน) and juristic person number (เลขทะเบียนนิติบุคคล).

Source: shared/domain/municipal-services.md §7 — digits 1-12 weighted 13...2,
check digit = (11 - sum mod 11) mod 10.
The checksum and the leading-digit rules come from python-stdnum (``stdnum.th.pin`` for persons,
``stdnum.th.moa`` for juristic persons, which always start with 0); this module only gives them stable error
codes and the formats the registry prints.

PDPA (§7): never log these numbers; a real ID must never appear in test data.
"""

from __future__ import annotations

from enum import StrEnum
from types import ModuleType
from typing import Literal

from stdnum import exceptions as stdnum_exceptions
from stdnum.th import moa, pin

IdStyle = Literal["id_card", "dbd"]


class OwnerIdErrorCode(StrEnum):
    EMPTY = "empty"
    INVALID_LENGTH = "invalid_length"
    INVALID_FORMAT = "invalid_format"
    # leading digit not allowed for this kind (0/9 for persons, anything but 0 for juristic persons)
    INVALID_COMPONENT = "invalid_component"
    INVALID_CHECKSUM = "invalid_checksum"


class OwnerIdError(ValueError):
    """Bad ID number. ``code`` is stable for APIs and imports; the English message never echoes the ID."""

    def __init__(self, code: OwnerIdErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


# Most specific first: InvalidChecksum etc. all subclass stdnum's ValidationError.
_STDNUM_CODES: tuple[tuple[type[stdnum_exceptions.ValidationError], OwnerIdErrorCode], ...] = (
    (stdnum_exceptions.InvalidLength, OwnerIdErrorCode.INVALID_LENGTH),
    (stdnum_exceptions.InvalidFormat, OwnerIdErrorCode.INVALID_FORMAT),
    (stdnum_exceptions.InvalidComponent, OwnerIdErrorCode.INVALID_COMPONENT),
    (stdnum_exceptions.InvalidChecksum, OwnerIdErrorCode.INVALID_CHECKSUM),
)

_MESSAGES = {
    OwnerIdErrorCode.EMPTY: "The {kind} is empty.",
    OwnerIdErrorCode.INVALID_LENGTH: "The {kind} must have 13 digits.",
    OwnerIdErrorCode.INVALID_FORMAT: "The {kind} may contain only digits, spaces and hyphens.",
    OwnerIdErrorCode.INVALID_COMPONENT: "The {kind} cannot start with this digit.",
    OwnerIdErrorCode.INVALID_CHECKSUM: "The check digit of the {kind} is wrong.",
}


def _error(code: OwnerIdErrorCode, kind: str) -> OwnerIdError:
    return OwnerIdError(code, _MESSAGES[code].format(kind=kind))


def _validate_with(module: ModuleType, number: str, kind: str) -> str:
    if not number or not number.strip():
        raise _error(OwnerIdErrorCode.EMPTY, kind)
    try:
        return str(module.validate(number))
    except stdnum_exceptions.ValidationError as exc:
        for exc_type, code in _STDNUM_CODES:
            if isinstance(exc, exc_type):
                raise _error(code, kind) from None
        raise _error(OwnerIdErrorCode.INVALID_FORMAT, kind) from None


def validate_personal_id(number: str) -> str:
    """Return the 13 digits of a valid personal ID (``1-2345-67890-12-1`` accepted); else OwnerIdError."""
    return _validate_with(pin, number, "personal ID number")


def validate_juristic_id(number: str) -> str:
    """Return the 13 digits of a valid juristic person number (starts with 0), else raise OwnerIdError.

    The same checksum for every juristic and government range is UNCONFIRMED (§7); python-stdnum applies it
    to all numbers starting with 0, and so do we.
    """
    return _validate_with(moa, number, "juristic person number")


def is_valid_personal_id(number: str) -> bool:
    return pin.is_valid(number)


def is_valid_juristic_id(number: str) -> bool:
    return moa.is_valid(number)


def format_id(number: str, *, style: IdStyle = "id_card") -> str:
    """Group a valid 13-digit number for display.

    ``id_card`` (default, both kinds): ``1-2345-67890-12-1`` as on the ID card.
    ``dbd``: the Department of Business Development grouping ``0-10-5-536-11201-4`` for juristic persons.
    Raises OwnerIdError for a number that is neither a valid personal nor a valid juristic number, so that a
    typo is never printed as if it were checked.
    """
    if moa.is_valid(number):
        digits = moa.compact(number)
        return moa.format(digits) if style == "dbd" else pin.format(digits)
    if style == "dbd":
        validate_juristic_id(number)  # raises with the juristic error code
    return pin.format(validate_personal_id(number))


def make_valid_personal_id(prefix12: str) -> str:
    """Append the check digit: ``make_valid_personal_id("123456789012")`` → ``"1234567890121"``.

    For demo and test data only (never real IDs, §7). The first digit must be 1-8, as stdnum requires.
    """
    if len(prefix12) != 12:
        raise _error(OwnerIdErrorCode.INVALID_LENGTH, "ID prefix (12 digits)")
    if not prefix12.isascii() or not prefix12.isdigit():
        raise _error(OwnerIdErrorCode.INVALID_FORMAT, "ID prefix (12 digits)")
    number = prefix12 + pin.calc_check_digit(prefix12)
    return validate_personal_id(number)
