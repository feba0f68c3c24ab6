"""The yearly assessment run: registry on 1 January → one assessment per taxpayer, set-based and in parallel.

Stages (each recorded on the AssessmentRun row, which a page can poll):
1. reading   — six SQL statements pull the registry as it stood (inputs.load_snapshot), checks list problems;
2. assessing — forked workers build each taxpayer's contract document and call the engine (pure Python, so
               the two cores of the municipality's server both work; the snapshot is shared copy-on-write);
3. writing   — one transaction: drafts of the year are deleted, new drafts COPYed in, problems saved. Issued
               assessments are never touched: a changed taxpayer gets a new draft version beside the
               issued one, an unchanged one gets nothing (nothing to re-issue).

Not for a request thread: ATOMIC_REQUESTS would hide the progress and hold a transaction for the whole run;
the run page starts it in the background (another issue part).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps.organisations.models import Organisation
from apps.taxation.domain import EngineSettings, QuoteInputError, assess
from apps.taxation.engine_settings import engine_settings
from apps.taxation.inputs import (
    Problem,
    Snapshot,
    TaxpayerProblem,
    build_document,
    check_snapshot,
    load_snapshot,
    tax_year_as_of,
)
from apps.taxation.models import Assessment, AssessmentProblem, AssessmentRun
from apps.taxation.services.engine_io import answer_dict, typed_input

Progress = Callable[[str, int, int], None]
CHUNK_TAXPAYERS = 400
INLINE_BELOW_TAXPAYERS = 2000  # forking costs more than it saves for a small organisation (and in tests)

# Set in the parent just before the pool forks; workers read them copy-on-write and never touch the database.
_SNAPSHOT: Snapshot | None = None
_SETTINGS: EngineSettings | None = None


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
        snap = load_snapshot(org_id=org.pk, tax_year=tax_year, as_of=moment)
        problems, blocked = check_snapshot(snap)
        taxpayers = sorted(owner for owner in snap.owner_parcels if owner not in blocked)
        timings["read_s"] = round(time.perf_counter() - started, 3)

        started = time.perf_counter()
        _stage(run, "assessing", 0, len(taxpayers), report)
        results, engine_problems = _assess_all(snap, settings, taxpayers, workers, run, report)
        problems += engine_problems
        timings["assess_s"] = round(time.perf_counter() - started, 3)

        started = time.perf_counter()
        _stage(run, "writing", len(taxpayers), len(taxpayers), report)
        written, unchanged, previous = _write(org=org, run=run, tax_year=tax_year, results=results)
        _save_problems(org=org, run=run, problems=problems)
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
        unchanged=unchanged,
        timings=timings,
    )
    AssessmentRun.objects.filter(pk=run.pk).update(
        status=AssessmentRun.Status.DONE,
        stage="done",
        finished_at=timezone.now(),
        taxpayers_count=len(results),
        drafts_written=written,
        unchanged_count=unchanged,
        problems_count=len(problems),
        total_satang=summary["total_satang"],
        summary=summary,
        progress_done=len(taxpayers),
    )
    report("done", len(taxpayers), len(taxpayers))
    run.refresh_from_db()
    return run


def _stage(run: AssessmentRun, stage: str, done: int, total: int, report: Progress) -> None:
    # Outside any transaction (autocommit), so a page polling the run sees it at once.
    AssessmentRun.objects.filter(pk=run.pk).update(stage=stage, progress_done=done, progress_total=total)
    report(stage, done, total)


# --- stage 2: the engine, in parallel -----------------------------------------------------------------------


def _assess_all(snap, settings, taxpayers, workers, run, report):
    global _SNAPSHOT, _SETTINGS
    _SNAPSHOT, _SETTINGS = snap, settings
    chunks = [taxpayers[i : i + CHUNK_TAXPAYERS] for i in range(0, len(taxpayers), CHUNK_TAXPAYERS)]
    workers = workers or os.cpu_count() or 1
    results: list[tuple] = []
    problems: list[Problem] = []
    done = 0
    try:
        if workers <= 1 or len(taxpayers) < INLINE_BELOW_TAXPAYERS:
            outputs = map(_assess_chunk, chunks)
            pool = None
        else:
            pool = multiprocessing.get_context("fork").Pool(processes=workers)
            outputs = pool.imap_unordered(_assess_chunk, chunks)
        for chunk_results, chunk_problems in outputs:
            results += chunk_results
            problems += chunk_problems
            done += len(chunk_results) + len(chunk_problems)
            _stage(run, "assessing", done, len(taxpayers), report)
        if pool is not None:
            pool.close()
            pool.join()
    finally:
        _SNAPSHOT = _SETTINGS = None
    results.sort(key=lambda row: row[0])
    return results, problems


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _assess_chunk(owner_ids: list[int]) -> tuple[list[tuple], list[Problem]]:
    """Worker: documents, engine, JSON text — per taxpayer (owner id, document, provenance, answer, stats)."""
    snap, settings = _SNAPSHOT, _SETTINGS
    results, problems = [], []
    for owner_id in owner_ids:
        try:
            document, provenance = build_document(snap, owner_id)
            answer = answer_dict(assess(typed_input(document), settings=settings), settings=settings)
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
        stats = (dict(by_use), dict(allowance_by_table), exempt_lines)
        results.append(
            (owner_id, _dumps(document), _dumps(provenance), _dumps(answer), answer["total_satang"], stats)
        )
    return results, problems


# --- stage 3: one transaction of writes ---------------------------------------------------------------------

_COPY_COLUMNS = (
    "organisation_id",
    "run_id",
    "tax_year",
    "owner_id",
    "version",
    "status",
    "input_document",
    "provenance",
    "result",
    "total_satang",
    "created_at",
)


def _write(*, org, run, tax_year, results) -> tuple[int, int, dict[int, int]]:
    """Replace the year's drafts; add a version beside changed issued ones.

    Returns (drafts written, unchanged since issue, last year's totals per taxpayer).
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two runs of one organisation and year would fight over draft versions: the second waits.
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [org.pk, tax_year])
        year = Assessment.objects.filter(organisation=org, tax_year=tax_year)
        year.filter(status=Assessment.Status.DRAFT).delete()
        issued = {
            owner: (document, result)
            for owner, document, result in year.filter(status=Assessment.Status.ISSUED).values_list(
                "owner_id", "input_document", "result"
            )
        }
        latest_version: dict[int, int] = {}
        for owner, version in year.values_list("owner_id", "version"):
            latest_version[owner] = max(version, latest_version.get(owner, 0))
        previous = _previous_year_totals(org=org, tax_year=tax_year)
        now = timezone.now()
        written = unchanged = 0
        table = Assessment._meta.db_table
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(_COPY_COLUMNS)}) FROM STDIN") as copy,
        ):
            for owner_id, document, provenance, result, total, _stats in results:
                if owner_id in issued and issued[owner_id] == (json.loads(document), json.loads(result)):
                    unchanged += 1  # the issued notice already says exactly this
                    continue
                version = latest_version.get(owner_id, 0) + 1
                copy.write_row(
                    (
                        org.pk,
                        run.pk,
                        tax_year,
                        owner_id,
                        version,
                        Assessment.Status.DRAFT.value,
                        document,
                        provenance,
                        result,
                        total,
                        now,
                    )
                )
                written += 1
    return written, unchanged, previous


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


def _summary(*, snap, results, problems, blocked, previous, written, unchanged, timings) -> dict[str, Any]:
    by_use: dict[str, int] = defaultdict(int)
    allowances: dict[str, int] = defaultdict(int)
    exempt_lines = paying_nothing = 0
    change = Counter()
    now_total = 0
    seen = set()
    for owner_id, _doc, _prov, _result, total, (uses, allowance, exempt) in results:
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
