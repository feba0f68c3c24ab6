"""Parcel, building and sign codes — shared/domain/tax-map-and-registry.md §3.1."""

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.registry.domain import parcel_code
from apps.registry.domain.parcel_code import (
    DEFAULT_SPLIT_SUFFIX_WIDTH,
    AttachedCode,
    ParcelCode,
    ParcelCodeError,
    ParcelCodeErrorCode,
    building_code,
    parse_attached_code,
    sign_code,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # §3.1 examples
        ("01A001", ParcelCode(1, "A", 1)),
        ("02B120", ParcelCode(2, "B", 120)),
        ("50A001", ParcelCode(50, "A", 1)),
        # §3.1 split suffixes seen in one LGO's data: /001, /01 and /1 are the same split
        ("01A001/001", ParcelCode(1, "A", 1, 1)),
        ("01A001/01", ParcelCode(1, "A", 1, 1)),
        ("01A001/1", ParcelCode(1, "A", 1, 1)),
        ("99Z999/999", ParcelCode(99, "Z", 999, 999)),
        # hand-typed variants
        (" 01a001 ", ParcelCode(1, "A", 1)),
        ("01-A-001", ParcelCode(1, "A", 1)),
        ("01 A 001 / 12", ParcelCode(1, "A", 1, 12)),
    ],
)
def test_parse(text, expected):
    assert ParcelCode.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", ParcelCodeErrorCode.EMPTY),
        ("   ", ParcelCodeErrorCode.EMPTY),
        ("1A001", ParcelCodeErrorCode.INVALID_FORMAT),  # zone has two digits
        ("01AA001", ParcelCodeErrorCode.INVALID_FORMAT),  # block is one letter
        ("01A01", ParcelCodeErrorCode.INVALID_FORMAT),  # lot has three digits
        ("01A0001", ParcelCodeErrorCode.INVALID_FORMAT),
        ("01ก001", ParcelCodeErrorCode.INVALID_FORMAT),  # Latin block letters only
        ("01A001/", ParcelCodeErrorCode.INVALID_FORMAT),
        ("01A001/0001", ParcelCodeErrorCode.INVALID_FORMAT),
        ("01A001-B001", ParcelCodeErrorCode.INVALID_FORMAT),  # a building code is not a parcel code
        ("00A001", ParcelCodeErrorCode.INVALID_ZONE),
        ("01A000", ParcelCodeErrorCode.INVALID_LOT),
        ("01A001/0", ParcelCodeErrorCode.INVALID_SPLIT),
        ("01A001/000", ParcelCodeErrorCode.INVALID_SPLIT),
    ],
)
def test_parse_rejects_with_stable_code(text, code):
    with pytest.raises(ParcelCodeError) as info:
        ParcelCode.parse(text)
    assert info.value.code == code
    assert isinstance(info.value, ValueError)
    assert str(info.value)  # an English message for logs and API detail


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"zone": 0, "block": "A", "lot": 1}, ParcelCodeErrorCode.INVALID_ZONE),
        ({"zone": 100, "block": "A", "lot": 1}, ParcelCodeErrorCode.INVALID_ZONE),
        ({"zone": 1, "block": "a", "lot": 1}, ParcelCodeErrorCode.INVALID_BLOCK),
        ({"zone": 1, "block": "AB", "lot": 1}, ParcelCodeErrorCode.INVALID_BLOCK),
        ({"zone": 1, "block": "", "lot": 1}, ParcelCodeErrorCode.INVALID_BLOCK),
        ({"zone": 1, "block": "A", "lot": 1000}, ParcelCodeErrorCode.INVALID_LOT),
        ({"zone": 1, "block": "A", "lot": 1, "split": 1000}, ParcelCodeErrorCode.INVALID_SPLIT),
    ],
)
def test_dataclass_checks_its_parts(kwargs, code):
    with pytest.raises(ParcelCodeError) as info:
        ParcelCode(**kwargs)
    assert info.value.code == code


def test_dataclass_is_frozen():
    code = ParcelCode(1, "A", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        code.zone = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("code", "split_width", "expected"),
    [
        (ParcelCode(1, "A", 1), 3, "01A001"),
        (ParcelCode(2, "B", 120), 3, "02B120"),
        (ParcelCode(1, "A", 1, 1), 3, "01A001/001"),
        (ParcelCode(1, "A", 1, 1), 2, "01A001/01"),
        (ParcelCode(1, "A", 1, 1), 1, "01A001/1"),
        (ParcelCode(1, "A", 1, 12), 1, "01A001/12"),  # width pads, never truncates
    ],
)
def test_to_text_pads_split_to_width(code, split_width, expected):
    assert code.to_text(split_width=split_width) == expected


def test_default_split_width_is_three_digits_per_domain_file():
    assert DEFAULT_SPLIT_SUFFIX_WIDTH == 3
    assert str(ParcelCode(1, "A", 1, 2)) == "01A001/002"


@pytest.mark.parametrize("split_width", [0, 4])
def test_to_text_rejects_silly_width(split_width):
    with pytest.raises(ParcelCodeError) as info:
        ParcelCode(1, "A", 1, 1).to_text(split_width=split_width)
    assert info.value.code == ParcelCodeErrorCode.INVALID_SPLIT_WIDTH


@pytest.mark.parametrize(
    ("text", "compact", "formatted", "formatted_width_1"),
    [
        ("01A001", "01A001", "01A001", "01A001"),
        (" 01a001/1 ", "01A001/1", "01A001/001", "01A001/1"),
        ("01-A-001/001", "01A001/001", "01A001/001", "01A001/1"),
        ("50a 001", "50A001", "50A001", "50A001"),
    ],
)
def test_stdnum_shape(text, compact, formatted, formatted_width_1):
    assert parcel_code.compact(text) == compact
    assert parcel_code.validate(text) == compact
    assert parcel_code.is_valid(text) is True
    assert parcel_code.format(text) == formatted
    assert parcel_code.format(text, split_width=1) == formatted_width_1


@pytest.mark.parametrize("text", ["", "01A01", "00A001", "A01001", "01A001/0"])
def test_is_valid_false(text):
    assert parcel_code.is_valid(text) is False


def test_validate_raises_value_error_subclass():
    with pytest.raises(ValueError, match="parcel code"):
        parcel_code.validate("XYZ")


def test_mother_and_block_id():
    code = ParcelCode.parse("01B015/2")
    assert code.mother == ParcelCode(1, "B", 15)
    assert code.block_id == "01B"  # the block id of map block layers (§3.1)
    assert code.mother.with_split(3) == ParcelCode(1, "B", 15, 3)


# --- buildings and signs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parcel", "seq", "expected_building", "expected_sign"),
    [
        ("01A001", 1, "01A001-B001", "01A001-P001"),
        ("50A001", 1, "50A001-B001", "50A001-P001"),  # §3.1 example 50A001-P001
        ("02B120", 12, "02B120-B012", "02B120-P012"),
        ("01A001/1", 3, "01A001/001-B003", "01A001/001-P003"),
    ],
)
def test_building_and_sign_codes(parcel, seq, expected_building, expected_sign):
    code = ParcelCode.parse(parcel)
    assert building_code(code, seq) == expected_building
    assert sign_code(code, seq) == expected_sign


def test_attached_code_uses_split_width():
    assert building_code(ParcelCode(1, "A", 1, 1), 1, split_width=1) == "01A001/1-B001"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01A001-B001", AttachedCode(ParcelCode(1, "A", 1), "B", 1)),
        ("50A001-P001", AttachedCode(ParcelCode(50, "A", 1), "P", 1)),
        (" 01a001/1-p002 ", AttachedCode(ParcelCode(1, "A", 1, 1), "P", 2)),
    ],
)
def test_parse_attached_code(text, expected):
    assert parse_attached_code(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", ParcelCodeErrorCode.EMPTY),
        ("01A001", ParcelCodeErrorCode.INVALID_FORMAT),
        ("01A001-X001", ParcelCodeErrorCode.INVALID_FORMAT),
        ("01A001-B01", ParcelCodeErrorCode.INVALID_FORMAT),
        ("01A001-B000", ParcelCodeErrorCode.INVALID_SEQUENCE),
        ("00A001-B001", ParcelCodeErrorCode.INVALID_ZONE),
    ],
)
def test_parse_attached_code_rejects(text, code):
    with pytest.raises(ParcelCodeError) as info:
        parse_attached_code(text)
    assert info.value.code == code


@pytest.mark.parametrize("seq", [0, 1000])
def test_building_code_rejects_sequence_out_of_range(seq):
    with pytest.raises(ParcelCodeError) as info:
        building_code(ParcelCode(1, "A", 1), seq)
    assert info.value.code == ParcelCodeErrorCode.INVALID_SEQUENCE


parcel_codes = st.builds(
    ParcelCode,
    zone=st.integers(1, 99),
    block=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    lot=st.integers(1, 999),
    split=st.none() | st.integers(1, 999),
)


@given(code=parcel_codes, split_width=st.integers(1, 3))
def test_round_trip_through_text(code, split_width):
    text = code.to_text(split_width=split_width)
    assert ParcelCode.parse(text) == code
    assert parcel_code.is_valid(text)


@given(code=parcel_codes, seq=st.integers(1, 999), kind=st.sampled_from(["B", "P"]))
def test_attached_round_trip(code, seq, kind):
    attached = AttachedCode(code, kind, seq)
    assert parse_attached_code(str(attached)) == attached


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01A001", ("01A001", 1, "A", 1, None)),
        ("99Z999", ("99Z999", 99, "Z", 999, None)),
        ("01a001", ("01A001", 1, "A", 1, None)),
        ("01-A-001", ("01A001", 1, "A", 1, None)),
        ("01A001/1", ("01A001/001", 1, "A", 1, 1)),
    ],
)
def test_parts_is_parse_and_to_text(text, expected):
    assert parcel_code.parts(text) == expected


@pytest.mark.parametrize("text", ["00A001", "01A000", "01A0001", "", "1A001", "01AA001"])
def test_parts_refuses_what_parse_refuses(text):
    with pytest.raises(ParcelCodeError):
        parcel_code.parts(text)


@given(st.from_regex(r"[0-9]{2}[A-Za-z][0-9]{3}(/[0-9]{1,3})?", fullmatch=True))
def test_parts_agrees_with_parse(text):
    try:
        code = ParcelCode.parse(text)
    except ParcelCodeError:
        with pytest.raises(ParcelCodeError):
            parcel_code.parts(text)
        return
    assert parcel_code.parts(text, split_width=2) == (
        code.to_text(split_width=2), code.zone, code.block, code.lot, code.split
    )
