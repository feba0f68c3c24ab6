"""Tests for apps/billing/domain/thai_qr.py — municipal-services.md §5 (vectors of §5.2 are rows)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.billing.domain.thai_qr import (
    AID_BILL_PAYMENT_DOMESTIC,
    BillPaymentQr,
    QrRules,
    ThaiQrError,
    ThaiQrErrorCode,
    bill_payment_payload,
    crc16_ccitt_false,
    parse_payload,
    read_bill_payment,
)

# §5.2, verified [58].
STATIC_BILL = "00020101021130530016A00000067701011201130000000000001020412340304234553037645802TH6304E5DA"
DYNAMIC_TAX_BILL = (
    "00020101021230570016A0000006770101120115099999999999900020601A00103042569530376454071250.005802TH63040FB6"
)
PROMPTPAY_MOBILE = "00020101021129370016A0000006770101110113006681234567853037645802TH6304823E"

# The public-library vector uses a 13-character biller; real billers have 15 digits (§5.1).
LIBRARY_RULES = QrRules(biller_id_lengths=(13, 15))
BILLER = "099999999999900"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"123456789", 0x29B1),  # CRC-16/CCITT-FALSE check value (§5.1)
        (b"", 0xFFFF),  # init value, nothing shifted in
    ],
)
def test_crc16_ccitt_false(data, expected):
    assert crc16_ccitt_false(data) == expected


@pytest.mark.parametrize(
    ("kwargs", "rules", "expected"),
    [
        ({"biller_id": "0000000000001", "ref1": "1234", "ref2": "2345"}, LIBRARY_RULES, STATIC_BILL),
        ({"biller_id": BILLER, "ref1": "01A001", "ref2": "2569", "amount_satang": 125_000}, QrRules(),
         DYNAMIC_TAX_BILL),
    ],
)
def test_bill_payment_payload_matches_vectors(kwargs, rules, expected):
    assert bill_payment_payload(rules=rules, **kwargs) == expected


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (STATIC_BILL, {
            "00": "01", "01": "11",
            "30": {"00": "A000000677010112", "01": "0000000000001", "02": "1234", "03": "2345"},
            "53": "764", "58": "TH", "63": "E5DA",
        }),
        (DYNAMIC_TAX_BILL, {
            "00": "01", "01": "12",
            "30": {"00": "A000000677010112", "01": BILLER, "02": "01A001", "03": "2569"},
            "53": "764", "54": "1250.00", "58": "TH", "63": "0FB6",
        }),
        (PROMPTPAY_MOBILE, {
            "00": "01", "01": "11",
            "29": {"00": "A000000677010111", "01": "0066812345678"},
            "53": "764", "58": "TH", "63": "823E",
        }),
    ],
)
def test_parse_payload_vectors(payload, expected):
    assert parse_payload(payload) == expected


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (STATIC_BILL, BillPaymentQr(aid=AID_BILL_PAYMENT_DOMESTIC, biller_id="0000000000001", ref1="1234",
                                    ref2="2345", amount_satang=None, is_dynamic=False)),
        (DYNAMIC_TAX_BILL, BillPaymentQr(aid=AID_BILL_PAYMENT_DOMESTIC, biller_id=BILLER, ref1="01A001",
                                         ref2="2569", amount_satang=125_000, is_dynamic=True)),
    ],
)
def test_read_bill_payment_vectors(payload, expected):
    assert read_bill_payment(payload) == expected


def test_read_bill_payment_refuses_promptpay_transfer():
    with pytest.raises(ThaiQrError) as err:
        read_bill_payment(PROMPTPAY_MOBILE)
    assert err.value.code is ThaiQrErrorCode.NOT_BILL_PAYMENT


@pytest.mark.parametrize(
    ("amount_satang", "amount_text"),
    [(1, "0.01"), (100, "1.00"), (125_050, "1250.50"), (999_999_999_999, "9999999999.99")],
)
def test_amount_is_written_with_two_decimals(amount_satang, amount_text):
    payload = bill_payment_payload(biller_id=BILLER, ref1="B1", amount_satang=amount_satang)
    decoded = parse_payload(payload)
    assert decoded["54"] == amount_text
    assert decoded["01"] == "12"  # an amount makes the QR dynamic (§5.4)


def test_no_ref2_leaves_sub_tag_03_out():
    decoded = parse_payload(bill_payment_payload(biller_id=BILLER, ref1="B1"))
    assert decoded["30"] == {"00": AID_BILL_PAYMENT_DOMESTIC, "01": BILLER, "02": "B1"}
    assert decoded["01"] == "11"
    assert "54" not in decoded


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"biller_id": "0000000000001"}, ThaiQrErrorCode.BILLER_ID_INVALID),  # 13 digits under default rules
        ({"biller_id": "09999999999990A"}, ThaiQrErrorCode.BILLER_ID_INVALID),
        ({"biller_id": "0999999999999000"}, ThaiQrErrorCode.BILLER_ID_INVALID),
        # Thai digits pass str.isdigit() but are not what the bank's biller ID is.
        ({"biller_id": "๐๙๙๙๙๙๙๙๙๙๙๙๙๐๐"}, ThaiQrErrorCode.BILLER_ID_INVALID),
        ({"ref1": ""}, ThaiQrErrorCode.REF_INVALID),
        ({"ref1": "A" * 21}, ThaiQrErrorCode.REF_INVALID),
        ({"ref1": "01a001"}, ThaiQrErrorCode.REF_INVALID),  # lowercase
        ({"ref1": "01-A001"}, ThaiQrErrorCode.REF_INVALID),
        ({"ref1": "บิล1"}, ThaiQrErrorCode.REF_INVALID),
        ({"ref2": "2569 "}, ThaiQrErrorCode.REF_INVALID),
        ({"ref2": ""}, ThaiQrErrorCode.REF_INVALID),
        ({"amount_satang": 0}, ThaiQrErrorCode.AMOUNT_INVALID),
        ({"amount_satang": -100}, ThaiQrErrorCode.AMOUNT_INVALID),
        ({"amount_satang": 1250.0}, ThaiQrErrorCode.AMOUNT_INVALID),  # float money
        ({"amount_satang": True}, ThaiQrErrorCode.AMOUNT_INVALID),
        ({"amount_satang": 1_000_000_000_000}, ThaiQrErrorCode.AMOUNT_INVALID),  # tag 54 > 13 characters
    ],
)
def test_bill_payment_payload_rejects(kwargs, code):
    arguments = {"biller_id": BILLER, "ref1": "01A001", **kwargs}
    with pytest.raises(ThaiQrError) as err:
        bill_payment_payload(**arguments)
    assert err.value.code is code


def test_ref_rules_are_settings():
    rules = QrRules(ref_max_length=25, ref_pattern=r"[A-Za-z0-9-]+")
    payload = bill_payment_payload(biller_id=BILLER, ref1="bill-" + "0" * 20, rules=rules)
    assert read_bill_payment(payload).ref1 == "bill-" + "0" * 20


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (DYNAMIC_TAX_BILL.replace("1250.00", "1250.01"), ThaiQrErrorCode.CRC_MISMATCH),  # tampered amount
        (DYNAMIC_TAX_BILL[:-4] + "0FB7", ThaiQrErrorCode.CRC_MISMATCH),
        (DYNAMIC_TAX_BILL[:-8], ThaiQrErrorCode.CRC_MISSING),  # no tag 63
        (DYNAMIC_TAX_BILL[:-1], ThaiQrErrorCode.MALFORMED_TLV),  # truncated
        (DYNAMIC_TAX_BILL + "5802TH", ThaiQrErrorCode.MALFORMED_TLV),  # tag repeated after the CRC
        (DYNAMIC_TAX_BILL[:-8] + "6304" + DYNAMIC_TAX_BILL[-4:] + "5903ABC", ThaiQrErrorCode.CRC_MISSING),
        ("010211" + STATIC_BILL[6:], ThaiQrErrorCode.MALFORMED_TLV),  # tag 00 not first
        ("", ThaiQrErrorCode.MALFORMED_TLV),
        ("00X201", ThaiQrErrorCode.MALFORMED_TLV),
    ],
)
def test_parse_payload_rejects(payload, code):
    with pytest.raises(ThaiQrError) as err:
        parse_payload(payload)
    assert err.value.code is code


def test_parse_payload_accepts_lowercase_crc_and_surrounding_whitespace():
    assert parse_payload(" " + DYNAMIC_TAX_BILL[:-4] + "0fb6\n")["63"] == "0fb6"


@given(
    ref1=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=20),
    ref2=st.none() | st.text(alphabet="0123456789", min_size=1, max_size=20),
    amount_satang=st.none() | st.integers(min_value=1, max_value=999_999_999_999),
)
def test_round_trip(ref1, ref2, amount_satang):
    payload = bill_payment_payload(biller_id=BILLER, ref1=ref1, ref2=ref2, amount_satang=amount_satang)
    assert read_bill_payment(payload) == BillPaymentQr(
        aid=AID_BILL_PAYMENT_DOMESTIC, biller_id=BILLER, ref1=ref1, ref2=ref2,
        amount_satang=amount_satang, is_dynamic=amount_satang is not None,
    )
    assert payload[-4:] == payload[-4:].upper()  # CRC hex is uppercase (§5.1)
    assert payload[-8:-4] == "6304"
