"""Billing settings, each a named Django setting with the default the domain files suggest.

Everything marked UNCONFIRMED in shared/domain waits for the อบต. or the DLA to answer; the lead can set
any of
these in gis_portal/settings/base.py without a code change here.
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings

from apps.billing.domain.installments import DEFAULT_INSTALLMENT_RULES, InstallmentRules, RemainderPlacement
from apps.billing.domain.penalties import DEFAULT_LATE_PAYMENT_RULES, LatePaymentRules, MonthCounting
from apps.billing.domain.thai_qr import QrRules

# e-LAAS revenue codes (municipal-services.md §2.3). 41100001 for the land and building tax is the domain
# file's guess (house and land tax re-labelled) and the fine/surcharge codes are unknown: all UNCONFIRMED.
DEFAULT_ELAAS_REVENUE_CODES = {"tax": "41100001", "penalty": "", "surcharge": ""}


def installment_rules() -> InstallmentRules:
    # BILLING_INSTALLMENT_REMAINDER: where the satang left by thirds go (§11.3 UNCONFIRMED):
    # last / first / spread_from_first.
    placement = RemainderPlacement(getattr(settings, "BILLING_INSTALLMENT_REMAINDER", "last"))
    return replace(DEFAULT_INSTALLMENT_RULES, remainder=placement, late_payment=late_payment_rules())


def late_payment_rules() -> LatePaymentRules:
    # BILLING_MONTH_COUNTING: calendar_months (domain default) / elapsed_months / thirty_day_periods (§11.4).
    counting = MonthCounting(getattr(settings, "BILLING_MONTH_COUNTING", "calendar_months"))
    return replace(DEFAULT_LATE_PAYMENT_RULES, month_counting=counting)


def qr_rules() -> QrRules:
    return QrRules()


def elaas_revenue_codes() -> dict[str, str]:
    return {**DEFAULT_ELAAS_REVENUE_CODES, **getattr(settings, "BILLING_ELAAS_REVENUE_CODES", {})}


def warning_pay_within_days() -> int:
    # The s.61 letter sets a period to pay; the Act as recorded gives no length. 30 days is common LGO
    # practice (UNCONFIRMED).
    return int(getattr(settings, "BILLING_WARNING_PAY_WITHIN_DAYS", 30))


def objection_reminder_days() -> int:
    # Remind the officer this many days before the 60-day decision limit of s.73 runs out.
    return int(getattr(settings, "BILLING_OBJECTION_REMINDER_DAYS", 10))
