"""Owner ID numbers — shared/domain/municipal-services.md §7.

Every number here is made up (the domain file's example or built with the check digit); never a real ID.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.registry.domain.owner_id import (
    OwnerIdError,
    OwnerIdErrorCode,
    format_id,
    is_valid_juristic_id,
    is_valid_personal_id,
    make_valid_personal_id,
    validate_juristic_id,
    validate_personal_id,
)


def domain_file_check_digit(prefix12: str) -> str:
    """§7 written out independently: weights 13…2, check = (11 - sum mod 11) mod 10."""
    total = sum(int(digit) * weight for digit, weight in zip(prefix12, range(13, 1, -1), strict=True))
    return str((11 - total % 11) % 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234567890121", "1234567890121"),  # §7 example, verified there
        ("1-2345-67890-12-1", "1234567890121"),
        (" 1 2345 67890 12 1 ", "1234567890121"),
        ("1101700123456", "1101700123456"),
        ("3-1001-00000-00-6", "3100100000006"),
        ("5000000000010", "5000000000010"),
        ("8000000000006", "8000000000006"),
    ],
)
def test_validate_personal_id(text, expected):
    assert validate_personal_id(text) == expected
    assert is_valid_personal_id(text) is True


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", OwnerIdErrorCode.EMPTY),
        ("  ", OwnerIdErrorCode.EMPTY),
        ("1234567890122", OwnerIdErrorCode.INVALID_CHECKSUM),  # last digit changed
        ("1234567890211", OwnerIdErrorCode.INVALID_CHECKSUM),  # two digits swapped
        ("2134567890121", OwnerIdErrorCode.INVALID_CHECKSUM),
        ("123456789012", OwnerIdErrorCode.INVALID_LENGTH),
        ("12345678901211", OwnerIdErrorCode.INVALID_LENGTH),
        ("12345678901a1", OwnerIdErrorCode.INVALID_FORMAT),
        ("1234567890.21", OwnerIdErrorCode.INVALID_FORMAT),  # 13 characters, but a dot is not a digit
        ("0105560000018", OwnerIdErrorCode.INVALID_COMPONENT),  # a juristic number is not a personal ID
        ("9000000000003", OwnerIdErrorCode.INVALID_COMPONENT),
    ],
)
def test_validate_personal_id_rejects(text, code):
    with pytest.raises(OwnerIdError) as info:
        validate_personal_id(text)
    assert info.value.code == code
    assert isinstance(info.value, ValueError)
    assert "personal ID" in str(info.value)
    assert text.strip() == "" or text not in str(info.value)  # PDPA: the number is never echoed
    assert is_valid_personal_id(text) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0105560000018", "0105560000018"),
        ("0-10-5-560-00001-8", "0105560000018"),  # DBD grouping
        ("0-1055-60000-01-8", "0105560000018"),  # ID-card grouping
        ("0994000000006", "0994000000006"),  # 099: government bodies and other juristic persons
        ("0107537000505", "0107537000505"),
    ],
)
def test_validate_juristic_id(text, expected):
    assert validate_juristic_id(text) == expected
    assert is_valid_juristic_id(text) is True


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", OwnerIdErrorCode.EMPTY),
        ("0105560000019", OwnerIdErrorCode.INVALID_CHECKSUM),
        ("1234567890121", OwnerIdErrorCode.INVALID_COMPONENT),  # a personal ID is not a juristic number
        ("010556000001", OwnerIdErrorCode.INVALID_LENGTH),
        ("01055600000x8", OwnerIdErrorCode.INVALID_FORMAT),
    ],
)
def test_validate_juristic_id_rejects(text, code):
    with pytest.raises(OwnerIdError) as info:
        validate_juristic_id(text)
    assert info.value.code == code
    assert "juristic" in str(info.value)
    assert is_valid_juristic_id(text) is False


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("1234567890121", "id_card", "1-2345-67890-12-1"),
        (" 1 2345 67890 12 1", "id_card", "1-2345-67890-12-1"),
        ("0105560000018", "id_card", "0-1055-60000-01-8"),
        ("0105560000018", "dbd", "0-10-5-560-00001-8"),
        ("0-10-5-560-00001-8", "id_card", "0-1055-60000-01-8"),
    ],
)
def test_format_id(text, style, expected):
    assert format_id(text, style=style) == expected


@pytest.mark.parametrize(
    ("text", "style", "code"),
    [
        ("1234567890122", "id_card", OwnerIdErrorCode.INVALID_CHECKSUM),
        ("1234567890121", "dbd", OwnerIdErrorCode.INVALID_COMPONENT),  # DBD grouping is for juristic numbers
        ("12345", "id_card", OwnerIdErrorCode.INVALID_LENGTH),
    ],
)
def test_format_id_refuses_unchecked_numbers(text, style, code):
    with pytest.raises(OwnerIdError) as info:
        format_id(text, style=style)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("prefix12", "expected"),
    [
        ("123456789012", "1234567890121"),
        ("110170012345", "1101700123456"),
        ("310010000000", "3100100000006"),
        ("199000000000", "1990000000001"),
    ],
)
def test_make_valid_personal_id(prefix12, expected):
    assert make_valid_personal_id(prefix12) == expected


@pytest.mark.parametrize(
    ("prefix12", "code"),
    [
        ("12345678901", OwnerIdErrorCode.INVALID_LENGTH),
        ("1234567890123", OwnerIdErrorCode.INVALID_LENGTH),
        ("12345678901a", OwnerIdErrorCode.INVALID_FORMAT),
        ("๑23456789012", OwnerIdErrorCode.INVALID_FORMAT),  # Thai digit: str.isdigit() alone would accept it
        ("012345678901", OwnerIdErrorCode.INVALID_COMPONENT),
        ("912345678901", OwnerIdErrorCode.INVALID_COMPONENT),
    ],
)
def test_make_valid_personal_id_rejects(prefix12, code):
    with pytest.raises(OwnerIdError) as info:
        make_valid_personal_id(prefix12)
    assert info.value.code == code


@given(prefix12=st.from_regex(r"[1-8][0-9]{11}", fullmatch=True))
def test_generated_ids_validate_and_match_the_domain_formula(prefix12):
    number = make_valid_personal_id(prefix12)
    assert number[:12] == prefix12
    assert number[12] == domain_file_check_digit(prefix12)
    assert validate_personal_id(format_id(number)) == number


@given(prefix12=st.from_regex(r"[1-8][0-9]{11}", fullmatch=True), wrong=st.integers(1, 9))
def test_any_wrong_check_digit_is_caught(prefix12, wrong):
    number = make_valid_personal_id(prefix12)
    bad = number[:12] + str((int(number[12]) + wrong) % 10)
    assert is_valid_personal_id(bad) is False
