"""Taxation reads for the officer's pages and documents: assessments, runs, problems, parcel shapes.

Every function takes ``org=`` and filters by it (an id typed into a URL never reaches another organisation's
rows). Assessments are read from what the run froze (input_document, provenance, result), never recomputed:
a notice must print what was assessed, whatever the registry says today.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from apps.organisations.models import Organisation
from apps.registry.domain.codes import BUILDING_TYPES, CONSTRUCTIONS, LAND_DOCUMENT_TYPES
from apps.registry.domain.units import parse_rai_ngan_wa
from apps.registry.models import Owner, Ownership, Parcel, Village
from apps.taxation.models import Assessment, AssessmentProblem, AssessmentRun
from apps.valuation.domain.values import building_valuation, condo_unit_value, land_value

CURRENT_STATUSES = (Assessment.Status.DRAFT, Assessment.Status.ISSUED)
USES = ("agriculture", "residential", "other", "vacant")
USE_LABELS = {
    "agriculture": _("Agriculture"),
    "residential": _("Residential"),
    "other": _("Other use"),
    "vacant": _("Vacant"),
}
# The rate tables of land-building-tax.md §4.2, as the engine names them.
TABLE_LABELS = {
    "A": _("Agriculture"),
    "R1": _("Residential: main house, owner of land and building (s.41 para 1)"),
    "R2": _("Residential: main house, owner of the building only (s.41 para 2)"),
    "R3": _("Residential: other"),
    "O": _("Other use"),
    "V": _("Vacant land"),
}
RESIDENCE_LABELS = {
    "main_house": _("Registered main house, owner of land and building (s.41 para 1)"),
    "building_only": _("Registered main house, owner of the building only (s.41 para 2)"),
}
# A run left "running" this long was killed with its process (server restart): it no longer blocks a new one.
STALE_RUN_HOURS = 6


# --- the assessment list ------------------------------------------------------------------------------------


def assessment_years(*, org: Organisation) -> list[int]:
    return list(
        Assessment.objects.filter(organisation=org)
        .order_by("-tax_year")
        .values_list("tax_year", flat=True)
        .distinct()
    )


def assessment_list(
    *,
    org: Organisation,
    tax_year: int,
    village_id: int | None = None,
    use: str | None = None,
    status: str | None = None,
    min_satang: int | None = None,
    max_satang: int | None = None,
    query: str = "",
) -> QuerySet[Assessment]:
    """The year's assessments (superseded versions left out unless asked for), with their taxpayer.

    The village filter reads the parcels the assessment was made from (its provenance), not today's registry.
    """
    rows = Assessment.objects.filter(organisation=org, tax_year=tax_year).select_related("owner")
    rows = rows.filter(status=status) if status else rows.filter(status__in=CURRENT_STATUSES)
    if village_id:
        rows = rows.filter(
            RawSQL(
                "EXISTS (SELECT 1 FROM jsonb_array_elements(taxation_assessment.provenance -> 'properties') p"
                " JOIN registry_parcel rp ON rp.id = (p ->> 'parcel_id')::bigint"
                " WHERE rp.village_id = %s AND rp.organisation_id = %s)",
                [village_id, org.pk],
                output_field=BooleanField(),
            )
        )
    if use:
        # jsonb containment: some line of the answer is of this use (GIN-free, but one pass over the year).
        rows = rows.filter(result__lines__contains=[{"use": use}])
    if min_satang is not None:
        rows = rows.filter(total_satang__gte=min_satang)
    if max_satang is not None:
        rows = rows.filter(total_satang__lte=max_satang)
    query = query.strip()
    if query:
        rows = rows.filter(
            Q(owner__first_name__icontains=query)
            | Q(owner__last_name__icontains=query)
            | Q(owner__id_number=query.replace("-", ""))
            | Q(input_document__properties__contains=[{"ref": query.upper()}])
        )
    return rows.order_by("owner__first_name", "owner__last_name", "owner_id", "-version")


def assessment_totals(rows: QuerySet[Assessment]) -> dict[str, int]:
    found = rows.order_by().aggregate(count=Count("id"), total_satang=Sum("total_satang"))
    return {"count": found["count"] or 0, "total_satang": found["total_satang"] or 0}


def village_choices(*, org: Organisation) -> list[tuple[int, str]]:
    return [
        (pk, f"{moo} {name}")
        for pk, moo, name in Village.objects.filter(organisation=org)
        .order_by("moo_no")
        .values_list("pk", "moo_no", "name_th")
    ]


def village_get(*, org: Organisation, pk: int) -> Village:
    return Village.objects.get(organisation=org, pk=pk)


def assessments_in_village(*, org: Organisation, tax_year: int, village_id: int) -> list[Assessment]:
    """What a batch print for one village holds: the current assessment of each taxpayer, issued first."""
    rows = assessment_list(org=org, tax_year=tax_year, village_id=village_id)
    return _one_per_owner(rows.select_related("organisation", "owner"))


def _one_per_owner(rows) -> list[Assessment]:
    chosen: dict[int, Assessment] = {}
    for row in rows:
        held = chosen.get(row.owner_id)
        if held is None or (row.status == Assessment.Status.DRAFT and held.status != Assessment.Status.DRAFT):
            chosen[row.owner_id] = row
    return list(chosen.values())


# --- one taxpayer -------------------------------------------------------------------------------------------


def assessment_get(*, org: Organisation, pk: int) -> Assessment:
    return Assessment.objects.select_related("organisation", "owner", "run").get(organisation=org, pk=pk)


def owner_get(*, org: Organisation, pk: int) -> Owner:
    return Owner.objects.get(organisation=org, pk=pk)


def taxpayer_assessments(*, org: Organisation, owner_id: int, tax_year: int) -> list[Assessment]:
    """All versions of the year, newest first; the current one (draft, else issued) is what the page shows."""
    return list(
        Assessment.objects.filter(organisation=org, owner_id=owner_id, tax_year=tax_year)
        .select_related("organisation", "issued_by")
        .order_by("-version")
    )


def current_of(versions: list[Assessment]) -> Assessment | None:
    for status in (Assessment.Status.DRAFT, Assessment.Status.ISSUED):
        for row in versions:
            if row.status == status:
                return row
    return versions[0] if versions else None


def previous_year_total(*, org: Organisation, owner_id: int, tax_year: int) -> int | None:
    rows = (
        Assessment.objects.filter(organisation=org, owner_id=owner_id, tax_year=tax_year - 1)
        .exclude(status=Assessment.Status.SUPERSEDED)
        .order_by("-version")
        .values_list("status", "total_satang")
    )
    found = None
    for status, total in rows:
        if found is None or status == Assessment.Status.ISSUED:
            found = total
    return found


@dataclass(frozen=True, slots=True)
class Holding:
    """A property the taxpayer holds in today's registry (the assessment is of 1 January)."""

    parcel_id: int
    parcel_code: str
    village: str
    what: str  # "land" or the building code
    share: str
    in_assessment: bool


def taxpayer_holdings(*, org: Organisation, owner_id: int, assessed_codes: set[str]) -> list[Holding]:
    rows = (
        Ownership.objects.filter(organisation=org, owner_id=owner_id)
        .select_related("parcel__village", "building__parcel__village", "condo_unit")
        .order_by("id")
    )
    found = []
    for row in rows:
        if row.parcel_id:
            parcel, what = row.parcel, "land"
        elif row.building_id:
            parcel, what = (
                row.building.parcel,
                f"{row.building.parcel.parcel_code}-B{row.building.building_no:03d}",
            )
        else:
            continue  # condominium units are not assessed yet (no unit price table)
        village = f"{parcel.village.moo_no} {parcel.village.name_th}" if parcel.village else ""
        found.append(
            Holding(
                parcel_id=parcel.pk,
                parcel_code=parcel.parcel_code,
                village=village,
                what=what,
                share=f"{row.share_numerator}/{row.share_denominator}",
                in_assessment=parcel.parcel_code in assessed_codes,
            )
        )
    return found


# --- the breakdown (ภ.ด.ส.7 / ภ.ด.ส.8 rows) -------------------------------------------------------------

_BUILDING_TYPE_LABELS = {code: (th, en) for code, th, en in BUILDING_TYPES}
_CONSTRUCTION_LABELS = {code: (th, en) for code, th, en in CONSTRUCTIONS}
_DOCUMENT_LABELS = {code: th for code, th, _en in LAND_DOCUMENT_TYPES}


@dataclass(slots=True)
class BuildingRow:
    code: str
    building_id: int | None
    type_code: str
    type_label: tuple[str, str]
    construction_label: tuple[str, str]
    floor_area_sqm: Decimal
    price_per_sqm: Decimal
    age_years: int
    gross_baht: Decimal
    depreciation_pct: Decimal
    depreciation_baht: Decimal
    value_baht: Decimal
    share: str


@dataclass(slots=True)
class PropertyRow:
    """One property of the assessment, with the valuation steps the sheet prints and where each came from."""

    index: int
    ref: str
    parcel_id: int | None
    parcel: Parcel | None
    village: str
    document: str
    land_area_sq_wa: Decimal | None
    land_price_per_sq_wa: Decimal | None
    land_value_baht: Decimal | None
    land_share: str
    whole_area_sq_wa: str
    price_source: str  # "parcel", "block" or ""
    block: str
    appraisal_round: str
    condo_area_sqm: Decimal | None
    condo_price_per_sqm: Decimal | None
    condo_value_baht: Decimal | None
    buildings: list[BuildingRow]
    uses: list[tuple[str, Decimal]]  # (use label, percent of the base)
    residence: str | None
    vacant_years: int
    exempt: str | None
    total_value_baht: Decimal
    lines: list[dict[str, Any]] = field(default_factory=list)
    map_svg: str = ""  # filled by the caller that drew the maps (pdfs.parcel_maps)

    @property
    def is_condo(self) -> bool:
        return self.condo_area_sqm is not None


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _area_sq_wa(area: Any) -> Decimal:
    if isinstance(area, dict):
        return _decimal(area["sq_wa"])
    return parse_rai_ngan_wa(str(area))


def assessed_parcel_ids(assessments: list[Assessment]) -> list[int]:
    return sorted(
        {
            row["parcel_id"]
            for assessment in assessments
            for row in (assessment.provenance or {}).get("properties", [])
            if row.get("parcel_id")
        }
    )


def parcels_by_id(*, org: Organisation | int, parcel_ids: list[int]) -> dict[int, Parcel]:
    """The parcels an assessment names, for document numbers and villages (one query for a whole batch)."""
    return {
        p.pk: p
        for p in Parcel.objects.filter(organisation=org, pk__in=parcel_ids)
        .select_related("village")
        .defer("geom")
    }


def assessment_breakdown(
    assessment: Assessment, *, parcels: dict[int, Parcel] | None = None
) -> list[PropertyRow]:
    """Properties of the frozen input with their valuation steps and their lines of the answer.

    Reads the JSON the run froze, plus the parcels (one query, or none when a batch passes them in).
    Valuation steps are recomputed with the valuation domain from the frozen figures for display only; the
    tax itself is never recomputed here.
    """
    document = assessment.input_document
    sources = {row.get("ref"): row for row in (assessment.provenance or {}).get("properties", [])}
    if parcels is None:
        parcels = parcels_by_id(org=assessment.organisation_id, parcel_ids=assessed_parcel_ids([assessment]))
    round_name = (assessment.provenance or {}).get("appraisal_round", "")
    rows: list[PropertyRow] = []
    for index, prop in enumerate(document.get("properties", [])):
        source = sources.get(prop.get("ref"), {})
        parcel = parcels.get(source.get("parcel_id"))
        land = prop.get("land")
        area = price = value = None
        if land:
            area, price = _area_sq_wa(land["area"]), _decimal(land["price_per_sq_wa"])
            value = land_value(area_sq_wa=area, price_per_sq_wa_baht=price)
        building_sources = source.get("buildings", [])
        buildings = []
        for b_index, building in enumerate(prop.get("buildings", [])):
            b_source = building_sources[b_index] if b_index < len(building_sources) else {}
            valuation = building_valuation(
                floor_area_sqm=_decimal(building["floor_area_sqm"]),
                price_per_sqm_baht=_decimal(building["price_per_sqm"]),
                construction=building["construction"],
                age_years=int(building["age_years"]),
            )
            type_code = b_source.get("type", "")
            buildings.append(
                BuildingRow(
                    code=b_source.get("code", str(b_index + 1)),
                    building_id=b_source.get("building_id"),
                    type_code=type_code,
                    type_label=_BUILDING_TYPE_LABELS.get(type_code, (type_code, type_code)),
                    construction_label=_CONSTRUCTION_LABELS.get(
                        building["construction"], (building["construction"],) * 2
                    ),
                    floor_area_sqm=_decimal(building["floor_area_sqm"]),
                    price_per_sqm=_decimal(building["price_per_sqm"]),
                    age_years=int(building["age_years"]),
                    gross_baht=valuation.gross_value_baht,
                    depreciation_pct=valuation.depreciation_pct,
                    depreciation_baht=valuation.depreciation_baht,
                    value_baht=valuation.value_baht,
                    share=b_source.get("share", ""),
                )
            )
        condo = prop.get("condo_unit")
        condo_area = condo_price = condo_value = None
        if condo:
            condo_area, condo_price = _decimal(condo["area_sqm"]), _decimal(condo["price_per_sqm"])
            condo_value = condo_unit_value(area_sqm=condo_area, price_per_sqm_baht=condo_price)
        weights = {use: _decimal(w) for use, w in (prop.get("uses") or {}).items() if _decimal(w) > 0}
        weight_sum = sum(weights.values(), Decimal(0))
        uses = [
            (USE_LABELS[use], (weights[use] * 100 / weight_sum).quantize(Decimal("0.01")))
            for use in USES
            if use in weights and weight_sum
        ]
        total = (
            (value or Decimal(0))
            + sum((b.value_baht for b in buildings), Decimal(0))
            + (condo_value or Decimal(0))
        )
        village = ""
        if parcel is not None and parcel.village is not None:
            village = f"{parcel.village.moo_no} {parcel.village.name_th}"
        document_text = ""
        if parcel is not None:
            document_text = " ".join(
                part
                for part in (_DOCUMENT_LABELS.get(parcel.land_document_type, ""), parcel.document_no)
                if part
            )
        rows.append(
            PropertyRow(
                index=index,
                ref=prop.get("ref", ""),
                parcel_id=source.get("parcel_id"),
                parcel=parcel,
                village=village,
                document=document_text,
                land_area_sq_wa=area,
                land_price_per_sq_wa=price,
                land_value_baht=value,
                land_share=source.get("land_share", ""),
                whole_area_sq_wa=source.get("land_area_sq_wa", ""),
                price_source=source.get("land_price_source", ""),
                block=source.get("block", ""),
                appraisal_round=round_name,
                condo_area_sqm=condo_area,
                condo_price_per_sqm=condo_price,
                condo_value_baht=condo_value,
                buildings=buildings,
                uses=uses,
                residence=RESIDENCE_LABELS.get(prop.get("residence") or "", ""),
                vacant_years=int(prop.get("vacant_years") or 0),
                exempt=prop.get("exempt"),
                total_value_baht=total,
            )
        )
    by_ref = {row.ref: row for row in rows}
    for line in labelled_lines(assessment.result):
        owner_row = by_ref.get(line["refs"][0])
        if owner_row is not None:
            owner_row.lines.append(line)
    return rows


def labelled_lines(result: dict | None) -> list[dict[str, Any]]:
    """The answer's lines with the labels a page prints (copies: the frozen answer is never touched)."""
    lines = []
    for line in (result or {}).get("lines", []):
        lines.append(
            {
                **line,
                "refs": line.get("refs") or [line.get("ref")],
                "use_label": USE_LABELS.get(line.get("use") or "", ""),
                "table_label": TABLE_LABELS.get(line.get("table") or "", line.get("table") or ""),
            }
        )
    return lines


# --- the yearly run -----------------------------------------------------------------------------------------


def run_latest(*, org: Organisation, tax_year: int) -> AssessmentRun | None:
    return (
        AssessmentRun.objects.filter(organisation=org, tax_year=tax_year)
        .select_related("started_by")
        .order_by("-started_at", "-pk")
        .first()
    )


def run_after(*, org: Organisation, tax_year: int, after_id: int) -> AssessmentRun | None:
    """The first run started after the one the page knew about (the one its button just started)."""
    return (
        AssessmentRun.objects.filter(organisation=org, tax_year=tax_year, pk__gt=after_id)
        .order_by("pk")
        .first()
    )


def run_in_progress(*, org: Organisation, tax_year: int) -> AssessmentRun | None:
    from django.utils import timezone

    since = timezone.now() - timezone.timedelta(hours=STALE_RUN_HOURS)
    return (
        AssessmentRun.objects.filter(
            organisation=org, tax_year=tax_year, status=AssessmentRun.Status.RUNNING, started_at__gte=since
        )
        .order_by("-pk")
        .first()
    )


def run_get(*, org: Organisation, pk: int) -> AssessmentRun:
    return AssessmentRun.objects.select_related("started_by").get(organisation=org, pk=pk)


def run_problems(*, run: AssessmentRun) -> QuerySet[AssessmentProblem]:
    return AssessmentProblem.objects.filter(run=run, organisation_id=run.organisation_id).order_by(
        "kind", "id"
    )


def drafts_count(*, org: Organisation, tax_year: int) -> int:
    return Assessment.objects.filter(
        organisation=org, tax_year=tax_year, status=Assessment.Status.DRAFT
    ).count()


# --- parcel shapes for the small map ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shape:
    parcel_id: int
    code: str
    rings: list[list[tuple[float, float]]]  # metres in the organisation's UTM zone
    label_at: tuple[float, float]
    is_target: bool


def parcel_map_shapes(
    *, org: Organisation, parcel_ids: list[int], around_m: float = 60.0, limit: int = 40
) -> dict[int, list[Shape]]:
    """Each parcel and its neighbours (within ``around_m`` of it) in UTM metres: one SQL statement for all.

    The neighbour search compares the stored 4326 geometry with a box around the target transformed once,
    so the GiST index on registry_parcel.geom does the work; only the few rows found are transformed.
    """
    if not parcel_ids:
        return {}
    sql = """
        WITH target AS (
            SELECT id, ST_Transform(geom, %(utm)s) AS g FROM registry_parcel
            WHERE organisation_id = %(org)s AND id = ANY(%(ids)s)
        ),
        near AS (
            SELECT t.id AS target_id, p.id, p.parcel_code, ST_Transform(p.geom, %(utm)s) AS g,
                   row_number() OVER (PARTITION BY t.id ORDER BY p.id = t.id DESC,
                       ST_Distance(ST_Transform(p.geom, %(utm)s), t.g)) AS n
            FROM target t
            JOIN registry_parcel p ON p.organisation_id = %(org)s
                AND (p.status = 'active' OR p.id = t.id)
                AND p.geom && ST_Transform(ST_Expand(t.g, %(around)s), 4326)
        )
        SELECT target_id, id, parcel_code, ST_AsGeoJSON(g, 1), ST_X(ST_PointOnSurface(g)),
               ST_Y(ST_PointOnSurface(g))
        FROM near WHERE n <= %(limit)s ORDER BY target_id, id = target_id, id
    """
    params = {"utm": org.utm_srid, "org": org.pk, "ids": list(parcel_ids), "around": around_m, "limit": limit}
    shapes: dict[int, list[Shape]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for target_id, pid, code, geojson, x, y in cursor.fetchall():
            geometry = json.loads(geojson)
            polygons = (
                geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            )
            rings = [
                [(float(px), float(py)) for px, py, *_ in ring] for polygon in polygons for ring in polygon
            ]
            shapes.setdefault(target_id, []).append(
                Shape(pid, code, rings, (float(x), float(y)), is_target=pid == target_id)
            )
    return shapes
