"""Dates Django prints in Thai through its named formats (the admin, {{ value }}) carry the B.E. year."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import formats, timezone, translation

from apps.core.buddhist_era import be_pattern


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("j F Y", r"j F \2\5\6\9"),
        ("d/m/y", r"d/m/\6\9"),
        (r"\Y Y", r"\Y \2\5\6\9"),
        ("N j, Y, P", r"N j, \2\5\6\9, P"),
    ],
)
def test_be_pattern_replaces_only_unescaped_year_characters(pattern, expected):
    assert be_pattern(pattern, 2026) == expected


def test_thai_named_formats_print_the_buddhist_year():
    with translation.override("th"):
        assert formats.localize(dt.date(2026, 1, 1)) == "1 มกราคม 2569"
        assert "2569" in Template("{{ d|date:'SHORT_DATE_FORMAT' }}").render(
            Context({"d": dt.date(2026, 1, 1)})
        )
        assert Template("{{ d|date }}").render(Context({"d": dt.date(2026, 1, 1)})) == "1 มกราคม 2569"


def test_explicit_patterns_and_english_stay_in_the_christian_era():
    with translation.override("th"):
        assert Template("{{ d|date:'Y-m-d' }}").render(Context({"d": dt.date(2026, 1, 1)})) == "2026-01-01"
    with translation.override("en"):
        assert "2026" in formats.localize(dt.date(2026, 1, 1))


def test_the_admin_history_shows_buddhist_years(client, org_admin, org):
    from apps.registry.tests.factories import ParcelFactory

    parcel = ParcelFactory(organisation=org)
    client.force_login(org_admin)
    page = client.get(f"/admin/registry/parcel/{parcel.pk}/history/", HTTP_ACCEPT_LANGUAGE="th")
    assert page.status_code == 200
    today = timezone.localdate()
    with translation.override("th"):
        month = formats.date_format(today, "F")  # the Thai month name
    assert f"{month} {today.year + 543}" in page.content.decode()
