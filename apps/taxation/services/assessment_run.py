"""The yearly assessment run: registry on 1 January → one assessment per taxpayer, set-based and in parallel.

Stages (each recorded on the AssessmentRun row, which a page can poll):
1. reading   — six SQL statements pull the registry as it stood (inputs.load_snapshot), one more finds a
               taxpayer's adjoining parcels (s.42 para 2), checks list problems; the organisation's rate
               ordinances of the year are loaded and checked (an illegal one is a problem, its table stays
               the Royal Decree's);
2. assessing — forked workers build each taxpayer's contract document, with the engine's typed input built
               beside it (no parse of our own document), and call the engine (pure Python, so the two cores
               of the municipality's server both work; the snapshot is shared copy-on-write). Meanwhile the
               parent COPYs every finished chunk into a session-local staging table, so PostgreSQL parses
               the JSON while the workers compute instead of after them;
3. writing   — one transaction: drafts of the year are deleted and the staged rows moved in by one
               INSERT … SELECT; problems saved. Issued assessments are never touched: a changed taxpayer gets
               a new draft version beside the issued one, an unchanged one (same document and answer,
               compared as jsonb in that statement) gets nothing (nothing to re-issue).

Not for a request thread: ATOMIC_REQUESTS would hide the progress and hold a transaction for the whole run;
the run page starts it in the background (another issue part).

Time on the 2-core server, 100,000 parcels: bench/assessment.py (bench/README.md).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import multiprocessing
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.organisations.models import Organisation
from apps.taxation.domain import (
    EngineSettings,
    QuoteInputError,
    RateOverride,
    RuleDataError,
    assess,
    result_to_dict,
    year_rules,
)
from apps.taxation.engine_settings import engine_settings
from apps.taxation.inputs import (
    ParcelCache,
    Problem,
    Snapshot,
    TaxpayerProblem,
    check_snapshot,
    load_snapshot,
    tax_year_as_of,
    taxpayer_input,
)
from apps.taxation.models import Assessment, AssessmentProblem, AssessmentRun, RateOrdinance

Progress = Callable[[str, int, int], None]
CHUNK_TAXPAYERS = 400
INLINE_BELOW_TAXPAYERS = 2000  # forking costs more than it saves for a small organisation (and in tests)
PROGRESS_EVERY_S = 0.5  # the run page polls every few seconds; an UPDATE per chunk would only add round trips
STAGING_TABLE = "assessment_run_staging"  # a TEMP table: private to this connection, gone with it

# Set in the parent just before the pool forks; workers read them copy-on-write and never touch the database.
_SNAPSHOT: Snapshot | None = None
_SETTINGS: EngineSettings | None = None
_RATE_OVERRIDES: tuple[RateOverride, ...] = ()
_PARCEL_CACHE: ParcelCache = {}  # each worker fills its own copy (inputs.ParcelCache)


def assessment_run(
    *,
    org: Organisation,
    tax_year: int,
    by=None,
    as_of: dt.datetime | None = None,
    registry_now: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
) -> AssessmentRun:
    """Assess every taxpayer of ``org`` for ``tax_year`` (B.E.) from the registry as it stood on 1 January.

    ``as_of`` moves that moment; ``registry_now`` reads the live registry instead (a registry loaded after
    1 January has no earlier history). Bad data never stops the run: it becomes AssessmentProblem rows and the
    taxpayers concerned are skipped. Returns the finished run (status done, counts and summary filled).
    """
    settings = engine_settings()  # fail fast on a bad GIS_PORTAL_TAX_ENGINE before any work
    moment = None if registry_now else (as_of or tax_year_as_of(tax_year))
    run = AssessmentRun.objects.create(
        organisation=org, tax_year=tax_year, as_of=moment or timezone.now(), started_by=by
    )
    report = progress or (lambda stage, done, total: None)
    timings: dict[str, float] = {}
    try:
        started = time.perf_counter()
        _stage(run, "reading", 0, 0, report)
        with _cycle_collector_paused():
            snap = load_snapshot(org_id=org.pk, tax_year=tax_year, as_of=moment)
            problems, blocked = check_snapshot(snap)
        overrides, ordinance_problems = rate_overrides_for(org=org, tax_year=tax_year)
        problems = ordinance_problems + problems
        taxpayers = sorted(owner for owner in snap.owner_parcels if owner not in blocked)
        timings["read_s"] = round(time.perf_counter() - started, 3)

        started = time.perf_counter()
        _stage(run, "assessing", 0, len(taxpayers), report)
        _staging_create()
        try:
            results, engine_problems = _assess_all(snap, settings, overrides, taxpayers, workers, run, report)
            problems += engine_problems
            timings["assess_s"] = round(time.perf_counter() - started, 3)

            started = time.perf_counter()
            _stage(run, "writing", len(taxpayers), len(taxpayers), report)
            written, previous = _write(org=org, run=run, tax_year=tax_year)
            _save_problems(org=org, run=run, problems=problems)
        finally:
            _staging_drop()
        timings["write_s"] = round(time.perf_counter() - started, 3)
    except Exception as exc:
        AssessmentRun.objects.filter(pk=run.pk).update(
            status=AssessmentRun.Status.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000]
        )
        raise
    summary = _summary(
        snap=snap,
        results=results,
        problems=problems,
        blocked=len(blocked & set(snap.owner_parcels)),
        previous=previous,
        written=written,
        unchanged=len(results) - written,
        timings=timings,
        overrides=overrides,
    )
    AssessmentRun.objects.filter(pk=run.pk).update(
        status=AssessmentRun.Status.DONE,
        stage="done",
        finished_at=timezone.now(),
        taxpayers_count=len(results),
        drafts_written=written,
        unchanged_count=len(results) - written,
        problems_count=len(problems),
        total_satang=summary["total_satang"],
        summary=summary,
        progress_done=len(taxpayers),
    )
    report("done", len(taxpayers), len(taxpayers))
    run.refresh_from_db()
    return run


def rate_overrides_for(*, org: Organisation, tax_year: int) -> tuple[tuple[RateOverride, ...], list[Problem]]:
    """The organisation's ordinance tables of the year that the Act allows, and a problem for each other one.

    Each table is checked alone against the decree and the s.37 ceiling (rules.year_rules), so one bad table
    does not void the others. A refused table is left out: its use is taxed at the Royal Decree's rates (the
    most an unlawful ordinance can stand for) and the run page shows why, instead of every taxpayer failing.
    """
    legal: list[RateOverride] = []
    problems: list[Problem] = []
    for ordinance in RateOrdinance.objects.filter(organisation=org, tax_year=tax_year).order_by("table"):
        params = {"table": ordinance.table, "year": tax_year, "ordinance": ordinance.reference}
        try:
            override = ordinance.as_override()
        except (ValidationError, LookupError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            problems.append(Problem("rate_ordinance_refused", {**params, "error": str(exc)}))
            continue
        try:
            year_rules(tax_year, (override,))
        except RuleDataError as exc:
            problems.append(Problem("rate_ordinance_refused", {**params, "error": str(exc)}))
            continue
        except LookupError:
            pass  # no rules for the year: the engine refuses every taxpayer, and says so for each
        legal.append(override)
    return tuple(legal), problems


def _stage(run: AssessmentRun, stage: str, done: int, total: int, report: Progress) -> None:
    # Outside any transaction (autocommit), so a page polling the run sees it at once.
    AssessmentRun.objects.filter(pk=run.pk).update(stage=stage, progress_done=done, progress_total=total)
    report(stage, done, total)


@contextmanager
def _cycle_collector_paused():
    """The snapshot is a million small objects without reference cycles; the cycle collector would rescan
    them again and again while they are made (about half the reading stage's CPU) and free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- stage 2: the engine, in parallel, its output staged as it comes ----------------------------------------

_STAGED_COLUMNS = ("owner_id", "input_document", "provenance", "result", "total_satang")


def _staging_create() -> None:
    with connection.cursor() as cursor:
        # A run that failed earlier on this connection may have left it behind.
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGING_TABLE}")
        cursor.execute(
            f"CREATE TEMP TABLE {STAGING_TABLE} (owner_id bigint PRIMARY KEY, input_document jsonb NOT NULL,"
            " provenance jsonb NOT NULL, result jsonb NOT NULL, total_satang bigint NOT NULL)"
        )


def _staging_drop() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGING_TABLE}")
    except DatabaseError:
        pass  # the transaction is already broken and the error on its way up; the table dies with it


def _stage_rows(rows: list[tuple]) -> None:
    """COPY one chunk of (owner id, document, provenance, answer JSON texts, total) into the staging table.

    Each chunk is its own short transaction in autocommit (inside the caller's, under a test), so
    PostgreSQL parses and stores the JSON while the workers go on computing.
    """
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {STAGING_TABLE} ({', '.join(_STAGED_COLUMNS)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _assess_all(snap, settings, overrides, taxpayers, workers, run, report):
    """Run the engine over every taxpayer; returns [(owner id, total, stats)] sorted by owner and problems."""
    global _SNAPSHOT, _SETTINGS, _PARCEL_CACHE, _RATE_OVERRIDES
    _SNAPSHOT, _SETTINGS, _PARCEL_CACHE, _RATE_OVERRIDES = snap, settings, {}, overrides
    chunks = [taxpayers[i : i + CHUNK_TAXPAYERS] for i in range(0, len(taxpayers), CHUNK_TAXPAYERS)]
    workers = workers or os.cpu_count() or 1
    results: list[tuple] = []
    problems: list[Problem] = []
    done = 0
    reported = time.monotonic()
    pool = None
    # Frozen objects are left out of every later collection: the workers' collector then never walks the
    # inherited snapshot, which would cost time and copy its pages (copy-on-write) into every worker.
    gc.freeze()
    try:
        if workers <= 1 or len(taxpayers) < INLINE_BELOW_TAXPAYERS:
            outputs = map(_assess_chunk, chunks)
        else:
            pool = multiprocessing.get_context("fork").Pool(processes=workers)
            outputs = pool.imap_unordered(_assess_chunk, chunks)
        for staged, summed, chunk_problems in outputs:
            _stage_rows(staged)
            results += summed
            problems += chunk_problems
            done += len(summed) + len(chunk_problems)
            if time.monotonic() - reported >= PROGRESS_EVERY_S:
                _stage(run, "assessing", done, len(taxpayers), report)
                reported = time.monotonic()
        if pool is not None:
            pool.close()
            pool.join()
            pool = None
    finally:
        if pool is not None:  # a worker or the staging failed: stop the others instead of leaving them
            pool.terminate()
        gc.unfreeze()
        _SNAPSHOT = _SETTINGS = None
        _PARCEL_CACHE, _RATE_OVERRIDES = {}, ()
    results.sort(key=lambda row: row[0])
    return results, problems


# One encoder for the whole run: json.dumps with options builds a new JSONEncoder on every call.
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _assess_chunk(owner_ids: list[int]) -> tuple[list[tuple], list[tuple], list[Problem]]:
    """Worker: per taxpayer the rows to stage (JSON text) and what the summary needs (total, stats)."""
    snap, settings, cache, overrides = _SNAPSHOT, _SETTINGS, _PARCEL_CACHE, _RATE_OVERRIDES
    staged, summed, problems = [], [], []
    for owner_id in owner_ids:
        try:
            document, provenance, quote_input = taxpayer_input(snap, owner_id, cache)
            answer = result_to_dict(
                assess(quote_input, settings=settings, rate_overrides=overrides), settings=settings
            )
        except TaxpayerProblem as finding:
            problems.append(finding.problem)
            continue
        except (QuoteInputError, ArithmeticError) as exc:
            problems.append(
                Problem("engine_refused", {"owner": owner_id, "error": str(exc)}, owner_id=owner_id)
            )
            continue
        by_use: dict[str, int] = defaultdict(int)
        allowance_by_table: dict[str, int] = defaultdict(int)
        exempt_lines = 0
        for line in answer["lines"]:
            if line["exempt"]:
                exempt_lines += 1
                continue
            by_use[line["use"]] += line["tax_satang"]
            if line["allowance"] != "0.00":
                allowance_by_table[line["table"]] += int(Decimal(line["allowance"]) * 100)
        total = answer["total_satang"]
        staged.append((owner_id, _dumps(document), _dumps(provenance), _dumps(answer), total))
        summed.append((owner_id, total, (dict(by_use), dict(allowance_by_table), exempt_lines)))
    return staged, summed, problems


# --- stage 3: one transaction of writes ---------------------------------------------------------------------

_INSERT_DRAFTS = f"""
    INSERT INTO {Assessment._meta.db_table} (organisation_id, run_id, tax_year, owner_id, version, status,
                                             input_document, provenance, result, total_satang, created_at)
    SELECT %(org)s, %(run)s, %(year)s, s.owner_id, coalesce(v.version, 0) + 1, %(draft)s,
           s.input_document, s.provenance, s.result, s.total_satang, %(now)s
    FROM {STAGING_TABLE} s
    LEFT JOIN (
        SELECT owner_id, max(version) AS version FROM {Assessment._meta.db_table}
        WHERE organisation_id = %(org)s AND tax_year = %(year)s GROUP BY owner_id
    ) v ON v.owner_id = s.owner_id
    WHERE NOT EXISTS (  -- the issued notice already says exactly this
        SELECT 1 FROM {Assessment._meta.db_table} i
        WHERE i.organisation_id = %(org)s AND i.tax_year = %(year)s AND i.owner_id = s.owner_id
          AND i.status = %(issued)s AND i.input_document = s.input_document AND i.result = s.result
    )
    ORDER BY s.owner_id
"""  # noqa: S608 - identifiers are ours, values are parameters


def _write(*, org, run, tax_year) -> tuple[int, dict[int, int]]:
    """Replace the year's drafts with the staged rows; add a version beside changed issued ones.

    Returns (drafts written, last year's totals per taxpayer); the staged rows not written are unchanged
    since issue.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        # Two runs of one organisation and year would fight over draft versions: the second waits.
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [org.pk, tax_year])
        # Plain SQL, not QuerySet.delete(): the ORM would load every draft (three JSON documents each) to
        # look for protected bills first. A bill is only ever made from an issued assessment, and the
        # database's own foreign key still refuses a delete that would orphan one.
        cursor.execute(
            f"DELETE FROM {Assessment._meta.db_table}"  # noqa: S608 - our table name
            " WHERE organisation_id = %s AND tax_year = %s AND status = %s",
            [org.pk, tax_year, Assessment.Status.DRAFT.value],
        )
        previous = _previous_year_totals(org=org, tax_year=tax_year)
        cursor.execute(
            _INSERT_DRAFTS,
            {
                "org": org.pk,
                "run": run.pk,
                "year": tax_year,
                "draft": Assessment.Status.DRAFT.value,
                "issued": Assessment.Status.ISSUED.value,
                "now": timezone.now(),
            },
        )
        written = cursor.rowcount
    return written, previous


def _previous_year_totals(*, org, tax_year) -> dict[int, int]:
    """Last year's assessment in force per taxpayer: the issued one, else the newest draft."""
    rows = (
        Assessment.objects.filter(organisation=org, tax_year=tax_year - 1)
        .exclude(status=Assessment.Status.SUPERSEDED)
        .order_by("owner_id", "-version")
        .values_list("owner_id", "status", "total_satang")
    )
    totals: dict[int, int] = {}
    for owner, status, total in rows:
        if owner not in totals or status == Assessment.Status.ISSUED:
            totals[owner] = total
    return totals


def _save_problems(*, org, run, problems: list[Problem]) -> None:
    AssessmentProblem.objects.bulk_create(
        [
            AssessmentProblem(
                organisation=org,
                run=run,
                kind=problem.kind,
                params=problem.params,
                parcel_id=problem.parcel_id,
                building_id=problem.building_id,
                owner_id=problem.owner_id,
            )
            for problem in problems
        ],
        batch_size=2000,
    )


def _summary(
    *, snap, results, problems, blocked, previous, written, unchanged, timings, overrides=()
) -> dict[str, Any]:
    by_use: dict[str, int] = defaultdict(int)
    allowances: dict[str, int] = defaultdict(int)
    exempt_lines = paying_nothing = 0
    change = Counter()
    now_total = 0
    seen = set()
    for owner_id, total, (uses, allowance, exempt) in results:
        now_total += total
        seen.add(owner_id)
        for use, satang in uses.items():
            by_use[use] += satang
        for table, satang in allowance.items():
            allowances[table] += satang
        exempt_lines += exempt
        paying_nothing += total == 0
        before = previous.get(owner_id)
        if before is None:
            change["new"] += 1
        elif total > before:
            change["higher"] += 1
        elif total < before:
            change["lower"] += 1
        else:
            change["same"] += 1
    gone = [owner for owner in previous if owner not in seen]
    return {
        "tax_year": snap.tax_year,
        "as_of": snap.as_of.isoformat(),
        "appraisal_round": snap.round_name,
        "parcels": len(snap.parcels),
        "buildings": len(snap.buildings),
        "taxpayers": len(results),
        "taxpayers_skipped": blocked + sum(1 for p in problems if p.owner_id is not None),
        "problems": len(problems),
        "problems_by_kind": dict(Counter(problem.kind for problem in problems)),
        "total_satang": now_total,
        "tax_by_use_satang": dict(by_use),
        "rate_ordinances": {override.table: override.ordinance for override in overrides},
        "exemptions": {
            "taxpayers_paying_nothing": paying_nothing,
            "exempt_lines": exempt_lines,
            "allowance_by_table_satang": dict(allowances),
        },
        "against_last_year": {
            "tax_year": snap.tax_year - 1,
            "previous_total_satang": sum(previous.values()),
            "change_satang": now_total - sum(previous.values()),
            "new": change["new"],
            "higher": change["higher"],
            "lower": change["lower"],
            "same": change["same"],
            "gone": len(gone),
        },
        "drafts_written": written,
        "unchanged_since_issue": unchanged,
        "timings": timings,
    }
