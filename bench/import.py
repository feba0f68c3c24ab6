"""Import benchmark: 100,000 parcels from a GeoPackage, our import vs ogr2ogr into PostGIS (prints only).

    .venv/bin/python bench/import.py [--parcels 100000] [--keep]

The issue's goal: our import within 3x ogr2ogr's time, the worker under 400 MB of memory (max RSS of the
`manage.py import_layer` child). Runs against DATABASE_URL (default: the project-local cluster) in a
throw-away organisation it removes.

What each side does, so the ratio is read honestly:
- ogr2ogr, twice, both timed as a whole process (GDAL starts in ~0.05 s):
  (a) "new table": its default, a fresh table loaded by COPY, the GiST index built once after the load;
  (b) "indexed table": -append into a table created beforehand with a GiST index on geom and a unique and a
      pattern index on the code, so like registry_parcel every index is maintained row by row.
  Neither reprojects, validates, checks the organisation's boundary, duplicates or overlaps, nor writes
  history, links or a report.
- ours: `manage.py import_layer` in a child process: inspect, stage (COPY), validate (GEOS in the worker,
  SQL against the registry), commit in one transaction (parcels into a table that already holds rows and
  has 9 indexes and 3 foreign keys, a history row per parcel into a table with 10 indexes, a link row per
  parcel for undo). Timed two ways: the child's wall time, and the sum of its own steps (--timings), which
  leaves out starting Python and Django, as the web worker has long done that when a user imports.
The goal ratio is taken on the steps against (b); the other two ratios are printed beside it.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")


def make_gpkg(path: Path, count: int) -> None:
    import numpy as np
    import pyogrio
    import shapely

    # A grid of ~15 m squares inside Sai Thong (103.1451-103.1944 E, 16.7014-16.7711 N).
    side = int(np.ceil(np.sqrt(count)))
    step = 0.047 / side
    i = np.arange(count)
    x0 = 103.146 + (i % side) * step
    y0 = 16.702 + (i // side) * step
    size = step * 0.9
    boxes = shapely.box(x0, y0, x0 + size, y0 + size)
    multi = shapely.multipolygons(boxes[:, None]) if hasattr(shapely, "multipolygons") else boxes
    codes = np.array(
        [f"{1 + n // 25974:02d}{chr(65 + (n // 999) % 26)}{1 + n % 999:03d}" for n in i], dtype=object
    )
    owners = np.array([f"นายทดสอบ ทรายทอง {n}" for n in i], dtype=object)
    deeds = np.array([str(10000 + n) for n in i], dtype=object)
    pyogrio.raw.write(
        str(path),
        shapely.to_wkb(multi),
        [codes, deeds, owners],
        ["PCODE", "DEED_NO", "OWNER"],
        driver="GPKG",
        layer="parcels",
        crs="EPSG:4326",
        geometry_type="MultiPolygon",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="leave the imported parcels in place")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError, connection

    from apps.imports import services
    from apps.imports.models import ImportJob
    from apps.organisations.models import Organisation
    from apps.organisations.tests.factories import SAI_THONG_BBOX, bbox_multipolygon

    db = settings.DATABASES["default"]
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    gpkg = work / "parcels.gpkg"
    t = time.perf_counter()
    make_gpkg(gpkg, args.parcels)
    print(
        f"made {gpkg} with {args.parcels:,} parcels ({gpkg.stat().st_size / 1e6:.1f} MB) "
        f"in {time.perf_counter() - t:.1f} s"
    )

    pg = (
        f"PG:host={db['HOST']} port={db['PORT']} dbname={db['NAME']} user={db['USER']} "
        f"password={db['PASSWORD']}"
    )
    ogr = [
        "ogr2ogr",
        "--config",
        "PG_USE_COPY",
        "YES",
        "-f",
        "PostgreSQL",
        pg,
        str(gpkg),
        "-nlt",
        "MULTIPOLYGON",
    ]
    table = "bench_ogr2ogr_parcels"
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {table}")
    t = time.perf_counter()
    subprocess.run(
        [*ogr, "-nln", table, "-overwrite", "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST"],
        check=True,
    )
    ogr_new_s = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexdef ILIKE %s", [table, "%gist%"]
        )
        gist = cur.fetchone()[0]
        cur.execute(f"DROP TABLE IF EXISTS {table}")
        cur.execute(
            f"CREATE TABLE {table} (id serial PRIMARY KEY, pcode varchar(32) NOT NULL UNIQUE, "
            "deed_no varchar(20), owner varchar(200), geom geometry(MultiPolygon, 4326))"
        )
        cur.execute(f"CREATE INDEX ON {table} USING gist (geom)")
        cur.execute(f"CREATE INDEX ON {table} (pcode varchar_pattern_ops)")
    t = time.perf_counter()
    subprocess.run([*ogr, "-nln", table, "-append"], check=True)
    ogr_s = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our constant name
        loaded = cur.fetchone()[0]
        cur.execute(f"DROP TABLE IF EXISTS {table}")
    print(f"ogr2ogr -> PostGIS, new table (GiST index: {'yes' if gist else 'NO'}): {ogr_new_s:.2f} s")
    print(f"ogr2ogr -> PostGIS, indexed table (GiST + unique code): {ogr_s:.2f} s, {loaded:,} rows")

    org, _ = Organisation.objects.get_or_create(
        dla_code="9999999",
        defaults={
            "slug": "bench-import",
            "name_th": "อบต.ทดสอบความเร็ว",
            "name_en": "Bench SAO",
            "boundary": bbox_multipolygon(SAI_THONG_BBOX),
        },
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-import")
    t = time.perf_counter()
    # os.wait4 gives this one child's max RSS (RUSAGE_CHILDREN would mix in ogr2ogr's).
    child = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "import_layer",
            "parcels",
            str(gpkg),
            "--org",
            org.slug,
            "--user",
            user.username,
            "--timings",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    out = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    ours_s = time.perf_counter() - t
    rss_mb = usage.ru_maxrss / 1024
    steps = {name: float(seconds) for name, seconds in re.findall(r"\[([^:\]]+): ([\d.]+) s\]", out)}
    steps_s = sum(steps.values())
    job = ImportJob.objects.filter(organisation=org).order_by("-pk").first()
    print("our import steps: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in steps.items()))
    print(
        f"our import: steps {steps_s:.2f} s, child process {ours_s:.2f} s; "
        f"{job.created_count if job else 0:,} parcels; worker max RSS {rss_mb:.0f} MB (goal < 400 MB); "
        f"exit status {status}"
    )
    print(
        f"ratio: steps / ogr2ogr indexed table {steps_s / ogr_s:.1f}x (goal <= 3x); "
        f"steps / ogr2ogr new table {steps_s / ogr_new_s:.1f}x; child / ogr2ogr new table "
        f"{ours_s / ogr_new_s:.1f}x"
    )
    if not args.keep and job is not None:
        t = time.perf_counter()
        services.job_undo(job=job, by=user)
        print(f"undo of {job.created_count:,} parcels: {time.perf_counter() - t:.1f} s")
        ImportJob.objects.filter(organisation=org).delete()
        try:
            org.delete()
            user.delete()
        except DatabaseError as exc:  # another app's table missing in a half-migrated dev database
            print(f"left the bench organisation in place: {exc}".splitlines()[0])


if __name__ == "__main__":
    main()
