"""The form of the tax map sheet page: a scale, a paper size, and one of a block, a sheet name, a point."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.registry.domain.map_sheet import MapSheetError, parse_cadastral_sheet
from apps.registry.models import TaxMapBlock

from . import sheets
from .sheet_export import SheetRequest, org_utm_zone

# Setting name: the paper the form starts with (A3 fits an office printer; A1 is the plotter sheet).
SHEET_PAPER_SETTING = "GIS_PORTAL_SHEET_PAPER"
_NUMBER_PAIR = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,;\s]\s*(-?\d+(?:\.\d+)?)\s*$")


def default_paper() -> str:
    paper = str(getattr(settings, SHEET_PAPER_SETTING, "A3") or "A3").upper()
    return paper if paper in sheets.PAPER_SIZES_MM else "A3"


def parse_centre(text: str, *, utm_zone: int) -> tuple[float, float]:
    """``"16.74, 103.175"`` (latitude, longitude as map apps copy them) or ``"305000, 1851000"`` (easting,
    northing in the organisation's WGS 84 / UTM zone) → (lon, lat)."""
    match = _NUMBER_PAIR.match(text or "")
    if match is None:
        raise ValidationError(_("Give two numbers: latitude, longitude or easting, northing."), code="centre")
    first, second = float(match[1]), float(match[2])
    if abs(first) <= 90 and abs(second) <= 180:
        return second, first
    if 100_000 <= first < 900_000 and 0 <= second < 10_000_000:
        return sheets.grid_to_lonlat(sheets.sheet_grid("utm", utm_zone=utm_zone), first, second)
    raise ValidationError(_("Give two numbers: latitude, longitude or easting, northing."), code="centre")


class SheetForm(forms.Form):
    scale = forms.TypedChoiceField(
        label=_("Scale"), coerce=int, choices=[(1000, "1:1,000"), (4000, "1:4,000")], initial=1000
    )
    paper = forms.ChoiceField(
        label=_("Paper"),
        choices=[("A3", _("A3 landscape (office printer)")), ("A1", _("A1 landscape (plotter)"))],
    )
    # An integer, not a choice: a block id outside this organisation must reach the view and answer 404
    # (as every other object of another organisation does), not "not a valid choice".
    block = forms.IntegerField(label=_("Block"), required=False, min_value=1, widget=forms.Select)
    sheet_name = forms.CharField(
        label=_("Land Department sheet"),
        required=False,
        max_length=30,
        help_text=_("A 1:4,000 sheet name such as 5642 III 0448; drawn on the Indian 1975 grid."),
    )
    centre = forms.CharField(
        label=_("Centre point"),
        required=False,
        max_length=60,
        help_text=_("Latitude, longitude (16.74, 103.175) or easting, northing in the UTM zone."),
    )
    grid = forms.ChoiceField(
        label=_("Grid"),
        choices=[
            ("utm", _("WGS 84 / UTM (GPS)")),
            ("indian1975", _("Indian 1975 / UTM (Land Department sheets)")),
        ],
        initial="utm",
        help_text=_("A Land Department sheet is always drawn on its own Indian 1975 grid."),
    )

    def __init__(self, *args, org: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["paper"].initial = default_paper()
        blocks = TaxMapBlock.objects.filter(organisation=org).select_related("zone")
        self.fields["block"].widget.choices = [("", "—")] + [(b.pk, b.code) for b in blocks]

    def clean_sheet_name(self) -> str:
        text = self.cleaned_data.get("sheet_name", "").strip()
        if text:
            try:
                parse_cadastral_sheet(text)
            except MapSheetError:
                raise ValidationError(
                    _("%(text)s is not a sheet name like 5642 III 0448."), code="sheet", params={"text": text}
                ) from None
        return text

    def clean_centre(self) -> tuple[float, float] | None:
        text = self.cleaned_data.get("centre", "").strip()
        return parse_centre(text, utm_zone=org_utm_zone(self.org)) if text else None

    def clean(self):
        data = super().clean()
        given = [name for name in ("block", "sheet_name", "centre") if data.get(name)]
        if len(given) != 1:
            raise ValidationError(
                _("Choose one of: a block, a Land Department sheet, or a centre point."), code="one_of"
            )
        return data

    def sheet_request(self) -> SheetRequest:
        data = self.cleaned_data
        return SheetRequest(
            scale=data["scale"],
            paper=data["paper"],
            grid=data["grid"],
            block_id=data.get("block"),
            sheet_name=data.get("sheet_name") or None,
            centre_lonlat=data.get("centre"),
        )


def sheet_error_message(exc: sheets.SheetError) -> str:
    """The user's-language text of a SheetError (sheets.py is pure and speaks English only)."""
    params = exc.params
    messages = {
        "too_many_pages": _(
            "That needs %(pages)s pages (at most %(limit)s). Choose the 1:4,000 scale, A1 paper, a block "
            "or a centre point."
        ),
        "outside": _("%(title)s lies outside the organisation's area."),
        "no_such_sheet": _("No 1:4,000 sheet is named %(sheet)s: check the quarter (I-IV) and the digits."),
        "subsheet": _("Sub-sheets such as %(sheet)s cannot be printed yet: give the 1:4,000 sheet name."),
        "invalid_sheet": _("%(sheet)s is not a sheet name like 5642 III 0448."),
        "nothing": _("Choose one of: a block, a Land Department sheet, or a centre point."),
    }
    template = messages.get(exc.code)
    return str(template) % params if template is not None else str(exc)
