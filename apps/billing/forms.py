"""Counter and back-office forms. Amounts are typed in baht and leave the form as integer satang."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.billing.models import CreditRefund, Payment

MAX_BAHT = Decimal("9999999999.99")


class DateInput(forms.DateInput):
    # The browser's date picker takes and gives ISO dates whatever the page language.
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def to_satang(amount_baht: Decimal) -> int:
    # The DecimalField already refused more than 2 decimals, so this multiplication is exact.
    return int(amount_baht * 100)


class BahtField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("max_value", MAX_BAHT)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").strip()  # "1,250.00" as people type it
        return super().to_python(value)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Bill reference, taxpayer ID or name"), max_length=100, required=False, strip=True
    )


class PaymentForm(forms.Form):
    amount_baht = BahtField(label=_("Amount received (baht)"))
    method = forms.ChoiceField(
        label=_("Paid by"), choices=Payment.Method.choices, initial=Payment.Method.CASH
    )
    method_reference = forms.CharField(label=_("Cheque no. or bank reference"), max_length=40, required=False)
    # Made once when the form is shown: a second press of "pay" sends the same key and gets the same receipt.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    # What the cashier saw as owed: if someone paid meanwhile, the service says so instead of taking money.
    expected_owed_satang = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    @staticmethod
    def new_key() -> str:
        return f"counter:{uuid.uuid4()}"

    def clean(self):
        data = super().clean()
        if data.get("method") == Payment.Method.CHEQUE and not data.get("method_reference"):
            self.add_error("method_reference", _("Write the cheque number."))
        return data


class InstallmentForm(forms.Form):
    requested_on = forms.DateField(label=_("Request received on"), widget=DateInput())


class ObjectionForm(forms.Form):
    notice_received_on = forms.DateField(label=_("Notice received on"), widget=DateInput())
    filed_on = forms.DateField(label=_("Objection filed on"), widget=DateInput())
    grounds = forms.CharField(label=_("Grounds"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class DecisionForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accepted")), ("0", _("Rejected"))],
        coerce=lambda value: value == "1",
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    corrected_tax_baht = BahtField(label=_("Corrected tax (baht)"), required=False, min_value=Decimal("0"))
    note = forms.CharField(label=_("Note"), required=False, max_length=4000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ReceivedForm(forms.Form):
    received_on = forms.DateField(label=_("Letter received on"), widget=DateInput())


class BankUploadForm(forms.Form):
    file = forms.FileField(label=_("Bank statement file (CSV)"))


class BankMatchForm(forms.Form):
    reference = forms.CharField(label=_("Bill reference"), max_length=20)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Tax year (B.E.)"), min_value=2563, max_value=2700)


class WarningBatchForm(YearForm):
    issued_on = forms.DateField(label=_("Letter date"), widget=DateInput())


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput())


def new_form_key(prefix: str) -> str:
    # Made once when the form is shown: pressing the button twice sends the same key, recorded once.
    return f"{prefix}:{uuid.uuid4()}"


class CreditApplyForm(forms.Form):
    amount_baht = BahtField(label=_("Credit to use (baht)"))
    reason = forms.CharField(label=_("Reason"), max_length=2000)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)


class CreditRefundForm(forms.Form):
    amount_baht = BahtField(label=_("Amount paid back (baht)"))
    method = forms.ChoiceField(label=_("Paid by"), choices=CreditRefund.Method.choices)
    method_reference = forms.CharField(label=_("Cheque no. or bank reference"), max_length=40, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=2000)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def clean(self):
        data = super().clean()
        if data.get("method") == CreditRefund.Method.CHEQUE and not data.get("method_reference"):
            self.add_error("method_reference", _("Write the cheque number."))
        return data


class ExtensionForm(forms.Form):
    until = forms.DateField(label=_("Extended until"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason and the executive's approval (order no., date)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
