"""Imports write here: create (upload + inspect) → configure → validate (stage) → commit → undo.

Staging uses COPY and validation runs in SQL (validation.py), so a 100,000-parcel GeoPackage never becomes
100,000 Django objects; commit is ``INSERT … SELECT`` inside one transaction with history rows written the
same
way (simple_history's table, set-based), and undo deletes exactly the rows the job's link table names.
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.copy import QueuedLibpqWriter
from pyproj import Transformer

from apps.organisations.models import Organisation
from apps.registry.geometry import BOUNDARY_TOLERANCE_M
from apps.registry.models import LandUse, Owner, Ownership, Parcel, TaxMapBlock, Village

from . import crs as crs_mod
from . import geometry, readers, validation
from .models import ImportIssue, ImportJob, StagedFeature
from .readers import ImportRejected

logger = logging.getLogger(__name__)
S = ImportJob.Status
BATCH_FEATURES = 20_000
_POLYGON_TYPES = (3, 6)  # shapely type ids of Polygon and MultiPolygon
_TYPE_NAMES = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


class ImportRefused(Exception):
    """An action the job's state does not allow; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def imports_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def job_dir(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / Path(job.stored_path).parent


# ------------------------------------------------------------------------------------------- create
def _safe_filename(name: str) -> str:
    base = Path(name).name.replace("\x00", "")
    keep = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in base)
    return keep[-120:] or "upload"


def job_create(
    *, org: Organisation, user, original_name: str, chunks, size_bytes: int | None = None
) -> ImportJob:
    """Store an upload (streamed, capped) and inspect it. A refused file leaves no row and no file behind."""
    if size_bytes is not None:
        readers.check_upload_size(size_bytes)
    folder = imports_root() / str(org.pk) / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / _safe_filename(original_name)
    try:
        size = readers.store_stream(chunks, stored)
        dataset, driver = readers.find_dataset(stored, folder)
        source = readers.open_source(dataset, driver)
        inspection = readers.inspect(source)
    except ImportRejected:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        logger.exception("import inspection crashed", extra={"organisation_id": org.pk})
        raise ImportRejected(_("We could not read this file as map data."), "unreadable") from None
    media = Path(settings.MEDIA_ROOT)
    inspection["dataset"] = str(dataset.relative_to(media))
    inspection["field_map_guess"] = validation.guess_field_map(inspection["fields"])
    return ImportJob.objects.create(
        organisation=org,
        created_by=user,
        original_name=Path(original_name).name[:255],
        stored_path=str(stored.relative_to(media)),
        size_bytes=size,
        file_format=driver,
        source_layer=inspection["layer"] or "",
        source_srid=inspection["detected_srid"],
        encoding=inspection["encoding"],
        field_map=inspection["field_map_guess"],
        inspection=inspection,
    )


def job_create_from_path(*, org: Organisation, user, path: Path) -> ImportJob:
    readers.check_upload_size(path.stat().st_size)

    def chunks():
        with path.open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                yield chunk

    return job_create(org=org, user=user, original_name=path.name, chunks=chunks())


def job_discard(*, job: ImportJob) -> None:
    """Forget an import that was never committed: its row, staging, report and stored file."""
    if job.status in (S.COMMITTED, S.COMMITTING, S.QUEUED_COMMIT):
        raise ImportRefused(_("A written import is undone, not discarded."))
    folder = job_dir(job)
    job.delete()
    if folder.is_relative_to(imports_root()):
        shutil.rmtree(folder, ignore_errors=True)


def _source(job: ImportJob, *, layer: str | None = None, encoding: str | None = None) -> readers.Source:
    dataset = Path(settings.MEDIA_ROOT) / job.inspection["dataset"]
    return readers.open_source(
        dataset,
        job.file_format,
        layer=layer or job.source_layer or None,
        encoding=encoding or job.encoding or None,
    )


def job_preview(*, job: ImportJob, layer: str | None = None, encoding: str | None = None) -> dict:
    """Re-read the first rows with another layer or encoding, so the user can see Thai text come out right."""
    return readers.inspect(_source(job, layer=layer, encoding=encoding))


# ------------------------------------------------------------------------------------------- configure
def job_configure(
    *,
    job: ImportJob,
    source_srid: int | None,
    field_map: dict[str, str],
    layer: str | None = None,
    encoding: str | None = None,
    make_valid: bool = False,
) -> ImportJob:
    if job.status not in (S.UPLOADED, S.VALIDATED, S.FAILED):
        raise ImportRefused(_("This import can no longer be changed."))
    srid = source_srid or job.inspection.get("detected_srid")
    if srid is None:
        raise ImportRefused(_("The file does not say which coordinate system it uses: choose one."))
    if srid not in crs_mod.ACCEPTED_SRIDS and srid != job.inspection.get("detected_srid"):
        raise ImportRefused(_("EPSG:%(srid)s is not a coordinate system we convert.") % {"srid": srid})
    inspection = (
        job_preview(job=job, layer=layer, encoding=encoding) if (layer or encoding) else job.inspection
    )
    field_map = {k: v for k, v in field_map.items() if v}
    unknown_targets = set(field_map) - set(validation.TARGET_KEYS)
    unknown_sources = set(field_map.values()) - set(inspection["fields"])
    if unknown_targets or unknown_sources:
        raise ImportRefused(
            _("Unknown fields in the mapping: %(names)s")
            % {"names": ", ".join(sorted(unknown_targets | unknown_sources))}
        )
    missing = [t for t in validation.REQUIRED_TARGETS if t not in field_map]
    if missing:
        raise ImportRefused(_("Choose the column that holds the parcel code."))
    job.source_srid = srid
    job.transformation = crs_mod.to_storage(srid).description[:500]
    job.source_layer = inspection["layer"] or ""
    job.encoding = inspection["encoding"] or ""
    job.field_map = field_map
    job.make_valid = make_valid
    job.status = S.QUEUED_VALIDATE
    job.message = ""
    job.progress_done = 0
    job.progress_total = inspection["feature_count"]
    job.save()
    return job


# ------------------------------------------------------------------------------------------- validate
def _to_storage(geoms: np.ndarray, to_storage: crs_mod.ToStorage, *, driver: str) -> np.ndarray:
    # Most files are plain 2D already, and force_2d would copy every geometry anyway.
    if (shapely.has_z(geoms) | shapely.has_m(geoms)).any():
        geoms = shapely.force_2d(geoms)
    if driver == "DXF":
        # CAD parcels are closed polylines; they are polygons in all but name.
        types = shapely.get_type_id(geoms)
        closed = np.isin(types, (1, 2)) & np.array([g is not None and g.is_closed for g in geoms], dtype=bool)
        for i in np.flatnonzero(closed):
            if len(geoms[i].coords) >= 4:
                geoms[i] = shapely.Polygon(geoms[i].coords)
    transformer = to_storage.transformer
    if transformer is not None:
        geoms = shapely.transform(
            geoms, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
        )
    return geoms


@dataclass
class _Checks:
    """State carried across batches: the organisation's area (prepared once) and the codes seen so far."""

    area: object
    inside_grid: geometry.InsideGrid
    block_ids: dict[tuple[int, str], int]  # (zone no., block letter) -> the registry's block
    village_ids: dict[int, int]  # Moo -> the registry's village
    make_valid: bool
    org_name: str
    to_utm: Transformer
    first_feature_of_code: dict[str, int] = field(default_factory=dict)
    duplicated_firsts: set[int] = field(default_factory=set)

    @classmethod
    def for_job(cls, job: ImportJob) -> _Checks:
        # The boundary widened by the registry's tolerance, in lon/lat; prepared so 100k tests stay cheap.
        with connection.cursor() as cur:
            cur.execute(
                "SELECT ST_AsBinary(ST_Transform(ST_Buffer(ST_Transform(boundary, %s), %s), 4326)) "
                "FROM organisations_organisation WHERE id = %s",
                [job.organisation.utm_srid, BOUNDARY_TOLERANCE_M, job.organisation_id],
            )
            area = shapely.from_wkb(bytes(cur.fetchone()[0]))
        shapely.prepare(area)
        to_utm = Transformer.from_crs(4326, job.organisation.utm_srid, always_xy=True)
        org = job.organisation
        blocks = TaxMapBlock.objects.filter(organisation=org).values_list(
            "zone__zone_no", "block_letter", "pk"
        )
        return cls(
            area=area,
            inside_grid=geometry.InsideGrid.of(area),
            block_ids={(zone, letter): pk for zone, letter, pk in blocks},
            village_ids=dict(Village.objects.filter(organisation=org).values_list("moo_no", "pk")),
            make_valid=job.make_valid,
            org_name=job.organisation.name_th,
            to_utm=to_utm,
        )


def _polygonal(geom):
    """make_valid may return a collection with lines or points: keep its polygons as one MultiPolygon."""
    parts = [
        p for p in shapely.get_parts(shapely.make_valid(geom)) if p.geom_type in ("Polygon", "MultiPolygon")
    ]
    polygons = [q for p in parts for q in (p.geoms if p.geom_type == "MultiPolygon" else [p])]
    return shapely.MultiPolygon(polygons) if polygons else shapely.MultiPolygon()


def _geometry_problems(geoms: np.ndarray, checks: _Checks) -> tuple[np.ndarray, dict[int, list]]:
    """Vectorised GEOS checks (type, lon/lat, validity, inside the organisation); may repair geometries."""
    msg_none = ("error", "no_geometry", _("The feature has no boundary."))
    msg_lonlat = (
        "error",
        "not_lonlat",
        _("The coordinates are not longitude/latitude after conversion: is the CRS right?"),
    )
    outside = _("The boundary lies outside %(organisation)s.") % {"organisation": checks.org_name}
    msg_outside = ("error", "outside_organisation", outside)
    problems: dict[int, list] = {}
    types = shapely.get_type_id(geoms)
    bounds = shapely.bounds(geoms)
    with np.errstate(invalid="ignore"):
        lonlat = (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180) & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90)
    polygon = np.isin(types, _POLYGON_TYPES)
    empty = ~polygon | shapely.is_empty(geoms)
    for i in np.flatnonzero((types == -1) | (polygon & empty)):
        problems.setdefault(int(i), []).append(msg_none)
    for i in np.flatnonzero((types != -1) & ~polygon):
        name = _TYPE_NAMES.get(int(types[i]), "?")
        text = _("A parcel must be a polygon; this feature is a %(type)s.") % {"type": name}
        problems.setdefault(int(i), []).append(("error", "not_polygon", text))
    usable = polygon & ~empty
    for i in np.flatnonzero(usable & ~lonlat):
        problems.setdefault(int(i), []).append(msg_lonlat)
    usable &= lonlat
    valid = np.zeros(len(geoms), dtype=bool)
    valid[usable] = shapely.is_valid(geoms[usable])
    for i in np.flatnonzero(usable & ~valid):
        reason = shapely.is_valid_reason(geoms[i])
        if checks.make_valid:
            geoms[i] = _polygonal(geoms[i])
            text = _("The boundary was not a valid polygon and was repaired: %(reason)s") % {"reason": reason}
            problems.setdefault(int(i), []).append(("warning", "repaired_geometry", text))
            if geoms[i].is_empty:
                problems[int(i)].append(("error", "empty_geometry", _("The boundary is empty after repair.")))
                continue
            valid[i] = True
        else:
            text = _("The boundary is not a valid polygon: %(reason)s") % {"reason": reason}
            problems.setdefault(int(i), []).append(("error", "invalid_geometry", text))
    checked = usable & valid
    # GEOS is asked only about features near the edge; make_valid keeps a repair within its bounding box.
    inside = np.ones(len(geoms), dtype=bool)
    near_edge = checked & ~checks.inside_grid.holds(bounds)
    inside[near_edge] = shapely.covered_by(geoms[near_edge], checks.area)
    for i in np.flatnonzero(checked & ~inside):
        problems.setdefault(int(i), []).append(msg_outside)
    keep = usable & valid
    return keep, problems


# COPY's text format: NULL is \N, and backslash, tab, newline and carriage return are escaped. PostgreSQL
# text cannot hold NUL, which DBF padding sometimes leaves in a value: it is dropped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": ""})


def _copy_field(values: list, *, text: bool) -> list[str]:
    """One column as COPY text fields. Text is escaped only when the column holds something to escape."""
    if not text:
        return ["\\N" if value is None else str(value) for value in values]
    present = "\x1f".join(filter(None, values))
    if any(ch in present for ch in "\\\t\n\r\x00"):
        return ["\\N" if value is None else value.translate(_COPY_ESCAPES) for value in values]
    return ["\\N" if value is None else value for value in values]


def _copy_block(columns: list[tuple[list, bool]]) -> str:
    """Rows given column by column, each (values, holds text), as one block of COPY text: no per-value
    adaptation in Python."""
    fields = [_copy_field(values, text=text) for values, text in columns]
    return "\n".join(map("\t".join, zip(*fields, strict=True))) + "\n"


_STAGED_HEAD = ("job_id", "feature_no", "geom", "area_m2", "block_id", "village_id")
# Staging columns that hold the file's text (escaped for COPY when needed); the others are numbers or codes.
_TEXT_COLUMNS = frozenset(
    field.column
    for field in StagedFeature._meta.concrete_fields
    if field.get_internal_type() in ("CharField", "TextField")
)
_ISSUE_COLUMNS = ("job_id", "feature_no", "severity", "code", "message")


def _stage_batch(job, start, geoms, columns, to_storage, parser, checks: _Checks, issues: list) -> str:
    """Check one batch; return its staging rows as COPY text and add its problems to ``issues``."""
    count = len(geoms)
    geoms = _to_storage(geoms, to_storage, driver=job.file_format)
    keep, problems_by_row = _geometry_problems(geoms, checks)
    hexes = np.full(count, None, dtype=object)
    if keep.any():
        # Plain WKB: PostGIS gives a geometry without SRID the column's (4326). Binary WKB and bytes.hex take
        # a quarter of the time of GEOS's own hex writer.
        hexes[keep] = [wkb.hex() for wkb in shapely.to_wkb(geoms[keep])]
    texts = {target: readers.texts(columns[source]) for target, source in job.field_map.items()}
    parsed = parser.parse_columns(texts, count)
    for row, code, message in parsed.problems:
        problems_by_row.setdefault(row, []).append(
            ("warning" if code in validation.WARNING_CODES else "error", code, message)
        )
    # Duplicates within the file: the first feature of a code is flagged at the end (sql_validate), when it
    # is known to have a twin in a later batch too.
    msg_duplicate = _("The parcel code appears more than once in the file.")
    first_feature_of_code = checks.first_feature_of_code
    codes = zip(parsed.columns["parcel_code"], parsed.columns["zone_no"], strict=True)
    for row, (code, zone) in enumerate(codes):
        if zone is None:  # not a parcel code: reported already
            continue
        first = first_feature_of_code.setdefault(code, start + row + 1)
        if first != start + row + 1:
            problems_by_row.setdefault(row, []).append(("error", "duplicate_in_file", msg_duplicate))
            checks.duplicated_firsts.add(first)
    # The report is read in feature order (ImportIssue.Meta.ordering), so rows are written as they come.
    has_error = ["f"] * count
    for row, found in problems_by_row.items():
        for severity, code, message in found:
            if severity == "error":
                has_error[row] = "t"
            issues.append((start + row + 1, severity, code, message))
    parsed_columns = parsed.columns
    block_keys = zip(parsed_columns["zone_no"], parsed_columns["block_letter"], strict=True)
    return _copy_block(
        [
            ([job.pk] * count, False),
            (list(range(start + 1, start + count + 1)), False),
            (hexes.tolist(), False),
            (geometry.areas_m2(geoms, keep, checks.to_utm), False),
            (_lookup(checks.block_ids, block_keys, count), False),
            (_lookup(checks.village_ids, parsed_columns.get("village_no"), count), False),
            *((parsed.columns[name], name in _TEXT_COLUMNS) for name in parser.columns),
            (has_error, False),
        ]
    )


def _lookup(ids: dict, keys, count: int) -> list:
    """The registry ids of a batch's keys (None where the registry has none, or the file gave no key)."""
    return [None] * count if keys is None else [ids.get(key) for key in keys]


class _ProgressReporter:
    """Writes a job's progress from a thread with its own connection: the worker's connection is busy with
    one COPY for the whole file. Best effort: a row another transaction holds is skipped, never waited for.
    """

    def __init__(self, job_id: int) -> None:
        self._job_id = job_id
        self._queue: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=f"import-progress-{job_id}", daemon=True)
        self._thread.start()

    def report(self, done: int) -> None:
        self._queue.put(done)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        try:
            while (done := self._queue.get()) is not None:
                with connection.cursor() as cur:
                    cur.execute(
                        "UPDATE imports_importjob SET progress_done = %s WHERE id = (SELECT id FROM "
                        "imports_importjob WHERE id = %s FOR UPDATE SKIP LOCKED)",
                        [done, self._job_id],
                    )
        except Exception:  # progress is a courtesy: never the reason an import fails
            logger.warning(
                "import progress not written", exc_info=True, extra={"import_job_id": self._job_id}
            )
        finally:
            connection.close()


def job_validate(*, job: ImportJob) -> ImportJob:
    """Stage every feature (in EPSG:4326) and check it; nothing is written to the registry.

    One COPY takes the whole file, batch after batch, through a queue: PostgreSQL stores a batch while
    Python reads and checks the next one (two cores busy instead of one).
    """
    ImportJob.objects.filter(pk=job.pk).update(status=S.VALIDATING, progress_done=0, message="")
    StagedFeature.objects.filter(job=job).delete()
    ImportIssue.objects.filter(job=job).delete()
    to_storage = crs_mod.to_storage(job.source_srid)
    parser = validation.FeatureValues(
        job.organisation.parcel_split_suffix_width or 3, mapped=set(job.field_map)
    )
    source = _source(job)
    total = 0
    checks = _Checks.for_job(job)
    issues: list[tuple] = []
    staged_columns = (*_STAGED_HEAD, *parser.columns, "has_error")
    progress = _ProgressReporter(job.pk)
    try:
        with connection.cursor() as django_cursor:
            cur = django_cursor.cursor  # the psycopg cursor: COPY is what makes staging fast
            with cur.copy(
                f"COPY imports_stagedfeature ({', '.join(staged_columns)}) FROM STDIN",
                writer=QueuedLibpqWriter(cur),
            ) as copy:
                for start, geoms, columns in readers.read_batches(source, batch_size=BATCH_FEATURES):
                    copy.write(_stage_batch(job, start, geoms, columns, to_storage, parser, checks, issues))
                    total += len(geoms)
                    progress.report(total)
            if parser.owner_names_ignored:
                issues.append((None, "warning", "owner_id_not_mapped", str(validation.OWNER_NAMES_IGNORED)))
            if issues:
                numbers, severities, codes, messages = (list(column) for column in zip(*issues, strict=True))
                with cur.copy(f"COPY imports_importissue ({', '.join(_ISSUE_COLUMNS)}) FROM STDIN") as copy:
                    copy.write(
                        _copy_block(
                            [
                                ([job.pk] * len(issues), False),
                                (numbers, False),
                                (severities, False),
                                (codes, False),
                                (messages, True),
                            ]
                        )
                    )
    finally:
        progress.close()
    if total == 0:
        raise ImportRejected(_("The layer holds no features."), "empty_layer")
    validation.sql_validate(job=job, duplicated_firsts=sorted(checks.duplicated_firsts))
    job.refresh_from_db()
    job.feature_count = total
    job.progress_done = job.progress_total = total
    job.error_count = StagedFeature.objects.filter(job=job, has_error=True).count()
    job.warning_count = (
        ImportIssue.objects.filter(job=job, severity=ImportIssue.Severity.WARNING, feature_no__isnull=False)
        .values("feature_no")
        .distinct()
        .count()
    )
    outside = ImportIssue.objects.filter(job=job, code="outside_organisation").count()
    job.message = ""
    if outside and outside >= 0.5 * total:
        km = validation.sql_far_away_km(job=job)
        job.message = _(
            "Most features lie outside the organisation (their centre is %(km)s km from it). Is the "
            "coordinate "
            "system right? We read the file as EPSG:%(srid)s."
        ) % {"km": f"{km:,.1f}" if km is not None else "?", "srid": job.source_srid}
    job.status = S.VALIDATED
    job.save()
    return job


# ------------------------------------------------------------------------------------------- commit
def _history_columns(model) -> list[str]:
    skip = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
    return [f.column for f in model.history.model._meta.concrete_fields if f.column not in skip]


def _history_insert(cur, model, *, id_sql: str, params: dict, history_type: str) -> None:
    """Write simple_history rows for many rows at once (bulk_history_create without the objects)."""
    columns = _history_columns(model)
    tracked = ", ".join(f"t.{c}" for c in columns)
    cur.execute(
        f"INSERT INTO {model.history.model._meta.db_table} ({', '.join(columns)}, history_date, "  # noqa: S608
        "history_change_reason, "
        f"history_type, history_user_id) SELECT {tracked}, now(), %(reason)s, '{history_type}', %(user)s "
        f"FROM {model._meta.db_table} t WHERE t.id IN ({id_sql})",
        params,
    )


def _parcels_insert_sql() -> str:
    """One statement: the parcels and their '+' history rows, whose reason ``import <job>`` marks them as this
    job's (undo reads it back).

    The history rows are written from the INSERT's RETURNING rows, so PostgreSQL neither looks the new
    parcels up again nor keeps a second plan; what is left is the rows and their indexes.
    """
    columns = validation.parcel_column_sql()
    history = _history_columns(Parcel)
    return (
        f"WITH ins AS (INSERT INTO registry_parcel ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(columns.values())} FROM imports_stagedfeature s "
        f"WHERE s.job_id = %(job)s AND NOT s.has_error RETURNING {', '.join(history)}) "
        f"INSERT INTO {Parcel.history.model._meta.db_table} ({', '.join(history)}, history_date, "
        "history_change_reason, history_type, history_user_id) "
        f"SELECT {', '.join(history)}, now(), %(reason)s, '+', %(user)s FROM ins"
    )


# The job's new parcels, from its staged rows: a staged row without errors has a code the registry did not
# hold (duplicate_in_registry is an error), so within the commit the code finds exactly the parcel it became.
_NEW_PARCEL_JOIN = (
    "JOIN registry_parcel p ON p.organisation_id = %(org)s AND p.parcel_code = s.parcel_code "
    "WHERE s.job_id = %(job)s AND NOT s.has_error"
)


def _owners_insert(cur, params: dict) -> None:
    """The owners the file names that the organisation does not have yet, and one ownership per parcel.

    Owners are matched by ID number within the organisation; an ID seen on several features becomes one
    owner, named as on its first feature that gives a name. Their '+' history rows carry the reason
    ``import <job>``, which is how undo tells the owners and ownerships this job created from those that
    existed before.
    """
    columns = validation.owner_column_sql()
    cur.execute(
        f"INSERT INTO registry_owner ({', '.join(columns)}) "  # noqa: S608
        f"SELECT DISTINCT ON (s.owner_id) {', '.join(columns.values())} "
        "FROM imports_stagedfeature s "
        "WHERE s.job_id = %(job)s AND NOT s.has_error AND s.owner_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM registry_owner o WHERE o.organisation_id = %(org)s "
        "AND o.id_number = s.owner_id) "
        "ORDER BY s.owner_id, s.owner_first_name IS NOT NULL DESC, s.feature_no RETURNING id",
        params,
    )
    owner_ids = [row[0] for row in cur.fetchall()]
    if owner_ids:
        _history_insert(
            cur,
            Owner,
            id_sql="SELECT unnest(%(owner_ids)s::bigint[])",
            params={**params, "owner_ids": owner_ids},
            history_type="+",
        )
    cur.execute(
        "INSERT INTO registry_ownership (organisation_id, owner_id, parcel_id, building_id, condo_unit_id, "  # noqa: S608
        "share_numerator, share_denominator, in_house_registration, since) "
        "SELECT %(org)s, o.id, p.id, NULL, NULL, coalesce(s.owner_share_num, 1), "
        "coalesce(s.owner_share_den, 1), false, NULL "
        "FROM imports_stagedfeature s "
        "JOIN registry_owner o ON o.organisation_id = %(org)s AND o.id_number = s.owner_id "
        f"{_NEW_PARCEL_JOIN} AND s.owner_id IS NOT NULL RETURNING id",
        params,
    )
    ownership_ids = [row[0] for row in cur.fetchall()]
    if ownership_ids:
        _history_insert(
            cur,
            Ownership,
            id_sql="SELECT unnest(%(ownership_ids)s::bigint[])",
            params={**params, "ownership_ids": ownership_ids},
            history_type="+",
        )


def job_commit(*, job: ImportJob, by) -> ImportJob:
    """Write the checked features as parcels in one transaction: all of them or none."""
    job.refresh_from_db()
    if job.status not in (S.VALIDATED, S.QUEUED_COMMIT, S.COMMITTING):
        raise ImportRefused(_("Only a checked import can be written."))
    if job.error_count and not job.skip_invalid:
        raise ImportRefused(
            _("%(count)s features have errors. Fix the file, or choose to leave them out.")
            % {"count": job.error_count}
        )
    ImportJob.objects.filter(pk=job.pk).update(status=S.COMMITTING)
    org = job.organisation
    params = {"job": job.pk, "org": org.pk, "utm": org.utm_srid, "user": by.pk, "reason": f"import {job.pk}"}
    try:
        with transaction.atomic(), connection.cursor() as cur:
            # The area expression makes the planner's cost look huge, and JIT compiling it costs more than
            # running it (0.2 s of 100,000 rows): plain execution for this transaction.
            cur.execute("SET LOCAL jit = off")
            cur.execute(_parcels_insert_sql(), params)
            created = cur.rowcount
            if created != job.feature_count - job.error_count:
                # The staged rows are not what the check counted (a second commit, or staging lost): write
                # nothing rather than part of the file.
                raise ImportRefused(_("The checked features are no longer staged. Check the file again."))
            if "land_use" in job.field_map:
                # A mapped land use becomes one LandUse row covering the deed area (or the map area).
                cur.execute(
                    "INSERT INTO registry_landuse (organisation_id, parcel_id, use_code, area_sq_wa, "  # noqa: S608
                    "user_code) "
                    "SELECT %(org)s, p.id, s.land_use, "
                    "coalesce(p.deed_area_sq_wa, round(p.area_m2 / 4, 2)), 1 "
                    f"FROM imports_stagedfeature s {_NEW_PARCEL_JOIN} AND s.land_use IS NOT NULL "
                    "RETURNING id",
                    params,
                )
                _history_insert(
                    cur,
                    LandUse,
                    id_sql="SELECT unnest(%(use_ids)s::bigint[])",
                    params={**params, "use_ids": [row[0] for row in cur.fetchall()]},
                    history_type="+",
                )
            if "owner_id" in job.field_map:
                _owners_insert(cur, params)
            ImportJob.objects.filter(pk=job.pk).update(
                status=S.COMMITTED, created_count=created, committed_at=timezone.now(), message=""
            )
    except IntegrityError:
        logger.warning("import commit hit a constraint", extra={"import_job_id": job.pk})
        ImportJob.objects.filter(pk=job.pk).update(
            status=S.VALIDATED,
            message=_(
                "The registry changed since the check (a parcel code is now taken). Check the file again."
            ),
        )
        job.refresh_from_db()
        raise ImportRefused(job.message) from None
    StagedFeature.objects.filter(job=job).delete()
    job.refresh_from_db()
    logger.info(
        "import committed",
        extra={"import_job_id": job.pk, "organisation_id": org.pk, "parcels": job.created_count},
    )
    return job


# ------------------------------------------------------------------------------------------- undo
@transaction.atomic
def job_undo(*, job: ImportJob, by) -> ImportJob:
    """Delete exactly what this import created, in one transaction; refused if any of it changed since.

    That is its parcels (with their land uses), the ownerships it wrote on them and the owners it created;
    owners that were in the registry before the import stay.
    """
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != S.COMMITTED:
        raise ImportRefused(_("Only a written import can be undone."))
    params = {
        "job": job.pk,
        "org": job.organisation_id,
        "user": by.pk,
        "reason": f"undo import {job.pk}",
        "reason_c": f"import {job.pk}",
        "since": job.committed_at,
    }
    hist_parcel = Parcel.history.model._meta.db_table
    hist_use = LandUse.history.model._meta.db_table
    hist_owner = Owner.history.model._meta.db_table
    hist_ownership = Ownership.history.model._meta.db_table
    # Rows this job wrote are those whose '+' history row names it (see _parcels_insert_sql, _owners_insert).
    # The parcels' ids are read once: every statement below starts from them.
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id FROM {hist_parcel} WHERE organisation_id = %(org)s AND history_type = '+' "  # noqa: S608
            "AND history_change_reason = %(reason_c)s",
            params,
        )
        params["parcel_ids"] = [row[0] for row in cur.fetchall()]
    parcel_ids = "SELECT unnest(%(parcel_ids)s::bigint[])"
    ownership_ids = (
        f"SELECT o.id FROM registry_ownership o WHERE o.parcel_id IN ({parcel_ids}) "  # noqa: S608
        f"AND EXISTS (SELECT 1 FROM {hist_ownership} h WHERE h.id = o.id AND h.history_type = '+' "
        "AND h.history_change_reason = %(reason_c)s)"
    )
    owner_ids = (
        f"SELECT o.id FROM registry_owner o WHERE o.organisation_id = %(org)s "  # noqa: S608
        f"AND EXISTS (SELECT 1 FROM {hist_owner} h WHERE h.id = o.id AND h.history_type = '+' "
        "AND h.history_change_reason = %(reason_c)s)"
    )
    with connection.cursor() as cur:
        cur.execute(f"SELECT id FROM registry_parcel WHERE id IN ({parcel_ids}) FOR UPDATE", params)  # noqa: S608
        cur.execute(f"SELECT id FROM registry_owner WHERE id IN ({owner_ids}) FOR UPDATE", params)  # noqa: S608
        cur.execute(
            # From the ids, not the live rows: a parcel deleted since counts as edited too.
            "SELECT (SELECT count(*) FROM unnest(%(parcel_ids)s::bigint[]) AS p(id) "  # noqa: S608
            f"WHERE (EXISTS (SELECT 1 FROM {hist_parcel} h WHERE h.id = p.id AND h.history_type <> '+') "
            f"OR EXISTS (SELECT 1 FROM {hist_use} h WHERE h.parcel_id = p.id AND h.history_date > %(since)s "
            "AND (h.history_type <> '+' OR h.history_change_reason IS DISTINCT FROM %(reason_c)s))))"
            f" + (SELECT count(*) FROM {hist_ownership} h WHERE h.id IN ({ownership_ids}) "
            "AND h.history_type <> '+')"
            f" + (SELECT count(DISTINCT h.id) FROM {hist_owner} h WHERE h.id IN ({owner_ids}) "
            "AND h.history_type <> '+')",
            params,
        )
        edited = cur.fetchone()[0]
        cur.execute(
            f"SELECT (SELECT count(*) FROM registry_building WHERE parcel_id IN ({parcel_ids})) "  # noqa: S608
            f"+ (SELECT count(*) FROM registry_ownership WHERE parcel_id IN ({parcel_ids}) "
            f"AND id NOT IN ({ownership_ids})) "
            f"+ (SELECT count(*) FROM registry_ownership WHERE owner_id IN ({owner_ids}) "
            f"AND id NOT IN ({ownership_ids})) "
            f"+ (SELECT count(*) FROM registry_parcellineage WHERE parent_id IN ({parcel_ids}) "
            f"OR child_id IN ({parcel_ids}))",
            params,
        )
        linked = cur.fetchone()[0]
        if edited or linked:
            raise ImportRefused(
                _(
                    "This import cannot be undone: %(edited)s of its parcels or owners were edited since, "
                    "and %(linked)s buildings, ownerships or splits now refer to them."
                )
                % {"edited": edited, "linked": linked}
            )
        # Materialised first: once the ownerships are gone, they can no longer tell which owners were ours.
        cur.execute(owner_ids, params)
        params["owner_ids"] = [row[0] for row in cur.fetchall()]
        created_owners = "SELECT unnest(%(owner_ids)s::bigint[])"
        _history_insert(cur, Ownership, id_sql=ownership_ids, params=params, history_type="-")
        cur.execute(f"DELETE FROM registry_ownership WHERE id IN ({ownership_ids})", params)  # noqa: S608
        use_ids = f"SELECT id FROM registry_landuse WHERE parcel_id IN ({parcel_ids})"  # noqa: S608
        _history_insert(cur, LandUse, id_sql=use_ids, params=params, history_type="-")
        _history_insert(cur, Parcel, id_sql=parcel_ids, params=params, history_type="-")
        cur.execute(f"DELETE FROM registry_landuse WHERE id IN ({use_ids})", params)  # noqa: S608
        cur.execute(f"DELETE FROM registry_parcel WHERE id IN ({parcel_ids})", params)  # noqa: S608
        _history_insert(cur, Owner, id_sql=created_owners, params=params, history_type="-")
        cur.execute(f"DELETE FROM registry_owner WHERE id IN ({created_owners})", params)  # noqa: S608
    job.status = S.UNDONE
    job.undone_at = timezone.now()
    job.undone_by = by
    job.save(update_fields=["status", "undone_at", "undone_by"])
    return job


# ------------------------------------------------------------------------------------------- running jobs
def job_request_commit(*, job: ImportJob, skip_invalid: bool) -> ImportJob:
    if job.status != S.VALIDATED:
        raise ImportRefused(_("Only a checked import can be written."))
    if job.error_count and not skip_invalid:
        raise ImportRefused(
            _("%(count)s features have errors. Fix the file, or choose to leave them out.")
            % {"count": job.error_count}
        )
    job.skip_invalid = skip_invalid
    job.status = S.QUEUED_COMMIT
    job.save(update_fields=["skip_invalid", "status"])
    return job


def job_run(*, job: ImportJob) -> ImportJob:
    """Do the queued step of one job; any failure is recorded on the job, never raised to a worker loop."""
    try:
        if job.status == S.QUEUED_VALIDATE:
            return job_validate(job=job)
        if job.status == S.QUEUED_COMMIT:
            return job_commit(job=job, by=job.created_by)
    except (ImportRejected, ImportRefused) as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=S.FAILED, message=exc.message)
    except Exception:
        logger.exception("import job crashed", extra={"import_job_id": job.pk})
        ImportJob.objects.filter(pk=job.pk).update(
            status=S.FAILED, message=_("The import stopped on an unexpected error; nothing was written.")
        )
    job.refresh_from_db()
    return job


def job_run_next() -> ImportJob | None:
    """Claim the oldest queued job (skip those another worker holds) and run it."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(status__in=(S.QUEUED_VALIDATE, S.QUEUED_COMMIT))
            .order_by("created_at")
            .first()
        )
        if job is None:
            return None
        step = S.VALIDATING if job.status == S.QUEUED_VALIDATE else S.COMMITTING
        ImportJob.objects.filter(pk=job.pk).update(status=step)
    job.status = S.QUEUED_VALIDATE if step == S.VALIDATING else S.QUEUED_COMMIT
    return job_run(job=job)


def job_start_in_background(job_id: int) -> None:
    """Run queued jobs in a thread of this process after the request's transaction commits.

    Off with GIS_PORTAL_IMPORT_RUN_IN_THREAD=False, when ``manage.py run_import_jobs`` does the work instead.
    """
    if not getattr(settings, "GIS_PORTAL_IMPORT_RUN_IN_THREAD", True):
        return

    def work() -> None:
        close_old_connections()
        try:
            while job_run_next() is not None:
                pass
        finally:
            connection.close()

    transaction.on_commit(lambda: threading.Thread(target=work, name=f"import-{job_id}", daemon=True).start())
