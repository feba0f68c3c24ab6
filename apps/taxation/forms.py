"""Forms of the tax officer's pages: they parse, the selectors and services decide."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.taxation.models import Assessment
from apps.taxation.selectors import USE_LABELS


def baht_to_satang(amount: Decimal) -> int:
    # A filter bound typed by an officer: half a satang up, the way the Act's amounts are rounded (§10).
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


class AssessmentFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Tax year (B.E.)"), min_value=2563, max_value=2700, required=False)
    village = forms.TypedChoiceField(label=_("Village"), required=False, coerce=int, empty_value=None)
    use = forms.ChoiceField(label=_("Use"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    min_baht = forms.DecimalField(label=_("Tax from (baht)"), required=False, min_value=0, decimal_places=2)
    max_baht = forms.DecimalField(label=_("Tax up to (baht)"), required=False, min_value=0, decimal_places=2)
    q = forms.CharField(label=_("Name, ID number or parcel code"), required=False, max_length=100)

    def __init__(self, *args, villages: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("All villages")), *villages]
        self.fields["use"].choices = [("", _("All uses")), *USE_LABELS.items()]
        self.fields["status"].choices = [
            ("", _("Draft and issued")),
            *((value, label) for value, label in Assessment.Status.choices),
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("min_baht"), data.get("max_baht")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("The lower amount is above the upper one."), code="bounds")
        return data

    def filters(self) -> dict:
        """Keyword arguments for selectors.assessment_list (empty when the form is invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "village_id": data.get("village"),
            "use": data.get("use") or None,
            "status": data.get("status") or None,
            "min_satang": None if data.get("min_baht") is None else baht_to_satang(data["min_baht"]),
            "max_satang": None if data.get("max_baht") is None else baht_to_satang(data["max_baht"]),
            "query": data.get("q") or "",
        }


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2563, max_value=2700)


class RunStartForm(YearForm):
    registry_now = forms.BooleanField(
        label=_("Read the registry as it is now (not as it stood on 1 January)"), required=False
    )


class IssueForm(YearForm):
    owner = forms.IntegerField(required=False, min_value=1)


class BatchPrintForm(YearForm):
    village = forms.IntegerField(min_value=1)
    doc = forms.ChoiceField(choices=[("notice", "ภ.ด.ส.6/7"), ("list", "ภ.ด.ส.3")])
