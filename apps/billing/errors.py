"""Errors a cashier or officer can meet, each with a code and a message in the user's language."""

from __future__ import annotations

from enum import StrEnum


class BillingErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    BILL_CANCELLED = "bill_cancelled"
    BILL_SUPERSEDED = "bill_superseded"
    ALREADY_PAID = "already_paid"
    BALANCE_CHANGED = "balance_changed"
    AMOUNT_INVALID = "amount_invalid"
    OVERPAYMENT_REFUSED = "overpayment_refused"
    METHOD_INVALID = "method_invalid"
    KEY_REUSED = "key_reused"
    ALREADY_REVERSED = "already_reversed"
    REASON_REQUIRED = "reason_required"
    NOT_ISSUED = "not_issued"
    INSTALLMENTS_NOT_ALLOWED = "installments_not_allowed"
    INSTALLMENTS_TOO_LATE = "installments_too_late"
    INSTALLMENTS_EXIST = "installments_exist"
    OBJECTION_LATE = "objection_late"
    OBJECTION_OPEN = "objection_open"
    OBJECTION_DECIDED = "objection_decided"
    CORRECTION_INVALID = "correction_invalid"
    DRAFT_EXISTS = "draft_exists"
    BANK_FILE_EMPTY = "bank_file_empty"
    BANK_FILE_TWICE = "bank_file_twice"
    LINE_NOT_OPEN = "line_not_open"
    CREDIT_INSUFFICIENT = "credit_insufficient"
    EXTENSION_EXISTS = "extension_exists"


class BillingError(Exception):
    """Raised by the services; views show ``message``, the API returns ``code`` as well."""

    def __init__(self, code: BillingErrorCode, message, **params) -> None:
        self.code = code
        self.params = params
        self.message = str(message) % params if params else str(message)
        super().__init__(self.message)
