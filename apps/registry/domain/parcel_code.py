"""Tax-map parcel codes: zone + block + lot, e.g. ``01A001``, with an optional split suffix ``01A001/1``.

Source: shared/domain/tax-map-and-registry.md §3.1 (and §2.6: store the parts as separate columns).

- zone (โซน): two digits, 01…99; block (บล็อก): one Latin capital letter; lot (ลำดับที่แปลง): three digits,
  001…999; written without separators.
- a subdivided parcel keeps its mother's code plus ``/n``; the width of ``n`` is local practice (``/001``,
  ``/01`` and ``/1`` all occur in one LGO's data), so parsing accepts 1-3 digits and formatting pads to a
  per-organisation width (``DEFAULT_SPLIT_SUFFIX_WIDTH``, UNCONFIRMED nationally).
- buildings and signs hang off the parcel code as ``<parcel>-B<nnn>`` and ``<parcel>-P<nnn>`` (one LGO's
  convention, §3.1); these are display codes, never our primary keys.

The module follows python-stdnum's shape: ``compact``, ``validate``, ``is_valid``, ``format``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

# §3.1: "one LGO uses /001" — the only width seen as a deliberate rule; /01 and /1 occur as well.
# UNCONFIRMED nationally: an organisation setting should override it.
DEFAULT_SPLIT_SUFFIX_WIDTH = 3

# §3.1 suggested regex (from observed data, UNCONFIRMED as a DLA rule).
_PARCEL_RE = re.compile(r"(?P<zone>\d{2})(?P<block>[A-Z])(?P<lot>\d{3})(?:/(?P<split>\d{1,3}))?")
# Already canonical without a split suffix (zone 01-99, lot 001-999): what nearly every row of a file holds.
_CANONICAL_RE = re.compile(r"(?!00)\d{2}[A-Z](?!000)\d{3}")
_ATTACHED_RE = re.compile(r"(?P<parcel>.+)-(?P<kind>[BP])(?P<seq>\d{3})")

AttachedKind = Literal["B", "P"]
BUILDING: AttachedKind = "B"
SIGN: AttachedKind = "P"


class ParcelCodeErrorCode(StrEnum):
    EMPTY = "empty"
    INVALID_FORMAT = "invalid_format"
    INVALID_ZONE = "invalid_zone"
    INVALID_BLOCK = "invalid_block"
    INVALID_LOT = "invalid_lot"
    INVALID_SPLIT = "invalid_split"
    INVALID_SPLIT_WIDTH = "invalid_split_width"
    INVALID_SEQUENCE = "invalid_sequence"


class ParcelCodeError(ValueError):
    """Bad parcel, building or sign code. ``code`` is stable for APIs and imports; the message is English."""

    def __init__(self, code: ParcelCodeErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


def _check_split_width(split_width: int) -> None:
    if not 1 <= split_width <= 3:
        raise ParcelCodeError(
            ParcelCodeErrorCode.INVALID_SPLIT_WIDTH, f"Split suffix width must be 1 to 3, not {split_width}."
        )


@dataclass(frozen=True, slots=True)
class ParcelCode:
    zone: int
    block: str
    lot: int
    split: int | None = None

    def __post_init__(self) -> None:
        # Zones, blocks and lots are numbered from 01 / A / 001 on the master map (§3.1); 00, 000 never occur.
        if not 1 <= self.zone <= 99:
            raise ParcelCodeError(
                ParcelCodeErrorCode.INVALID_ZONE, f"Zone must be 01 to 99, not {self.zone}."
            )
        if len(self.block) != 1 or not "A" <= self.block <= "Z":
            raise ParcelCodeError(
                ParcelCodeErrorCode.INVALID_BLOCK,
                f"Block must be one capital letter A to Z, not {self.block!r}.",
            )
        if not 1 <= self.lot <= 999:
            raise ParcelCodeError(ParcelCodeErrorCode.INVALID_LOT, f"Lot must be 001 to 999, not {self.lot}.")
        if self.split is not None and not 1 <= self.split <= 999:
            raise ParcelCodeError(
                ParcelCodeErrorCode.INVALID_SPLIT, f"Split suffix must be 1 to 999, not {self.split}."
            )

    @classmethod
    def parse(cls, text: str) -> ParcelCode:
        """Read ``01A001``, ``01a001``, ``01-A-001``, ``01A001/01``…; raises ParcelCodeError."""
        number = compact(text)
        if not number:
            raise ParcelCodeError(ParcelCodeErrorCode.EMPTY, "The parcel code is empty.")
        match = _PARCEL_RE.fullmatch(number)
        if match is None:
            raise ParcelCodeError(
                ParcelCodeErrorCode.INVALID_FORMAT,
                f"{text!r} is not a parcel code like 01A001 or 01A001/1 (zone, block letter, lot).",
            )
        split = match["split"]
        return cls(
            zone=int(match["zone"]),
            block=match["block"],
            lot=int(match["lot"]),
            split=None if split is None else int(split),
        )

    @property
    def mother(self) -> ParcelCode:
        """The code without its split suffix (the parcel this one was split from)."""
        return ParcelCode(self.zone, self.block, self.lot)

    @property
    def block_id(self) -> str:
        """Zone + block as used in map block layers, e.g. ``01B`` (§3.1)."""
        return f"{self.zone:02d}{self.block}"

    def with_split(self, split: int) -> ParcelCode:
        return ParcelCode(self.zone, self.block, self.lot, split)

    def to_text(self, *, split_width: int = DEFAULT_SPLIT_SUFFIX_WIDTH) -> str:
        _check_split_width(split_width)
        base = f"{self.zone:02d}{self.block}{self.lot:03d}"
        if self.split is None:
            return base
        return f"{base}/{self.split:0{split_width}d}"

    def __str__(self) -> str:
        return self.to_text()


def compact(number: str) -> str:
    """Minimal form: no surrounding or inner spaces, no hyphens, block letter upper-cased.

    Hyphens go because hand-typed lists write ``01-A-001``; that is why building/sign codes are parsed by
    ``parse_attached_code`` and not by this module's ``validate``.
    """
    return "".join(number.split()).replace("-", "").upper()


Parts = tuple[str, int, str, int, "int | None"]


def parts(number: str, *, split_width: int = DEFAULT_SPLIT_SUFFIX_WIDTH) -> Parts:
    """(canonical text, zone, block, lot, split) of a code; raises ParcelCodeError.

    The same answer as ``ParcelCode.parse(number)`` and ``to_text``, with a shortcut for codes already in
    canonical form, because an import reads 100,000 of them in a row.
    """
    if _CANONICAL_RE.fullmatch(number):
        return number, int(number[:2]), number[2], int(number[3:]), None
    code = ParcelCode.parse(number)
    return code.to_text(split_width=split_width), code.zone, code.block, code.lot, code.split


def validate(number: str) -> str:
    """Return the compact code if valid (split suffix kept as typed), else raise ParcelCodeError."""
    ParcelCode.parse(number)
    return compact(number)


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except ParcelCodeError:
        return False
    return True


# Shadows the builtin on purpose: python-stdnum's module shape (STYLE.md §1).
def format(number: str, *, split_width: int = DEFAULT_SPLIT_SUFFIX_WIDTH) -> str:
    """Canonical display form: ``01a001/1`` → ``01A001/001`` with the default width."""
    return ParcelCode.parse(number).to_text(split_width=split_width)


# --- buildings and signs (§3.1: <parcel>-B<nnn>, <parcel>-P<nnn>) ------------------------------------------


@dataclass(frozen=True, slots=True)
class AttachedCode:
    """A building (``B``) or sign (``P``, ป้าย) display code hanging off a parcel code."""

    parcel: ParcelCode
    kind: AttachedKind
    seq: int

    def __post_init__(self) -> None:
        if self.kind not in (BUILDING, SIGN):
            raise ParcelCodeError(
                ParcelCodeErrorCode.INVALID_FORMAT, f"Kind must be 'B' or 'P', not {self.kind!r}."
            )
        if not 1 <= self.seq <= 999:
            raise ParcelCodeError(
                ParcelCodeErrorCode.INVALID_SEQUENCE,
                f"Building/sign number must be 001 to 999, not {self.seq}.",
            )

    def to_text(self, *, split_width: int = DEFAULT_SPLIT_SUFFIX_WIDTH) -> str:
        return f"{self.parcel.to_text(split_width=split_width)}-{self.kind}{self.seq:03d}"

    def __str__(self) -> str:
        return self.to_text()


def building_code(parcel: ParcelCode, seq: int, *, split_width: int = DEFAULT_SPLIT_SUFFIX_WIDTH) -> str:
    """``building_code(ParcelCode.parse("01A001"), 1)`` → ``01A001-B001``."""
    return AttachedCode(parcel, BUILDING, seq).to_text(split_width=split_width)


def sign_code(parcel: ParcelCode, seq: int, *, split_width: int = DEFAULT_SPLIT_SUFFIX_WIDTH) -> str:
    """``sign_code(ParcelCode.parse("50A001"), 1)`` → ``50A001-P001``."""
    return AttachedCode(parcel, SIGN, seq).to_text(split_width=split_width)


def parse_attached_code(text: str) -> AttachedCode:
    """Read ``01A001-B001`` / ``01a001/1-p002``; raises ParcelCodeError."""
    cleaned = "".join(text.split()).upper()
    if not cleaned:
        raise ParcelCodeError(ParcelCodeErrorCode.EMPTY, "The building or sign code is empty.")
    match = _ATTACHED_RE.fullmatch(cleaned)
    if match is None:
        raise ParcelCodeError(
            ParcelCodeErrorCode.INVALID_FORMAT,
            f"{text!r} is not a building or sign code like 01A001-B001 or 01A001-P001.",
        )
    kind: AttachedKind = BUILDING if match["kind"] == "B" else SIGN
    return AttachedCode(ParcelCode.parse(match["parcel"]), kind, int(match["seq"]))
