"""What a feature must satisfy before it becomes a parcel: value parsing (Python, per row, cheap) and the
spatial and uniqueness checks (SQL over the staging table, set-based: 100,000 rows in seconds, not hours).

The rules are the registry's (apps/registry/validators.py, geometry.py), restated set-wise:
parcel code format (domain/parcel_code.py), deed area text (domain/units.py), valid polygon in EPSG:4326
inside
the organisation within ``BOUNDARY_TOLERANCE_M``, one code per organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.registry.domain import codes, owner_id, parcel_code, units
from apps.registry.models import Owner, Parcel

# Target fields of the parcel layer: (key, label, max length or None). parcel_code is the one required.
TARGET_FIELDS: tuple[tuple[str, object, int | None], ...] = (
    ("parcel_code", gettext_lazy("Parcel code (e.g. 01A001)"), None),
    ("document_no", gettext_lazy("Deed / document no."), 20),
    ("land_no", gettext_lazy("Land no."), 20),
    ("survey_page", gettext_lazy("Survey page"), 20),
    ("volume", gettext_lazy("Volume"), 20),
    ("page", gettext_lazy("Page"), 20),
    ("deed_area", gettext_lazy("Deed area (rai-ngan-wa text or square wa)"), None),
    ("house_no", gettext_lazy("Address no."), 20),
    ("road", gettext_lazy("Road"), 120),
    ("village_no", gettext_lazy("Village no. (Moo)"), None),
    ("land_use", gettext_lazy("Land use code (1-9)"), None),
    ("owner_id", gettext_lazy("Owner ID number (13 digits)"), None),
    ("owner_title", gettext_lazy("Owner title (นาย, นาง, …)"), 40),
    ("owner_first_name", gettext_lazy("Owner first name / juristic name"), 200),
    ("owner_last_name", gettext_lazy("Owner last name"), 120),
    ("owner_name", gettext_lazy("Owner full name in one column (title, first and last name)"), None),
    ("owner_share", gettext_lazy("Owner's share (1/2, or 1 for the whole parcel)"), None),
)
TARGET_KEYS = tuple(key for key, _label, _max in TARGET_FIELDS)
REQUIRED_TARGETS = ("parcel_code",)

# Column names seen in LTAX exports, consultants' files and our own exports, for a first guess of the mapping.
_SYNONYMS = {
    "parcel_code": {
        "parcel_code",
        "parcelcode",
        "pcode",
        "pcl_code",
        "code",
        "parcel",
        "parcel_id",
        "รหัสแปลง",
    },
    "document_no": {"document_no", "deed_no", "deed", "chanod", "chanode", "doc_no", "เลขโฉนด", "เลขที่เอกสาร"},
    "land_no": {"land_no", "landno", "parcel_no", "เลขที่ดิน"},
    "survey_page": {"survey_page", "surv_page", "หน้าสำรวจ"},
    "volume": {"volume", "vol", "เล่ม"},
    "page": {"page", "หน้า"},
    "deed_area": {"deed_area", "area_rnw", "rai_ngan_wa", "deed_area_sq_wa", "area_wa", "เนื้อที่"},
    "house_no": {"house_no", "houseno", "addr_no", "บ้านเลขที่"},
    "road": {"road", "road_name", "ถนน"},
    "village_no": {"village_no", "moo", "moo_no", "หมู่", "หมู่ที่"},
    "land_use": {"land_use", "use", "use_code", "landuse", "การใช้ประโยชน์"},
    "owner_name": {"owner_name", "owner", "name", "ชื่อเจ้าของ", "เจ้าของ", "ชื่อ-สกุล"},
    "owner_id": {"owner_id", "id_number", "pid", "citizen_id", "id_card", "เลขประจำตัวประชาชน", "เลขบัตร"},
    "owner_title": {"owner_title", "title", "prefix", "คำนำหน้า", "คำนำหน้าชื่อ"},
    "owner_first_name": {"owner_first_name", "first_name", "fname", "ชื่อ"},
    "owner_last_name": {"owner_last_name", "last_name", "lname", "surname", "นามสกุล"},
    "owner_share": {"owner_share", "share", "ส่วน", "สัดส่วน"},
}
# Titles written before a Thai name with no space (นายสมชาย): longest first, so นางสาว wins over นาง.
THAI_TITLES = tuple(
    sorted(
        (
            "นาย",
            "นาง",
            "นางสาว",
            "น.ส.",
            "เด็กชาย",
            "เด็กหญิง",
            "ด.ช.",
            "ด.ญ.",
            "Mr.",
            "Mrs.",
            "Ms.",
            "Miss",
        ),
        key=len,
        reverse=True,
    )
)
# Issue codes that are warnings: the feature is imported anyway.
WARNING_CODES = frozenset({"owner_without_id"})
_OWNER_ID_MESSAGES = {
    owner_id.OwnerIdErrorCode.EMPTY: gettext_lazy("The owner ID number is empty."),
    owner_id.OwnerIdErrorCode.INVALID_LENGTH: gettext_lazy("The owner ID number must have 13 digits."),
    owner_id.OwnerIdErrorCode.INVALID_FORMAT: gettext_lazy(
        "The owner ID number may contain only digits, spaces and hyphens."
    ),
    owner_id.OwnerIdErrorCode.INVALID_COMPONENT: gettext_lazy(
        "The owner ID number cannot start with this digit."
    ),
    owner_id.OwnerIdErrorCode.INVALID_CHECKSUM: gettext_lazy(
        "The check digit of the owner ID number is wrong."
    ),
}
_LAND_USE_CODES = {code for code, _th, _en in codes.LAND_USES}


def guess_field_map(source_fields: list[str]) -> dict[str, str]:
    lowered = {name.strip().lower(): name for name in source_fields}
    guess = {}
    for key in TARGET_KEYS:
        for alias in _SYNONYMS[key]:
            if alias in lowered:
                guess[key] = lowered[alias]
                break
    return guess


Problems = list[tuple[int, str, str]]  # (row in the batch, issue code, message)


@dataclass
class ParsedBatch:
    """A batch's values by staging column (None where the file gave none), and its rows' problems."""

    columns: dict[str, list]
    problems: Problems


class FeatureValues:
    """Parse the mapped values of a batch of features, column by column; problems are collected, not raised.

    Column-wise because an import parses 100,000 rows: a list comprehension per column costs a fraction of a
    dict and a function call per row. Messages that do not depend on the value are translated once.
    """

    def __init__(self, split_width: int, mapped: set[str] | None = None) -> None:
        self.split_width = split_width
        # Only the mapped fields can hold a value: 100,000 rows x 12 targets would mostly look at nothing.
        self._fields = tuple(
            (key, max_length)
            for key, _label, max_length in TARGET_FIELDS
            if key not in _SEPARATE and (mapped is None or key in mapped)
        )
        # Owners are written by ID number only. Without an ID column no feature's owner can be written: that
        # is one warning for the file (owner_names_ignored), not a warning on every feature, and the names
        # are not parsed at all.
        owner_keys = tuple(k for k in _OWNER_KEYS if mapped is None or k in mapped)
        self.owner_names_ignored = bool(owner_keys) and "owner_id" not in owner_keys
        self._owner_keys = () if self.owner_names_ignored else owner_keys
        self._messages = {code: str(message) for code, message in _FIXED_MESSAGES.items()}
        # The staging columns parse_columns fills, in its order (one COPY header serves every batch).
        self.columns = (
            "parcel_code",
            "zone_no",
            "block_letter",
            "lot_no",
            "split_no",
            *("deed_area_sq_wa" if key == "deed_area" else key for key, _max in self._fields),
            *(_OWNER_COLUMNS if self._owner_keys else ()),
        )

    def parse_columns(self, texts: dict[str, list[str]], count: int) -> ParsedBatch:
        problems: Problems = []
        columns = self._parcel_code(texts.get("parcel_code") or [""] * count, problems)
        for key, max_length in self._fields:
            values = [value.strip() for value in texts[key]]
            if key == "deed_area":
                columns["deed_area_sq_wa"] = self._each(values, _deed_area_sq_wa, "bad_deed_area", problems)
            elif key in ("village_no", "land_use"):
                columns[key] = self._each(values, _CODE_PARSERS[key], f"bad_{key}", problems)
            else:
                columns[key] = _limited(values, key, max_length, problems)
        if self._owner_keys:
            self._owners(texts, count, columns, problems)
        return ParsedBatch(columns, problems)

    def _parcel_code(self, raw: list[str], problems: Problems) -> dict[str, list]:
        split_width = self.split_width

        def parts(value: str):
            try:
                return parcel_code.parts(value.strip().upper(), split_width=split_width)
            except parcel_code.ParcelCodeError:
                return None

        parsed = [parts(value) for value in raw]
        for row in [row for row, found in enumerate(parsed) if found is None]:
            shown = raw[row].strip().upper()
            message = _("Parcel code %(code)r is not zone-block-lot like 01A001 or 01A001/1.")
            problems.append((row, "bad_parcel_code", message % {"code": shown}))
            parsed[row] = (raw[row][:32], None, "", None, None)
        columns = [list(column) for column in zip(*parsed, strict=True)] if parsed else [[], [], [], [], []]
        text, zone, block, lot, split = columns
        return {"parcel_code": text, "zone_no": zone, "block_letter": block, "lot_no": lot, "split_no": split}

    @staticmethod
    def _each(values: list[str], parse, code: str, problems: Problems) -> list:
        """Parse each non-empty value; an unreadable one is a problem and stays None."""
        out: list = [None] * len(values)
        for row, value in enumerate(values):
            if not value:
                continue
            parsed = parse(value)
            if parsed is None:
                problems.append((row, code, _BAD_VALUE_MESSAGES[code](value)))
            else:
                out[row] = parsed
        return out

    def _owners(self, texts: dict[str, list[str]], count: int, columns: dict, problems: Problems) -> None:
        keys = self._owner_keys
        for key in _OWNER_COLUMNS:
            columns[key] = [None] * count
        for row, raw_values in enumerate(zip(*(texts[key] for key in keys), strict=True)):
            out: dict = {}
            found = owner_values(dict(zip(keys, raw_values, strict=True)), out, self._messages)
            for key, value in out.items():
                columns[key][row] = value
            for code, message in found:
                problems.append((row, code, message))


def _limited(values: list[str], key: str, max_length: int | None, problems: Problems) -> list:
    out: list = [value or None for value in values]
    if max_length:
        for row in [row for row, value in enumerate(values) if len(value) > max_length]:
            problems.append((row, "value_too_long", _too_long(key, max_length)))
            out[row] = None
    return out


def _too_long(key: str, max_length: int) -> str:
    return _("%(field)s is longer than %(max)s characters.") % {"field": key, "max": max_length}


def _village_no(value: str) -> int | None:
    number = _int(value)
    return number if number is not None and 1 <= number <= 99 else None


def _land_use(value: str) -> int | None:
    number = _int(value)
    return number if number in _LAND_USE_CODES else None


_CODE_PARSERS = {"village_no": _village_no, "land_use": _land_use}
_BAD_VALUE_MESSAGES = {
    "bad_deed_area": lambda value: _(
        "Deed area %(value)r is neither rai-ngan-wa text (2-1-35.5) nor square wa."
    )
    % {"value": value},
    "bad_village_no": lambda value: _("%(field)s %(value)r is not a valid code.")
    % {"field": "village_no", "value": value},
    "bad_land_use": lambda value: _("%(field)s %(value)r is not a valid code.")
    % {"field": "land_use", "value": value},
}


_OWNER_KEYS = ("owner_id", "owner_title", "owner_first_name", "owner_last_name", "owner_name", "owner_share")
# What owner_values may put in its output: the staging table's owner columns.
_OWNER_COLUMNS = (
    "owner_id",
    "owner_type",
    "owner_title",
    "owner_first_name",
    "owner_last_name",
    "owner_name",
    "owner_share_num",
    "owner_share_den",
)
# Parsed by owner_values (or, for the parcel code, first): not by the generic per-field loop.
_SEPARATE = ("parcel_code", *_OWNER_KEYS)
OWNER_NAMES_IGNORED = gettext_lazy(
    "Owner names are mapped but the owner ID number is not: the parcels are imported without owners (an "
    "owner is written only with the 13-digit ID number). Map the ID column to import the owners too."
)
_FIXED_MESSAGES = {
    "owner_without_id": gettext_lazy("The owner has no ID number: the parcel is imported without an owner."),
    **{f"owner_id_{code}": message for code, message in _OWNER_ID_MESSAGES.items()},
}
_TITLE_RE = re.compile("|".join(re.escape(title) for title in THAI_TITLES))


def split_thai_name(full: str) -> tuple[str, str, str]:
    """(title, first, last) from one column: the title is a known prefix, the rest splits on its first space.

    ``นายสมชาย ใจดี`` → (นาย, สมชาย, ใจดี); ``นาง สมศรี มีนา`` → (นาง, สมศรี, มีนา); no title → ("", …).
    """
    text = full if full == full.strip() and "  " not in full else " ".join(full.split())
    # Longest title first (THAI_TITLES' order); a title that is the whole text is a name, not a title.
    match = _TITLE_RE.match(text)
    title = match.group() if match and match.end() < len(text) else ""
    if match and not title:
        shorter = [t for t in THAI_TITLES if text.startswith(t) and len(text) > len(t)]
        title = shorter[0] if shorter else ""
    first, _space, last = text[len(title) :].strip().partition(" ")
    return title, first, last


def owner_values(raw: dict[str, str], out: dict, messages: dict[str, str]) -> list[tuple[str, str]]:
    """Put the owner's parsed values in ``out`` (owner_* keys); return the problems, warnings by code.

    ``messages`` holds the fixed messages, translated once (FeatureValues).
    """
    problems: list[tuple[str, str]] = []
    number = (raw.get("owner_id") or "").strip()
    title = (raw.get("owner_title") or "").strip()
    first = (raw.get("owner_first_name") or "").strip()
    last = (raw.get("owner_last_name") or "").strip()
    full = (raw.get("owner_name") or "").strip()
    # A juristic person (its number starts with 0) keeps its whole name: บริษัท ทรายทอง จำกัด has no last name.
    if full and not first and number.startswith("0"):
        first = full
    elif full and not first:
        full_title, first, full_last = split_thai_name(full)
        title, last = title or full_title, last or full_last
    share = (raw.get("owner_share") or "").strip()
    if not number:
        if first or full:
            out["owner_name"] = full or " ".join(p for p in (f"{title}{first}", last) if p)
            problems.append(("owner_without_id", messages["owner_without_id"]))
        return problems
    try:
        if number.startswith("0"):
            out["owner_id"] = owner_id.validate_juristic_id(number)
            out["owner_type"] = "juristic"
        else:
            out["owner_id"] = owner_id.validate_personal_id(number)
            out["owner_type"] = "individual"
    except owner_id.OwnerIdError as exc:
        # PDPA: the number itself is never repeated in the report.
        return [*problems, ("bad_owner_id", messages[f"owner_id_{exc.code}"])]
    for key, value, max_length in (
        ("owner_title", title, 40),
        ("owner_first_name", first, 200),
        ("owner_last_name", last, 120),
    ):
        if len(value) > max_length:
            problems.append(("value_too_long", _too_long(key, max_length)))
        elif value:
            out[key] = value
    if share:
        parsed = _share(share)
        if parsed is None:
            problems.append(
                (
                    "bad_owner_share",
                    _("Share %(value)r is not a fraction between 0 and 1 like 1/2.") % {"value": share},
                )
            )
        else:
            out["owner_share_num"], out["owner_share_den"] = parsed
    return problems


def _share(text: str) -> tuple[int, int] | None:
    numerator, slash, denominator = text.replace(" ", "").partition("/")
    num = _int(numerator)
    den = _int(denominator) if slash else 1
    if num is None or den is None or not 1 <= num <= den or den > 1_000_000:
        return None
    return num, den


def _int(value: str) -> int | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() else None


def _deed_area_sq_wa(value: str) -> Decimal | None:
    if "-" in value.strip("-"):
        try:
            return units.parse_rai_ngan_wa(value)
        except (units.AreaTextError, ValueError):
            return None
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        return None
    return number.quantize(Decimal("0.01")) if number >= 0 else None


# ---------------------------------------------------------------------------------------------- SQL checks
def _issues_sql(select: str) -> str:
    return f"INSERT INTO imports_importissue (job_id, feature_no, severity, code, message) {select}"


def sql_validate(*, job, duplicated_firsts: list[int]) -> None:
    """The checks that need the registry, set-based over the job's staged features; writes ImportIssue rows.

    Geometry type, validity, lon/lat range, the organisation's area and duplicates in the file were checked
    while staging (vectorised GEOS in services._geometry_problems): the same rules, without a second pass.
    """
    org = job.organisation
    params = {"job": job.pk, "org": org.pk, "utm": org.utm_srid}
    msg = {
        "dup_file": _("The parcel code appears more than once in the file."),
        "dup_registry": _("A parcel with this code is already in the registry."),
        "overlap": _("Overlaps existing parcels (code, m²): "),
        "owner_without_name": _("The owner ID number is not in the registry and the feature gives no name."),
    }
    with transaction.atomic(), connection.cursor() as cur:
        # The spatial join's estimated cost is huge, and JIT-compiling it takes longer than running it.
        cur.execute("SET LOCAL jit = off")
        # Fresh COPYed rows have no statistics; without them the planner picks nested loops over 100k rows.
        # The joins need these two columns' statistics only (geometry statistics take three times as long;
        # the overlap check probes the registry's GiST index either way).
        cur.execute("ANALYZE imports_stagedfeature (job_id, parcel_code)")
        # Errors found here are also marked on the staged rows, at the end, when there are any.
        errors = 0
        if duplicated_firsts:
            cur.execute(
                _issues_sql(
                    "SELECT %(job)s, feature_no, 'error', 'duplicate_in_file', %(m)s "
                    "FROM unnest(%(firsts)s::int[]) AS feature_no"
                ),
                {**params, "m": msg["dup_file"], "firsts": duplicated_firsts},
            )
            errors += cur.rowcount
        cur.execute(
            _issues_sql(
                "SELECT s.job_id, s.feature_no, 'error', 'duplicate_in_registry', %(m)s "
                "FROM imports_stagedfeature s JOIN registry_parcel p "
                "ON p.organisation_id = %(org)s AND p.parcel_code = s.parcel_code WHERE s.job_id = %(job)s"
            ),
            {**params, "m": msg["dup_registry"]},
        )
        errors += cur.rowcount
        # Slivers under 1 m² are digitising noise along shared edges, not overlaps worth a warning.
        cur.execute(
            _issues_sql(
                "SELECT job_id, feature_no, 'warning', 'overlaps_existing', %(m)s || string_agg(txt, ', ') "
                "FROM (SELECT s.job_id, s.feature_no, p.parcel_code || ' (' || round(ST_Area(ST_Transform("
                "ST_Intersection(s.geom, p.geom), %(utm)s))::numeric, 1) || ')' AS txt "
                "FROM imports_stagedfeature s JOIN registry_parcel p ON p.organisation_id = %(org)s "
                "AND p.status = 'active' AND s.geom && p.geom AND ST_Intersects(s.geom, p.geom) "
                "WHERE s.job_id = %(job)s "
                "AND ST_Area(ST_Transform(ST_Intersection(s.geom, p.geom), %(utm)s)) >= 1) o "
                "GROUP BY job_id, feature_no"
            ),
            {**params, "m": msg["overlap"]},
        )
        # An ID the registry does not know yet needs a name to create the owner with.
        if "owner_id" in job.field_map:
            cur.execute(
                _issues_sql(
                    "SELECT s.job_id, s.feature_no, 'error', 'owner_without_name', %(m)s "
                    "FROM imports_stagedfeature s WHERE s.job_id = %(job)s AND s.owner_id IS NOT NULL "
                    "AND s.owner_first_name IS NULL AND NOT EXISTS (SELECT 1 FROM registry_owner o "
                    "WHERE o.organisation_id = %(org)s AND o.id_number = s.owner_id) "
                    # … unless another feature of the file names the same ID: the owner is created from it.
                    "AND NOT EXISTS (SELECT 1 FROM imports_stagedfeature n WHERE n.job_id = s.job_id "
                    "AND n.owner_id = s.owner_id AND n.owner_first_name IS NOT NULL)"
                ),
                {**params, "m": msg["owner_without_name"]},
            )
            errors += cur.rowcount
        if not errors:
            return
        cur.execute(
            "UPDATE imports_stagedfeature s SET has_error = true FROM imports_importissue i "
            "WHERE s.job_id = %(job)s AND i.job_id = s.job_id AND i.feature_no = s.feature_no "
            "AND i.severity = 'error' "
            "AND i.code IN ('duplicate_in_file', 'duplicate_in_registry', 'owner_without_name') "
            "AND NOT s.has_error",
            params,
        )


def sql_far_away_km(*, job) -> float | None:
    """When most features lie outside the organisation, how far their centre is from it (a wrong-CRS hint)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ST_Distance(ST_Centroid(ST_Collect(s.geom))::geography, o.boundary::geography) / 1000 "
            "FROM imports_stagedfeature s, organisations_organisation o "
            "WHERE s.job_id = %s AND o.id = %s AND s.geom IS NOT NULL AND NOT ST_IsEmpty(s.geom) "
            "GROUP BY o.boundary",
            [job.pk, job.organisation_id],
        )
        row = cur.fetchone()
    return float(row[0]) if row and row[0] is not None else None


def parcel_column_sql() -> dict[str, str]:
    """SQL expression for each registry_parcel column, from staging row ``s``.

    Built against Parcel._meta so a new NOT NULL column fails loudly here (and in the test) instead of in SQL.
    """
    exprs = {
        "organisation_id": "%(org)s",
        "parcel_code": "s.parcel_code",
        "zone_no": "s.zone_no",
        "block_letter": "s.block_letter",
        "lot_no": "s.lot_no",
        "split_no": "s.split_no",
        "block_id": "s.block_id",
        "village_id": "s.village_id",
        "status": "'active'",
        "land_document_type": "1",
        "deed_area_sq_wa": "s.deed_area_sq_wa",
        "geom": "ST_Multi(s.geom)",
        "area_m2": "s.area_m2",
        "geometry_source": f"'{Parcel.GeometrySource.IMPORT.value}'",
        "version": "1",
        "created_at": "now()",
        "updated_at": "now()",
        "sheet_utm2": "NULL",
        "sheet_scale": "NULL",
        # A s.8 exemption is the tax officer's decision, never a column of a surveyor's file.
        "exempt_ground": "NULL",
    }
    for name in ("document_no", "land_no", "survey_page", "volume", "page", "house_no", "road"):
        exprs[name] = f"coalesce(s.{name}, '')"
    for name in ("sheet_utm1", "sheet_utm3", "sheet_utm4"):
        exprs[name] = "''"
    columns = [f.column for f in Parcel._meta.concrete_fields if f.column != "id"]
    missing = [c for c in columns if c not in exprs]
    if missing:
        raise RuntimeError(f"imports: no value for new registry_parcel columns {missing}")
    return {c: exprs[c] for c in columns}


def owner_column_sql() -> dict[str, str]:
    """SQL expression for each registry_owner column, from staging row ``s`` (as parcel_column_sql)."""
    exprs = {
        "organisation_id": "%(org)s",
        "owner_type": "s.owner_type",
        "id_number": "s.owner_id",
        "title": "coalesce(s.owner_title, '')",
        "first_name": "s.owner_first_name",
        "last_name": "coalesce(s.owner_last_name, '')",
        "address_moo": "NULL",
        "user_id": "NULL",
    }
    for name in ("address_house_no", "address_road", "address_subdistrict", "address_district"):
        exprs[name] = "''"
    for name in ("address_province", "address_postcode", "phone"):
        exprs[name] = "''"
    columns = [f.column for f in Owner._meta.concrete_fields if f.column != "id"]
    missing = [c for c in columns if c not in exprs]
    if missing:
        raise RuntimeError(f"imports: no value for new registry_owner columns {missing}")
    return {c: exprs[c] for c in columns}
