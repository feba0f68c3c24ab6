"""Billing services (writes): bills, payments and receipts, instalments, warning letters, bank files,
objections, credit. Each runs in one transaction and locks the rows it reads to decide."""

from apps.billing.services.bank import bank_line_match, bank_line_set_aside, bank_statement_import
from apps.billing.services.bills import bill_cancel, bill_extension_grant, bill_issue, bills_issue_for_year
from apps.billing.services.credit import credit_apply, credit_refund
from apps.billing.services.installments import installment_plan_create
from apps.billing.services.objections import objection_decide, objection_file
from apps.billing.services.payments import PaymentResult, payment_record, payment_reverse
from apps.billing.services.warnings import warning_letter_received, warning_letters_issue

__all__ = [
    "PaymentResult",
    "bank_line_match",
    "bank_line_set_aside",
    "bank_statement_import",
    "bill_cancel",
    "bill_extension_grant",
    "bill_issue",
    "bills_issue_for_year",
    "credit_apply",
    "credit_refund",
    "installment_plan_create",
    "objection_decide",
    "objection_file",
    "payment_record",
    "payment_reverse",
    "warning_letter_received",
    "warning_letters_issue",
]
