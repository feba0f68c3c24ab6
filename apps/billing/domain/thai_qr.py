"""Thai QR Payment — EMVCo merchant-presented payload for PromptPay bill payment (tag 30).

Source: shared/domain/municipal-services.md §5 (structure §5.1, test vectors §5.2, app rules §5.4).
The payload is TLV objects (2-digit tag, 2-digit decimal length, value); tag 00 first, tag 63 (CRC) last.
No Django import: this module is pure and is called by the billing services and by the bank-file reader.

Public API:
    bill_payment_payload(*, biller_id, ref1, ref2=None, amount_satang=None, rules=DEFAULT_QR_RULES) -> str
    parse_payload(text) -> dict            TLV decode (templates as nested dicts) + CRC check
    read_bill_payment(text) -> BillPaymentQr   the tag-30 fields of a payload, amount in satang
    crc16_ccitt_false(data) -> int
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

# §5.1 root tags and fixed values.
TAG_PAYLOAD_FORMAT = "00"
TAG_POINT_OF_INITIATION = "01"
TAG_PROMPTPAY = "29"
TAG_BILL_PAYMENT = "30"
TAG_CURRENCY = "53"
TAG_AMOUNT = "54"
TAG_COUNTRY = "58"
TAG_CRC = "63"

PAYLOAD_FORMAT_EMV = "01"
# §5.1/§5.4: "11" static (reusable) when no amount, "12" dynamic (one bill, exact amount). The two
# bill-payment vectors of §5.2 follow the same pairing (static without amount, dynamic with 1250.00).
INITIATION_STATIC = "11"
INITIATION_DYNAMIC = "12"
CURRENCY_THB = "764"
COUNTRY_TH = "TH"

AID_BILL_PAYMENT_DOMESTIC = "A000000677010112"
AID_BILL_PAYMENT_CROSS_BORDER = "A000000677012006"
BILL_PAYMENT_AIDS = frozenset({AID_BILL_PAYMENT_DOMESTIC, AID_BILL_PAYMENT_CROSS_BORDER})

# Sub-tags of the tag-30 template (§5.1).
SUB_AID = "00"
SUB_BILLER_ID = "01"
SUB_REF1 = "02"
SUB_REF2 = "03"

# EMVCo tag 54 is at most 13 characters ("9999999999.99").
MAX_AMOUNT_SATANG = 999_999_999_999


def _is_template_tag(tag: str) -> bool:
    # EMVCo: 26-51 merchant account templates (29 PromptPay, 30 bill payment, 31 bank), 62 additional data,
    # 64 language template, 80-99 unreserved templates (80 = TQRC VAT extension in §5.1).
    number = int(tag)
    return 26 <= number <= 51 or number in (62, 64) or 80 <= number <= 99


class ThaiQrErrorCode(StrEnum):
    BILLER_ID_INVALID = "biller_id_invalid"
    REF_INVALID = "ref_invalid"
    AMOUNT_INVALID = "amount_invalid"
    MALFORMED_TLV = "malformed_tlv"
    CRC_MISSING = "crc_missing"
    CRC_MISMATCH = "crc_mismatch"
    NOT_BILL_PAYMENT = "not_bill_payment"


class ThaiQrError(ValueError):
    """Bad input to the builder or a bad payload; `code` lets the API layer pick a translated message."""

    def __init__(self, message: str, *, code: ThaiQrErrorCode) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class QrRules:
    """Choices §5 leaves to the bank's bill-payment agreement (all UNCONFIRMED until the อบต.'s bank answers).

    biller_id_lengths: §5.1 says 15 digits (13-digit tax ID + 2-digit suffix). The public-library vector
        of §5.2 uses a 13-character biller, so tests that replay it pass (13, 15).
    ref_max_length: §5.1 "code seen in the wild accepts 1-20 characters for ref 1"; applied to ref 2 too.
    ref_pattern: allowed characters of ref 1 / ref 2. Not stated in §5; uppercase letters and digits is
        what Thai banks' bill-payment statement files commonly carry, and enough for a bill number (§5.4).
    """

    biller_id_lengths: tuple[int, ...] = (15,)
    ref_max_length: int = 20
    ref_pattern: str = r"[A-Z0-9]+"
    aid: str = AID_BILL_PAYMENT_DOMESTIC


DEFAULT_QR_RULES = QrRules()


@dataclass(frozen=True, slots=True)
class BillPaymentQr:
    """The tag-30 content of a payload, as a reader of a bank file or of a printed bill needs it."""

    aid: str
    biller_id: str
    ref1: str
    ref2: str | None
    amount_satang: int | None
    is_dynamic: bool


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR (§5.1; check 0x29B1)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        # Two decimal digits of length is all the grammar has room for (§5.1).
        raise ThaiQrError(f"value of tag {tag} is longer than 99 characters",
                          code=ThaiQrErrorCode.MALFORMED_TLV)
    return f"{tag}{len(value):02d}{value}"


def _with_crc(body: str) -> str:
    # §5.1: the CRC covers the whole payload including the characters "6304" of its own header.
    head = body + TAG_CRC + "04"
    return head + f"{crc16_ccitt_false(head.encode('utf-8')):04X}"


def _validate_biller_id(biller_id: str, rules: QrRules) -> None:
    if not (biller_id.isascii() and biller_id.isdigit() and len(biller_id) in rules.biller_id_lengths):
        lengths = " or ".join(str(n) for n in rules.biller_id_lengths)
        raise ThaiQrError(f"biller_id must be {lengths} digits, got {biller_id!r}",
                          code=ThaiQrErrorCode.BILLER_ID_INVALID)


def _validate_ref(name: str, ref: str, rules: QrRules) -> None:
    if not 1 <= len(ref) <= rules.ref_max_length:
        raise ThaiQrError(f"{name} must be 1-{rules.ref_max_length} characters, got {len(ref)}",
                          code=ThaiQrErrorCode.REF_INVALID)
    if re.fullmatch(rules.ref_pattern, ref) is None:
        raise ThaiQrError(f"{name} {ref!r} has characters outside {rules.ref_pattern}",
                          code=ThaiQrErrorCode.REF_INVALID)


def _format_amount(amount_satang: int) -> str:
    # bool is an int subclass; True must not become a 0.01-baht bill.
    if isinstance(amount_satang, bool) or not isinstance(amount_satang, int):
        raise ThaiQrError("amount_satang must be an int (satang), never float or Decimal baht",
                          code=ThaiQrErrorCode.AMOUNT_INVALID)
    if not 0 < amount_satang <= MAX_AMOUNT_SATANG:
        raise ThaiQrError(f"amount_satang must be 1..{MAX_AMOUNT_SATANG}, got {amount_satang}",
                          code=ThaiQrErrorCode.AMOUNT_INVALID)
    baht, satang = divmod(amount_satang, 100)
    return f"{baht}.{satang:02d}"


def bill_payment_payload(
    *,
    biller_id: str,
    ref1: str,
    ref2: str | None = None,
    amount_satang: int | None = None,
    rules: QrRules = DEFAULT_QR_RULES,
) -> str:
    """Thai QR bill-payment payload (tag 30) for one bill.

    With an amount the QR is dynamic ("12"), as §5.4 asks for each bill; without one it is static ("11").
    Tag order follows the §5.2 vectors: 00, 01, 30, 53, 54, 58, 63.
    """
    _validate_biller_id(biller_id, rules)
    _validate_ref("ref1", ref1, rules)
    if ref2 is not None:
        _validate_ref("ref2", ref2, rules)

    merchant = _tlv(SUB_AID, rules.aid) + _tlv(SUB_BILLER_ID, biller_id) + _tlv(SUB_REF1, ref1)
    if ref2 is not None:
        merchant += _tlv(SUB_REF2, ref2)

    body = _tlv(TAG_PAYLOAD_FORMAT, PAYLOAD_FORMAT_EMV)
    body += _tlv(TAG_POINT_OF_INITIATION, INITIATION_STATIC if amount_satang is None else INITIATION_DYNAMIC)
    body += _tlv(TAG_BILL_PAYMENT, merchant)
    body += _tlv(TAG_CURRENCY, CURRENCY_THB)
    if amount_satang is not None:
        body += _tlv(TAG_AMOUNT, _format_amount(amount_satang))
    body += _tlv(TAG_COUNTRY, COUNTRY_TH)
    return _with_crc(body)


def _decode_tlv(text: str, *, where: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        header = text[pos : pos + 4]
        if len(header) < 4 or not (header.isascii() and header.isdigit()):
            raise ThaiQrError(f"bad TLV header {header!r} at position {pos} of {where}",
                              code=ThaiQrErrorCode.MALFORMED_TLV)
        tag, length = header[:2], int(header[2:])
        value = text[pos + 4 : pos + 4 + length]
        if len(value) != length:
            raise ThaiQrError(f"tag {tag} of {where} says {length} characters, only {len(value)} left",
                              code=ThaiQrErrorCode.MALFORMED_TLV)
        if tag in fields:
            raise ThaiQrError(f"tag {tag} repeated in {where}", code=ThaiQrErrorCode.MALFORMED_TLV)
        fields[tag] = value
        pos += 4 + length
    return fields


def parse_payload(text: str) -> dict[str, str | dict[str, str]]:
    """Decode a payload into {tag: value}; template tags (26-51, 62, 64, 80-99) become {sub-tag: value}.

    Raises ThaiQrError when the TLV grammar is broken, tag 00 is not first, tag 63 is not last, or the CRC
    does not match. Hex digits of the CRC are compared case-insensitively: the builder writes uppercase
    (§5.1), but a reader of other people's payloads should not reject a lowercase one that is otherwise right.
    """
    text = text.strip()
    root = _decode_tlv(text, where="payload")
    tags = list(root)
    if not tags or tags[0] != TAG_PAYLOAD_FORMAT:
        raise ThaiQrError("tag 00 (payload format) must come first", code=ThaiQrErrorCode.MALFORMED_TLV)
    if tags[-1] != TAG_CRC or len(root[TAG_CRC]) != 4:
        raise ThaiQrError("tag 63 (CRC, 4 hex digits) must come last", code=ThaiQrErrorCode.CRC_MISSING)
    expected = f"{crc16_ccitt_false(text[:-4].encode('utf-8')):04X}"
    if root[TAG_CRC].upper() != expected:
        raise ThaiQrError(f"CRC is {root[TAG_CRC]}, payload computes to {expected}",
                          code=ThaiQrErrorCode.CRC_MISMATCH)

    decoded: dict[str, str | dict[str, str]] = {}
    for tag, value in root.items():
        decoded[tag] = _decode_tlv(value, where=f"tag {tag}") if _is_template_tag(tag) else value
    return decoded


def _parse_amount(text: str) -> int:
    try:
        amount_baht = Decimal(text)
    except InvalidOperation:
        raise ThaiQrError(f"amount {text!r} is not a number", code=ThaiQrErrorCode.AMOUNT_INVALID) from None
    amount_satang = amount_baht * 100
    if amount_satang != amount_satang.to_integral_value() or amount_satang < 0:
        raise ThaiQrError(f"amount {text!r} is not a whole number of satang",
                          code=ThaiQrErrorCode.AMOUNT_INVALID)
    return int(amount_satang)


def read_bill_payment(text: str) -> BillPaymentQr:
    """The bill-payment fields of a payload (CRC checked by parse_payload)."""
    decoded = parse_payload(text)
    merchant = decoded.get(TAG_BILL_PAYMENT)
    if not isinstance(merchant, dict) or merchant.get(SUB_AID) not in BILL_PAYMENT_AIDS:
        raise ThaiQrError("payload has no tag-30 bill-payment template",
                          code=ThaiQrErrorCode.NOT_BILL_PAYMENT)
    if SUB_BILLER_ID not in merchant or SUB_REF1 not in merchant:
        raise ThaiQrError("bill-payment template lacks biller ID or reference 1",
                          code=ThaiQrErrorCode.NOT_BILL_PAYMENT)
    amount = decoded.get(TAG_AMOUNT)
    return BillPaymentQr(
        aid=merchant[SUB_AID],
        biller_id=merchant[SUB_BILLER_ID],
        ref1=merchant[SUB_REF1],
        ref2=merchant.get(SUB_REF2),
        amount_satang=_parse_amount(amount) if isinstance(amount, str) else None,
        is_dynamic=decoded.get(TAG_POINT_OF_INITIATION) == INITIATION_DYNAMIC,
    )
