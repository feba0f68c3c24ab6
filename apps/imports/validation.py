"""What a feature must satisfy before it becomes a parcel: value parsing (Python, per row, cheap) and the
spatial and uniqueness checks (SQL over the staging table, set-based: 100,000 rows in seconds, not hours).

The rules are the registry's (apps/registry/validators.py, geometry.py), restated set-wise:
parcel code format (domain/parcel_code.py), deed area text (domain/units.py), valid polygon in EPSG:4326
inside
the organisation within ``BOUNDARY_TOLERANCE_M``, one code per organisation.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.registry.domain import codes, parcel_code, units
from apps.registry.models import Parcel

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
    ("owner_name", gettext_lazy("Owner name (shown in the report only)"), None),
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
    "owner_name": {"owner_name", "owner", "name", "ชื่อเจ้าของ", "เจ้าของ"},
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


class FeatureValues:
    """Parse one feature's mapped values; collects (code, message) problems instead of raising."""

    def __init__(self, split_width: int, mapped: set[str] | None = None) -> None:
        self.split_width = split_width
        # Only the mapped fields can hold a value: 100,000 rows x 12 targets would mostly look at nothing.
        self._fields = tuple(
            (key, max_length)
            for key, _label, max_length in TARGET_FIELDS
            if key != "parcel_code" and (mapped is None or key in mapped)
        )

    def parse(self, raw: dict[str, str]) -> tuple[dict, parcel_code.ParcelCode | None, list[tuple[str, str]]]:
        problems: list[tuple[str, str]] = []
        out: dict[str, object] = {}
        code = None
        text = (raw.get("parcel_code") or "").strip().upper()
        try:
            code = parcel_code.ParcelCode.parse(text)
        except parcel_code.ParcelCodeError:
            problems.append(
                (
                    "bad_parcel_code",
                    _("Parcel code %(code)r is not zone-block-lot like 01A001 or 01A001/1.") % {"code": text},
                )
            )
        for key, max_length in self._fields:
            value = (raw.get(key) or "").strip()
            if not value:
                continue
            if max_length and len(value) > max_length:
                problems.append(
                    (
                        "value_too_long",
                        _("%(field)s is longer than %(max)s characters.") % {"field": key, "max": max_length},
                    )
                )
                continue
            if key == "deed_area":
                parsed = _deed_area_sq_wa(value)
                if parsed is None:
                    problems.append(
                        (
                            "bad_deed_area",
                            _("Deed area %(value)r is neither rai-ngan-wa text (2-1-35.5) nor square wa.")
                            % {"value": value},
                        )
                    )
                    continue
                out["deed_area_sq_wa"] = str(parsed)
            elif key in ("village_no", "land_use"):
                number = _int(value)
                valid = number is not None and (
                    1 <= number <= 99 if key == "village_no" else number in _LAND_USE_CODES
                )
                if not valid:
                    problems.append(
                        (
                            f"bad_{key}",
                            _("%(field)s %(value)r is not a valid code.") % {"field": key, "value": value},
                        )
                    )
                    continue
                out[key] = number
            else:
                out[key] = value
        return out, code, problems


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
    }
    with connection.cursor() as cur:
        # Fresh COPYed rows have no statistics; without them the planner picks nested loops over 100k rows.
        cur.execute("ANALYZE imports_stagedfeature")
        if duplicated_firsts:
            cur.execute(
                _issues_sql(
                    "SELECT %(job)s, feature_no, 'error', 'duplicate_in_file', %(m)s "
                    "FROM unnest(%(firsts)s::int[]) AS feature_no"
                ),
                {**params, "m": msg["dup_file"], "firsts": duplicated_firsts},
            )
        cur.execute(
            _issues_sql(
                "SELECT s.job_id, s.feature_no, 'error', 'duplicate_in_registry', %(m)s "
                "FROM imports_stagedfeature s JOIN registry_parcel p "
                "ON p.organisation_id = %(org)s AND p.parcel_code = s.parcel_code WHERE s.job_id = %(job)s"
            ),
            {**params, "m": msg["dup_registry"]},
        )
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
        cur.execute(
            "UPDATE imports_stagedfeature s SET has_error = true FROM imports_importissue i "
            "WHERE s.job_id = %(job)s AND i.job_id = s.job_id AND i.feature_no = s.feature_no "
            "AND i.severity = 'error' AND i.code IN ('duplicate_in_file', 'duplicate_in_registry') "
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
    """SQL expression for each registry_parcel column, from staging row ``s``, block ``b`` and village ``v``.

    Built against Parcel._meta so a new NOT NULL column fails loudly here (and in the test) instead of in SQL.
    """
    exprs = {
        "organisation_id": "%(org)s",
        "parcel_code": "s.parcel_code",
        "zone_no": "s.zone_no",
        "block_letter": "s.block_letter",
        "lot_no": "s.lot_no",
        "split_no": "s.split_no",
        "block_id": "b.id",
        "village_id": "v.id",
        "status": "'active'",
        "land_document_type": "1",
        "deed_area_sq_wa": "(s.values->>'deed_area_sq_wa')::numeric",
        "geom": "ST_Multi(s.geom)",
        "area_m2": "round(ST_Area(ST_Transform(s.geom, %(utm)s))::numeric, 2)",
        "geometry_source": f"'{Parcel.GeometrySource.IMPORT.value}'",
        "version": "1",
        "created_at": "now()",
        "updated_at": "now()",
        "sheet_utm2": "NULL",
        "sheet_scale": "NULL",
    }
    for name in ("document_no", "land_no", "survey_page", "volume", "page", "house_no", "road"):
        exprs[name] = f"coalesce(s.values->>'{name}', '')"
    for name in ("sheet_utm1", "sheet_utm3", "sheet_utm4"):
        exprs[name] = "''"
    columns = [f.column for f in Parcel._meta.concrete_fields if f.column != "id"]
    missing = [c for c in columns if c not in exprs]
    if missing:
        raise RuntimeError(f"imports: no value for new registry_parcel columns {missing}")
    return {c: exprs[c] for c in columns}
