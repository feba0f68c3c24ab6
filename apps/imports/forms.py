from django import forms
from django.utils.translation import gettext_lazy as _

from . import crs, exporters
from .validation import TARGET_FIELDS

ENCODING_CHOICES = [
    ("", _("As detected")),
    ("cp874", _("Thai TIS-620 / Windows-874")),
    ("utf-8", "UTF-8"),
    ("cp1252", _("Western (Windows-1252)")),
]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Zipped Shapefile, GeoPackage, GeoJSON, KML/KMZ, DXF, or CSV or Excel .xlsx (WKT, lon/lat or "
            "UTM columns)."
        ),
    )


class ConfigureForm(forms.Form):
    layer = forms.ChoiceField(label=_("Layer in the file"), required=False)
    source_srid = forms.TypedChoiceField(
        label=_("Coordinate system"), coerce=int, choices=[(s, label) for s, label in crs.OFFERED_SRIDS]
    )
    encoding = forms.ChoiceField(label=_("Text encoding"), choices=ENCODING_CHOICES, required=False)
    make_valid = forms.BooleanField(label=_("Repair invalid rings (make valid)"), required=False)

    def __init__(self, *args, job, fields: list[str] | None = None, **kwargs):
        # ``fields``: the columns of the layer being configured, when it is not the one inspected on upload.
        super().__init__(*args, **kwargs)
        info = job.inspection
        self.fields["layer"].choices = [(name, name) for name in info["layers"]]
        detected = info.get("detected_srid")
        if detected and detected not in crs.ACCEPTED_SRIDS:
            self.fields["source_srid"].choices = [
                (detected, _("As stated in the file (EPSG:%(srid)s)") % {"srid": detected}),
                *self.fields["source_srid"].choices,
            ]
        columns = [("", _("— not in the file —"))] + [(f, f) for f in (fields or info["fields"])]
        for key, label, _max in TARGET_FIELDS:
            self.fields[f"map_{key}"] = forms.ChoiceField(
                label=label, choices=columns, required=key == "parcel_code"
            )

    def field_map(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"map_{key}") or "" for key, _l, _m in TARGET_FIELDS}

    def mapping_fields(self):
        return [self[f"map_{key}"] for key, _l, _m in TARGET_FIELDS]


class CommitForm(forms.Form):
    skip_invalid = forms.BooleanField(label=_("Leave out the features with errors"), required=False)


class ExportForm(forms.Form):
    layer = forms.ChoiceField(label=_("Layer"), choices=[(k, v.label) for k, v in exporters.LAYERS.items()])
    fmt = forms.ChoiceField(label=_("Format"), choices=[(k, v[2]) for k, v in exporters.FORMATS.items()])
    srid = forms.TypedChoiceField(
        label=_("Coordinate system"),
        coerce=int,
        initial=4326,
        choices=[(s, label) for s, label in crs.OFFERED_SRIDS],
    )
    encoding = forms.ChoiceField(
        label=_("Shapefile text encoding"),
        choices=[("cp874", _("Thai TIS-620 (LTAX, older desktop GIS)")), ("utf-8", "UTF-8")],
    )
    village_no = forms.IntegerField(
        label=_("Only village no. (Moo)"), required=False, min_value=1, max_value=99
    )
    land_use = forms.IntegerField(label=_("Only land-use code"), required=False, min_value=1, max_value=9)

    def clean(self):
        data = super().clean()
        if data.get("fmt") == "kml" and data.get("srid") not in (None, 4326):
            self.add_error("srid", _("KML is always WGS 84 longitude/latitude (EPSG:4326)."))
        return data
