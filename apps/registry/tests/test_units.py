"""rai-ngan-wa ⇄ square wa ⇄ m² [tax-map-and-registry.md §5; land-building-tax.md §10]."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.registry.domain.units import (
    AreaTextError,
    format_rai_ngan_wa,
    m2_to_rai_ngan_wa_text,
    m2_to_sq_wa,
    parse_rai_ngan_wa,
    rai_ngan_wa,
    rai_ngan_wa_to_sq_wa,
    sq_wa_to_m2,
)


@pytest.mark.parametrize(
    ("text", "sq_wa"),
    [
        ("2-1-35.5", Decimal("935.5")),  # the worked example of tax-map-and-registry.md §5
        ("1-2-35", Decimal("635")),  # land-building-tax.md §10
        ("1-0-00", Decimal("400")),
        ("0-0-0", Decimal("0")),
        ("0-3-99.9", Decimal("399.9")),
        ("12-0-5", Decimal("4805")),
        (" 3 - 1 - 07 ", Decimal("1307")),
    ],
)
def test_parse_rai_ngan_wa(text, sq_wa):
    assert parse_rai_ngan_wa(text) == sq_wa


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1-5-00", "ngan must be 0-3"),
        ("1-4-00", "ngan must be 0-3"),
        ("1-0-100", "below 100"),
        ("1-0-150.5", "below 100"),
        ("1-0", "not rai-ngan-wa"),
        ("-1-0-00", "not rai-ngan-wa"),
        ("1.5-0-00", "not rai-ngan-wa"),
        ("a-b-c", "not rai-ngan-wa"),
        ("", "not rai-ngan-wa"),
        ("1-0-5.", "not rai-ngan-wa"),
    ],
)
def test_parse_rai_ngan_wa_refuses(text, says):
    with pytest.raises(AreaTextError, match=says) as info:
        parse_rai_ngan_wa(text)
    assert isinstance(info.value, ValueError)


def test_parse_refuses_non_text():
    with pytest.raises(AreaTextError):
        parse_rai_ngan_wa(400)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sq_wa", "expected"),
    [
        (Decimal("0"), (0, 0, Decimal("0"))),
        (Decimal("100"), (0, 1, Decimal("0"))),
        (Decimal("1234.5"), (3, 0, Decimal("34.5"))),
        (Decimal("935.5"), (2, 1, Decimal("35.5"))),
        (Decimal("399.99"), (0, 3, Decimal("99.99"))),
    ],
)
def test_rai_ngan_wa(sq_wa, expected):
    assert rai_ngan_wa(sq_wa) == expected


@pytest.mark.parametrize(
    ("sq_wa", "text"),
    [
        (Decimal("935.5"), "2-1-35.5"),
        (Decimal("400"), "1-0-00"),
        (Decimal("405"), "1-0-05"),
        (Decimal("635"), "1-2-35"),
        (Decimal("0"), "0-0-00"),
        (Decimal("935.50"), "2-1-35.5"),
        (Decimal("1.25"), "0-0-01.25"),
        (7, "0-0-07"),
    ],
)
def test_format_rai_ngan_wa(sq_wa, text):
    assert format_rai_ngan_wa(sq_wa) == text


@pytest.mark.parametrize(
    ("rai", "ngan", "wa", "message"),
    [(0, 4, Decimal(0), "ngan"), (0, 0, Decimal(100), "square wa"), (-1, 0, Decimal(0), "rai")],
)
def test_rai_ngan_wa_to_sq_wa_ranges(rai, ngan, wa, message):
    with pytest.raises(AreaTextError, match=message):
        rai_ngan_wa_to_sq_wa(rai, ngan, wa)


@pytest.mark.parametrize(
    ("sq_wa", "m2"),
    [(Decimal("1"), Decimal("4")), (Decimal("400"), Decimal("1600")), (Decimal("935.5"), Decimal("3742.0"))],
)
def test_sq_wa_m2_both_ways(sq_wa, m2):
    assert sq_wa_to_m2(sq_wa) == m2
    assert m2_to_sq_wa(m2) == sq_wa


@pytest.mark.parametrize(
    ("m2", "places", "text"),
    [
        (Decimal("3742"), 1, "2-1-35.5"),
        (Decimal("1600"), 1, "1-0-00"),
        (Decimal("399.85"), 1, "0-1-00"),  # 99.9625 sq wa rounds up to 1 ngan
        (Decimal("2541.3"), 1, "1-2-35.3"),  # 635.325 → 635.3
        (Decimal("2541.3"), 0, "1-2-35"),
        (Decimal("2541.3"), 2, "1-2-35.33"),  # 635.325 half-up → 635.33
    ],
)
def test_m2_to_rai_ngan_wa_text(m2, places, text):
    assert m2_to_rai_ngan_wa_text(m2, wa_decimal_places=places) == text


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("NaN"), Decimal("Infinity")])
def test_conversions_refuse_negative_and_non_finite(bad):
    with pytest.raises(ValueError):
        sq_wa_to_m2(bad)


def test_conversions_refuse_float():
    with pytest.raises(TypeError):
        sq_wa_to_m2(1.5)  # type: ignore[arg-type]


@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=3),
    st.decimals(min_value=0, max_value=Decimal("99.99"), places=2),
)
def test_format_then_parse_round_trips(rai, ngan, wa):
    sq_wa = rai_ngan_wa_to_sq_wa(rai, ngan, wa)
    assert parse_rai_ngan_wa(format_rai_ngan_wa(sq_wa)) == sq_wa
    assert rai_ngan_wa(sq_wa) == (rai, ngan, wa)
