from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .domain import owner_id, parcel_code, units


def validate_owner_id_number(owner_type: str, id_number: str) -> None:
    """A person's ID has a check digit; a juristic person's 13-digit number has its own (python-stdnum)."""
    if owner_type == "juristic":
        ok = owner_id.is_valid_juristic_id(id_number)
        message = _("This is not a valid 13-digit juristic person number.")
    else:
        ok = owner_id.is_valid_personal_id(id_number)
        message = _("This is not a valid Thai ID number: the check digit does not match.")
    if not ok:
        raise ValidationError({"id_number": message}, code="invalid_id")


def validate_parcel_code_fields(parcel) -> None:
    """The formatted code and its stored parts (zone, block, lot, split) must say the same thing.

    A code typed by a person wins: its parts are filled from it. Only parts given: the code is formatted.
    """
    width = parcel.organisation.parcel_split_suffix_width if parcel.organisation_id else None
    width = width or parcel_code.DEFAULT_SPLIT_SUFFIX_WIDTH
    try:
        if parcel.parcel_code:
            code = parcel_code.ParcelCode.parse(parcel.parcel_code)
        else:
            code = parcel_code.ParcelCode(
                zone=parcel.zone_no or 0,
                block=parcel.block_letter or "",
                lot=parcel.lot_no or 0,
                split=parcel.split_no,
            )
    except parcel_code.ParcelCodeError:
        raise ValidationError(
            {
                "parcel_code": _(
                    "A parcel code is zone (2 digits), block (A-Z) and lot (3 digits), e.g. 01A001 "
                    "or 01A001/1."
                )
            },
            code="invalid_parcel_code",
        ) from None
    parcel.parcel_code = code.to_text(split_width=width)
    parcel.zone_no, parcel.block_letter, parcel.lot_no, parcel.split_no = (
        code.zone,
        code.block,
        code.lot,
        code.split,
    )


def parse_deed_area(text: str, *, field: str = "deed_area"):
    """Deed area typed as rai-ngan-wa text ("2-1-35.5") → total square wa, or a ValidationError."""
    try:
        return units.parse_rai_ngan_wa(text)
    except units.AreaTextError:
        raise ValidationError(
            {
                field: _(
                    "Write the area as rai-ngan-square wa, e.g. 2-1-35.5 (ngan 0-3, square wa below 100)."
                )
            },
            code="invalid_area_text",
        ) from None
