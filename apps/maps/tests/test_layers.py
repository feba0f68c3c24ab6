from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.maps.layers import LAYERS, Audience, audience_for, layer_load, layers_load
from apps.organisations.models import Role

GOOD = """
title = "Parcels"
title_th = "แปลงที่ดิน"
table = "registry_parcel"
geometry = "geom"
geometry_type = "MultiPolygon"
min_zoom = 12
max_zoom = 22
max_features = 100
version_tables = ["registry_historicalparcel"]
[columns]
parcel_code = "t.parcel_code"
owner = "t.document_no"
[audiences]
public = ["parcel_code"]
member = ["parcel_code"]
tax_officer = ["parcel_code", "owner"]
[style]
kind = "fill"
color = "#112233"
"""


def _write(tmp_path: Path, text: str, name: str = "parcels.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_layers_load():
    assert {"parcels", "buildings", "roads", "streetlights", "signboards", "zones", "blocks"} <= set(LAYERS)
    # No public tile or OGC item may carry an owner's name.
    for layer in LAYERS.values():
        assert not [c for c in layer.columns_for(Audience.PUBLIC) if "owner" in c], layer.name


def test_a_good_file_loads(tmp_path):
    layer = layer_load(_write(tmp_path, GOOD))

    assert layer.name == "parcels"
    assert layer.columns_for(Audience.TAX_OFFICER) == ("parcel_code", "owner")
    assert len(layer.definition_hash) == 6


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('table = "registry_parcel"', 'table = "registry_parcel; drop table x"', "identifier"),
        ('geometry_type = "MultiPolygon"', 'geometry_type = "Blob"', "geometry_type"),
        ("max_zoom = 22", "max_zoom = 30", "max_zoom"),
        ("min_zoom = 12", "min_zoom = 23", "max_zoom"),
        ("max_features = 100", "max_features = 0", "max_features"),
        ('owner = "t.document_no"', 'owner = "t.document_no; DELETE FROM registry_parcel"', "separator"),
        ('member = ["parcel_code"]', 'member = []', "include every column"),
        ('tax_officer = ["parcel_code", "owner"]', 'tax_officer = ["parcel_code", "nope"]', "undefined"),
        ('color = "#112233"', 'color = "red"', "colour"),
        ('kind = "fill"', 'kind = "heatmap"', "style.kind"),
        ('title = "Parcels"', 'title = "Parcels"\nzoom = 3', "unknown keys"),
        ('max_features = 100', 'max_features = 100\n[', "not valid TOML"),
    ],
)
def test_a_bad_file_stops_the_start(tmp_path, old, new, message):
    assert old in GOOD
    with pytest.raises(ImproperlyConfigured, match=message):
        layer_load(_write(tmp_path, GOOD.replace(old, new)))


def test_an_empty_directory_is_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured):
        layers_load(tmp_path)


class _Membership:
    def __init__(self, role):
        self.role = role


@pytest.mark.parametrize(
    ("membership", "audience"),
    [
        (None, Audience.PUBLIC),
        (_Membership(Role.RESIDENT), Audience.PUBLIC),
        (_Membership(Role.SURVEYOR), Audience.MEMBER),
        (_Membership(Role.TAX_OFFICER), Audience.TAX_OFFICER),
        (_Membership(Role.ADMIN), Audience.TAX_OFFICER),
    ],
)
def test_audience_by_role(membership, audience):
    assert audience_for(membership) == audience
