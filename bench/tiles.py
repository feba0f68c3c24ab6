"""Vector-tile benchmark: our /tiles endpoint, tipg on the same table, and the bare SQL, in one run.

    .venv/bin/python bench/tiles.py              # 100,000 parcels, 2,000 requests each, concurrency 4
    .venv/bin/python bench/tiles.py --parcels 10000 --requests 500

It prints a table (requests per second, p50, p95, mean tile size) and never asserts timings.

What it does, in order:
1. Uses its own database (``gis_portal_bench`` on the project cluster, or $BENCH_DATABASE_URL), migrated to
   the current models, so the demo data of the development database is never touched.
2. Fills it with N parcels of one organisation, each with a land use and a history row: by
   ``manage.py seed_demo --parcels N --replace`` when that command exists, else by the SQL generator below.
3. Starts gunicorn (gthread, 2 workers x 2 threads, DEBUG off, persistent DB connections) serving our app and
   tipg (uvicorn, one process; ``pip install tipg uvicorn`` into var/bench-venv) on loopback ports.
4. Draws a fixed random set of z14-z18 tiles over the data (seed 42), warms each server up, then sends the
   same requests to each with the given concurrency; the bare SQL is the very statement our view runs,
   executed through psycopg on the same number of connections.
5. Stops the servers it started (by their process ids) even when something fails.

Client, servers and PostgreSQL share the same cores, so the numbers compare servers; they are not capacity.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _database  # noqa: E402

VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
BENCH_VENV = ROOT / "var" / "bench-venv"
DEFAULT_DB_URL = "postgresql://gis_portal:gis_portal@127.0.0.1:55432/gis_portal_bench"
# Sai Thong's extent (tax-map-and-registry.md §1): the parcels fill it.
EXTENT = (103.1451, 16.7014, 103.1944, 16.7711)
LAYER = "parcels"
TABLE = "registry_parcel"


@dataclass
class Result:
    name: str
    latencies_s: list[float]
    wall_s: float
    bytes_total: int
    errors: int

    def row(self) -> str:
        ok = sorted(self.latencies_s)
        if not ok:
            return f"{self.name:<34} {'-':>9} {'-':>9} {'-':>9} {'-':>10} {self.errors:>7}"
        p50 = statistics.median(ok) * 1000
        p95 = ok[max(0, math.ceil(0.95 * len(ok)) - 1)] * 1000
        rps = len(ok) / self.wall_s
        mean_kb = self.bytes_total / len(ok) / 1024
        return f"{self.name:<34} {rps:>9.1f} {p50:>9.2f} {p95:>9.2f} {mean_kb:>10.1f} {self.errors:>7}"


def _psql_url(url: str) -> str:
    return url.replace("postgis://", "postgresql://", 1)


def django_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": url.replace("postgresql://", "postgis://", 1),
        "DJANGO_SETTINGS_MODULE": "bench.tiles_settings",
        "DJANGO_DEBUG": "false",
        "DB_CONN_MAX_AGE": "600",
        "PYTHONPATH": str(ROOT),
    })
    return env


def manage(url: str, *args: str) -> None:
    subprocess.run([str(VENV_PYTHON), "manage.py", *args], cwd=ROOT, env=django_env(url), check=True)


def parcels_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]  # noqa: S608


def seed_builtin(url: str, parcels: int) -> None:
    """N parcels on a jittered grid over Sai Thong, one organisation, one village, land uses and history."""
    import psycopg

    columns = math.ceil(math.sqrt(parcels * (EXTENT[2] - EXTENT[0]) / (EXTENT[3] - EXTENT[1])))
    rows = math.ceil(parcels / columns)
    dx = (EXTENT[2] - EXTENT[0]) / columns
    dy = (EXTENT[3] - EXTENT[1]) / rows
    params = {"n": parcels, "cols": columns, "dx": dx, "dy": dy, "x0": EXTENT[0], "y0": EXTENT[1]}
    with psycopg.connect(url) as conn:
        for table in ("registry_historicallanduse", "registry_historicalparcel", "registry_landuse",
                      "registry_ownership", "registry_owner", "registry_building", "registry_parcel",
                      "registry_village"):
            conn.execute(f"DELETE FROM {table}")  # noqa: S608
        org_id = conn.execute(
            "INSERT INTO organisations_organisation (dla_code, slug, kind, name_th, name_en,"
            " subdistrict_code, district_th, province_th, postcode, boundary, utm_srid, promptpay_biller_id,"
            " parcel_split_suffix_width, created_at)"
            " VALUES ('6460809', 'sai-thong', 'sao', 'องค์การบริหารส่วนตำบลทรายทอง', 'Sai Thong SAO', '460809',"
            " 'ห้วยเม็ก', 'กาฬสินธุ์', '46170', ST_Multi(ST_MakeEnvelope(%s, %s, %s, %s, 4326)), 32648, '', 3,"
            " now()) ON CONFLICT (dla_code) DO UPDATE SET slug = EXCLUDED.slug RETURNING id",
            EXTENT,
        ).fetchone()[0]
        village_id = conn.execute(
            "INSERT INTO registry_village (organisation_id, moo_no, name_th, name_en)"
            " VALUES (%s, 1, 'บ้านทรายทอง', 'Ban Sai Thong') RETURNING id",
            (org_id,),
        ).fetchone()[0]
        params.update(org=org_id, village=village_id)
        # Code ZZ L NNN: lot 1-999 within block A-Z within zone 1-99, unique per organisation.
        conn.execute(
            """
            INSERT INTO registry_parcel (organisation_id, village_id, parcel_code, zone_no, block_letter,
                lot_no, status, land_document_type, document_no, land_no, survey_page, volume, page,
                sheet_utm1, sheet_utm3, sheet_utm4, deed_area_sq_wa, house_no, road, geom, area_m2,
                geometry_source, version, created_at, updated_at)
            SELECT %(org)s, %(village)s,
                   lpad((i / 25974 + 1)::text, 2, '0') || chr(65 + (i / 999) %% 26)
                       || lpad((i %% 999 + 1)::text, 3, '0'),
                   i / 25974 + 1, chr(65 + (i / 999) %% 26), i %% 999 + 1,
                   'active', 1, (10000 + i)::text, '', '', '', '', '', '', '',
                   100 + (i %% 300), '', '',
                   ST_Multi(ST_MakeEnvelope(
                       %(x0)s + (i %% %(cols)s) * %(dx)s + %(dx)s * 0.05 * random(),
                       %(y0)s + (i / %(cols)s) * %(dy)s + %(dy)s * 0.05 * random(),
                       %(x0)s + (i %% %(cols)s + 1) * %(dx)s - %(dx)s * 0.05 * random(),
                       %(y0)s + (i / %(cols)s + 1) * %(dy)s - %(dy)s * 0.05 * random(), 4326)),
                   400, 'demo', 1, now(), now()
            FROM generate_series(0, %(n)s - 1) AS i
            """,
            params,
        )
        conn.execute(
            "INSERT INTO registry_landuse (organisation_id, parcel_id, use_code, area_sq_wa, user_code)"
            " SELECT organisation_id, id, 1 + (id % 9), 100, 1 FROM registry_parcel"
        )
        shared = [
            r[0] for r in conn.execute(
                "SELECT h.column_name FROM information_schema.columns h JOIN information_schema.columns p"
                " ON p.column_name = h.column_name AND p.table_name = 'registry_parcel'"
                " WHERE h.table_name = 'registry_historicalparcel' AND h.column_name NOT LIKE 'history%'"
            )
        ]
        names = ", ".join(f'"{c}"' for c in shared)
        conn.execute(
            f"INSERT INTO registry_historicalparcel ({names}, history_date, history_type)"  # noqa: S608
            f" SELECT {names}, now(), '+' FROM registry_parcel"
        )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def tiles_draw(count: int, seed: int = 42) -> list[tuple[int, int, int]]:
    rng = random.Random(seed)
    tiles = []
    for _ in range(count):
        z = rng.randint(14, 18)
        lon = rng.uniform(EXTENT[0], EXTENT[2])
        lat = rng.uniform(EXTENT[1], EXTENT[3])
        n = 1 << z
        x = int((lon + 180.0) / 360.0 * n)
        y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
        tiles.append((z, x, y))
    return tiles


def port_free() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback, our own URL)
                response.read()
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def server_start(stack: ExitStack, name: str, argv: list[str], env: dict[str, str]) -> None:
    log = open(ROOT / "var" / f"bench-{name}.log", "w")  # noqa: SIM115 (closed by the stack)
    stack.callback(log.close)
    # A session of its own, so that stopping it stops its workers too, and nothing else.
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    print(f"started {name} (pid {process.pid}); log var/bench-{name}.log")

    def stop() -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        print(f"stopped {name}")

    stack.callback(stop)


def run_http(name: str, port: int, paths: list[str], concurrency: int) -> Result:
    latencies: list[float] = []
    errors = 0
    total = 0
    lock = threading.Lock()
    next_index = iter(range(len(paths)))

    def worker() -> None:
        nonlocal errors, total
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        size = 0
        failed = 0
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            started = time.perf_counter()
            try:
                conn.request("GET", paths[index])
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                failed += 1
                continue
            elapsed = time.perf_counter() - started
            if response.status == 200:
                mine.append(elapsed)
                size += len(body)
            else:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            total += size
            errors += failed

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(name, latencies, time.perf_counter() - started, total, errors)


def run_sql(url: str, sql: str, org_id: int, tiles: list[tuple[int, int, int]], concurrency: int) -> Result:
    import psycopg

    latencies: list[float] = []
    total = 0
    lock = threading.Lock()
    next_index = iter(range(len(tiles)))

    def worker() -> None:
        nonlocal total
        mine: list[float] = []
        size = 0
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SELECT ST_Transform(ST_TileEnvelope(0, 0, 0), 4326)")  # load PROJ before timing
            while True:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    break
                z, x, y = tiles[index]
                started = time.perf_counter()
                body = conn.execute(sql, {"z": z, "x": x, "y": y, "org": org_id, "max_features": 10000,
                                          "layer": LAYER}).fetchone()[0]
                mine.append(time.perf_counter() - started)
                size += len(body or b"")
        with lock:
            latencies.extend(mine)
            total += size

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result("bare SQL (psycopg, same statement)", latencies, time.perf_counter() - started, total, 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2_000, help="requests per server")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=100, help="untimed requests per server first")
    parser.add_argument("--reseed", action="store_true", help="refill even when the count already matches")
    parser.add_argument("--generator", choices=("auto", "seed_demo", "builtin"), default="auto")
    args = parser.parse_args()

    url = _psql_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB_URL))
    tipg_python = BENCH_VENV / "bin" / "python"
    if not tipg_python.exists():
        print(f"tipg is missing: python3 -m venv {BENCH_VENV} && {BENCH_VENV}/bin/pip install tipg uvicorn")
        return 2
    _database.ensure(url)
    manage(url, "migrate", "--verbosity", "0")

    if args.reseed or parcels_count(url) != args.parcels:
        seed_demo = ROOT / "apps" / "registry" / "management" / "commands" / "seed_demo.py"
        use_seed_demo = args.generator == "seed_demo" or (args.generator == "auto" and seed_demo.exists())
        started = time.perf_counter()
        if use_seed_demo:
            manage(url, "seed_demo", "--parcels", str(args.parcels), "--replace")
        else:
            seed_builtin(url, args.parcels)
        print(f"seeded {parcels_count(url):,} parcels in {time.perf_counter() - started:.1f} s "
              f"({'seed_demo' if use_seed_demo else 'built-in generator'})")

    import psycopg

    with psycopg.connect(url) as conn:
        org_id = conn.execute("SELECT organisation_id FROM registry_parcel LIMIT 1").fetchone()[0]
        first_org = conn.execute("SELECT min(id) FROM organisations_organisation").fetchone()[0]
        parcels = conn.execute("SELECT count(*) FROM registry_parcel").fetchone()[0]
    if org_id != first_org:
        print("warning: the parcels are not in the public (first) organisation: anonymous tiles are empty")

    # The statement our view runs for an anonymous visitor, taken from the app rather than copied.
    os.environ.update(django_env(url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from apps.maps.layers import LAYERS, Audience
    from apps.maps.tiles import tile_sql

    sql = tile_sql(LAYERS[LAYER], Audience.PUBLIC)
    tiles = tiles_draw(args.requests + args.warmup)
    warm, timed = tiles[: args.warmup], tiles[args.warmup:]
    results: list[Result] = []

    with ExitStack() as stack:
        ours_port, tipg_port = port_free(), port_free()
        server_start(stack, "gunicorn", [
            str(ROOT / ".venv" / "bin" / "gunicorn"), "gis_portal.wsgi", "--chdir", str(ROOT),
            "-b", f"127.0.0.1:{ours_port}", "-w", "2", "-k", "gthread", "--threads", "2",
        ], django_env(url))
        tipg_env = dict(os.environ)
        tipg_env.update({
            "DATABASE_URL": url,
            # Schema-qualified, or tipg silently hides the table (setup-findings P18).
            "TIPG_DB_SCHEMAS": '["public"]',
            "TIPG_DB_TABLES": f'["public.{TABLE}"]',
            "TIPG_DB_EXCLUDE_FUNCTION_SCHEMAS": '["public"]',
            "TIPG_MAX_FEATURES_PER_TILE": "10000",
        })
        server_start(stack, "tipg", [
            str(BENCH_VENV / "bin" / "uvicorn"), "tipg.main:app", "--host", "127.0.0.1",
            "--port", str(tipg_port), "--no-access-log", "--log-level", "warning",
        ], tipg_env)

        wait_http(f"http://127.0.0.1:{ours_port}/tiles/{LAYER}.json")
        wait_http(f"http://127.0.0.1:{tipg_port}/collections")
        # Like the browser: ask the TileJSON for the current versioned URL, then request tiles from it.
        import json

        with urllib.request.urlopen(f"http://127.0.0.1:{ours_port}/tiles/{LAYER}.json") as response:
            template = json.loads(response.read())["tiles"][0]
        ours_template = "/" + template.split("/", 3)[3]
        tipg_template = f"/collections/public.{TABLE}/tiles/WebMercatorQuad/{{z}}/{{x}}/{{y}}"

        def paths(template: str, chosen: list[tuple[int, int, int]]) -> list[str]:
            return [template.format(z=z, x=x, y=y) for z, x, y in chosen]

        servers = [
            ("gis_portal /tiles (gunicorn 2x2)", ours_port, ours_template),
            ("tipg 1.6 (uvicorn, 1 process)", tipg_port, tipg_template),
        ]
        for name, port, template in servers:
            run_http(name, port, paths(template, warm), args.concurrency)
            results.append(run_http(name, port, paths(template, timed), args.concurrency))
        results.append(run_sql(url, sql, org_id, timed, args.concurrency))

    by_zoom: dict[int, int] = {}
    for z, _x, _y in timed:
        by_zoom[z] = by_zoom.get(z, 0) + 1
    print()
    print(f"{parcels:,} parcels; {len(timed):,} requests per server over z14-z18 tiles "
          f"({', '.join(f'z{z}: {n}' for z, n in sorted(by_zoom.items()))}); concurrency {args.concurrency}; "
          f"{os.cpu_count()} cores shared by client, servers and PostgreSQL")
    print(f"{'server':<34} {'req/s':>9} {'p50 ms':>9} {'p95 ms':>9} {'mean KiB':>10} {'errors':>7}")
    for result in results:
        print(result.row())
    ours, tipg, bare = results
    if ours.latencies_s and tipg.latencies_s and bare.latencies_s:
        ours_p95 = sorted(ours.latencies_s)[math.ceil(0.95 * len(ours.latencies_s)) - 1]
        bare_p95 = sorted(bare.latencies_s)[math.ceil(0.95 * len(bare.latencies_s)) - 1]
        ratio = (len(ours.latencies_s) / ours.wall_s) / (len(tipg.latencies_s) / tipg.wall_s)
        print(f"throughput ours/tipg: {ratio:.2f}x (goal >= 1.0); "
              f"p95 ours/bare SQL: {ours_p95 / bare_p95:.2f}x (goal <= 1.5)")
    print("tipg's tiles carry every column of the table; ours carry the public audience's three attributes,"
          " two of them from correlated subqueries (land use, village).")
    return 0


if __name__ == "__main__":
    if shutil.which("psql") is None and not VENV_PYTHON.exists():
        sys.exit("run with the project venv: .venv/bin/python bench/tiles.py")
    sys.exit(main())
