"""Assessment-run benchmark: the yearly run over N parcels next to a bare SQL pass over the same rows.

    .venv/bin/python bench/assessment.py                   # 100,000 parcels (seed_demo), tax year 2569
    .venv/bin/python bench/assessment.py --parcels 10000 --workers 1

Prints the times; never asserts them. What it does, in order:
1. Works in its own database (``gis_portal_bench_assess`` on the project cluster, or
   $BENCH_DATABASE_URL), migrated to the current models, so neither the development data nor
   bench/tiles.py's database is touched.
2. Fills it with ``manage.py seed_demo --parcels N --replace`` when the parcel count differs (--reseed
   forces it).
3. Uses the demo's appraisal round: seed_demo writes a land price per block and a building price per type.
4. Runs ``assessment_run`` in-process with ``registry_now=True``: seed_demo stamps its history rows with the
   moment it ran, which is after 1 January 2569, so the as-of-1-January read would see an empty registry.
   Also times the as-of (history) read alone, since that is the production path.
5. Runs a bare SQL pass in the same process: one statement that joins parcels, land uses, ownerships, land
   prices, buildings, building uses and building prices and sums value × share — the floor under any run
   that reads the same rows.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _database  # noqa: E402

DEFAULT_DB_URL = "postgis://gis_portal:gis_portal@127.0.0.1:55432/gis_portal_bench_assess"
YEAR = 2569

BARE_SQL = """
WITH land AS (
    SELECT p.id, coalesce(p.deed_area_sq_wa, p.area_m2 / 4) * coalesce(pp.price_per_sq_wa, bp.price_per_sq_wa)
           AS value,
           (SELECT sum(u.area_sq_wa) FROM registry_landuse u WHERE u.parcel_id = p.id) AS used_sq_wa
    FROM registry_parcel p
    LEFT JOIN valuation_blocklandprice bp ON bp.block_id = p.block_id AND bp.appraisal_round_id = %(round)s
    LEFT JOIN valuation_parcellandprice pp ON pp.parcel_id = p.id AND pp.appraisal_round_id = %(round)s
    WHERE p.organisation_id = %(org)s AND p.status = 'active'
), building AS (
    SELECT b.id, b.parcel_id, b.floor_area_m2 * pr.price_per_sqm AS value,
           (SELECT sum(u.floor_area_m2) FROM registry_buildinguse u WHERE u.building_id = b.id) AS used_m2
    FROM registry_building b
    LEFT JOIN valuation_buildingprice pr
           ON pr.building_type = b.building_type AND pr.appraisal_round_id = %(round)s
    WHERE b.organisation_id = %(org)s
)
SELECT
    (SELECT count(DISTINCT o.owner_id) FROM registry_ownership o WHERE o.organisation_id = %(org)s),
    (SELECT sum(l.value * o.share_numerator / o.share_denominator) FROM land l
        JOIN registry_ownership o ON o.parcel_id = l.id),
    (SELECT sum(b.value * o.share_numerator / o.share_denominator) FROM building b
        JOIN registry_ownership o ON o.building_id = b.id),
    (SELECT count(*) FROM land), (SELECT count(*) FROM building)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=None, help="engine processes (default: CPU cores)")
    parser.add_argument("--reseed", action="store_true", help="rebuild the demo even if the count matches")
    parser.add_argument("--repeat", type=int, default=1, help="runs of the assessment; the fastest is shown")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "gis_portal.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"  # a DEBUG connection keeps every query in memory
    sys.path.insert(0, str(ROOT))
    _database.ensure(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from apps.organisations.models import Organisation
    from apps.registry.demo.territory import ORGANISATION
    from apps.registry.models import Parcel
    from apps.taxation.inputs import check_snapshot, load_snapshot, tax_year_as_of
    from apps.taxation.models import Assessment, AssessmentProblem, AssessmentRun
    from apps.taxation.services import assessment_run

    call_command("migrate", verbosity=0)
    org = Organisation.objects.filter(dla_code=ORGANISATION["dla_code"]).first()
    count = Parcel.objects.filter(organisation=org).count() if org else 0
    if args.reseed or count != args.parcels:
        print(f"seeding {args.parcels:,} parcels (found {count:,})", flush=True)
        if org is not None:  # seed_demo --replace deletes its own rows only; ours point at its owners, round
            for model in (AssessmentProblem, Assessment, AssessmentRun):
                model.objects.filter(organisation=org).delete()
        started = time.perf_counter()
        call_command("seed_demo", "--parcels", str(args.parcels), "--replace")
        print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)
        org = Organisation.objects.get(dla_code=ORGANISATION["dla_code"])

    started = time.perf_counter()
    snap = load_snapshot(org_id=org.pk, tax_year=YEAR, as_of=tax_year_as_of(YEAR))
    check_snapshot(snap)
    as_of_read_s = time.perf_counter() - started
    print(f"as-of-1-January read (history tables): {as_of_read_s:.2f} s, {len(snap.parcels):,} parcels seen")

    # The server is shared: say how busy it was, and keep the best of --repeat runs.
    runs = []
    for _ in range(args.repeat):
        load_1min = os.getloadavg()[0]
        started = time.perf_counter()
        run = assessment_run(org=org, tax_year=YEAR, registry_now=True, workers=args.workers)
        runs.append((time.perf_counter() - started, run, load_1min))
        print(f"run: {runs[-1][0]:.2f} s {run.summary['timings']} (load average before it {load_1min:.1f})")
    run_s, run, _load = min(runs, key=lambda item: item[0])

    from apps.valuation.models import AppraisalRound

    round_ = AppraisalRound.objects.filter(organisation=org).order_by("-valid_from").first()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(BARE_SQL, {"org": org.pk, "round": round_.pk})
        owners, land_baht, building_baht, parcels, buildings = cursor.fetchone()
    bare_s = time.perf_counter() - started

    s = run.summary
    print()
    print(
        f"parcels {s['parcels']:,}  buildings {s['buildings']:,}  taxpayers {s['taxpayers']:,}  "
        f"problems {s['problems']:,} {s['problems_by_kind']}"
    )
    print(
        f"total tax {s['total_satang'] / 100:,.2f} baht; by use "
        + ", ".join(f"{k} {v / 100:,.2f}" for k, v in sorted(s["tax_by_use_satang"].items()))
    )
    print(f"stages: {s['timings']}  (workers: {args.workers or os.cpu_count()})")
    print()
    print(f"{'assessment run (read, engine, write)':<40} {run_s:>8.2f} s")
    print(
        f"{'bare SQL pass over the same rows':<40} {bare_s:>8.2f} s   "
        f"({parcels:,} parcels, {buildings:,} buildings, {owners:,} owners, "
        f"land {land_baht or 0:,.0f} + buildings {building_baht or 0:,.0f} baht)"
    )
    print(f"{'ratio':<40} {run_s / bare_s:>8.1f} x   goal: run < 20 s")


if __name__ == "__main__":
    main()
