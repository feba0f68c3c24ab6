"""manage.py import_layer parcels FILE [--srid N] [--encoding E] [--layer L] [--map parcel_code=PCODE …]

Runs the same steps as the web page: inspect, check, and (unless --dry-run or errors) commit in one
transaction.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.imports import crs, services
from apps.imports.models import ImportIssue, ImportJob
from apps.imports.readers import ImportRejected
from apps.imports.validation import TARGET_KEYS
from apps.organisations.commands import organisation_from_option

from ._common import user


class Command(BaseCommand):
    help = "Import a layer (parcels) from a Shapefile zip, GeoPackage, GeoJSON, KML/KMZ, DXF, CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("layer", choices=[t.value for t in ImportJob.Target])
        parser.add_argument("file", type=Path)
        parser.add_argument("--srid", type=int, help="EPSG code when the file does not say (24047, 24048, …)")
        parser.add_argument("--encoding", help="text encoding of the attributes, e.g. cp874 or utf-8")
        parser.add_argument(
            "--layer", dest="source_layer", help="layer inside a GeoPackage, or sheet of an Excel workbook"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="TARGET=COLUMN",
            help=f"field mapping; targets: {', '.join(TARGET_KEYS)}",
        )
        parser.add_argument("--org", help="organisation slug (needed when there are several)")
        parser.add_argument("--user", help="username the import is recorded for (default: first superuser)")
        parser.add_argument("--make-valid", action="store_true", help="repair invalid rings")
        parser.add_argument("--skip-invalid", action="store_true", help="leave out features with errors")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument("--timings", action="store_true", help="print the seconds each step took")

    def _step(self, opts, name: str) -> None:
        now = time.perf_counter()
        if opts["timings"]:
            self.stdout.write(f"  [{name}: {now - self._t:.2f} s]")
        self._t = now

    def handle(self, *args, **opts):
        self._t = time.perf_counter()
        org, by = organisation_from_option(opts["org"]), user(opts["user"])
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        try:
            job = services.job_create_from_path(org=org, user=by, path=path)
        except ImportRejected as exc:
            raise CommandError(exc.message) from None
        self._step(opts, "store + inspect")
        info = job.inspection
        self.stdout.write(
            f"import {job.pk}: {info['driver']} layer {info['layer']!r}, {info['feature_count']} features, "
            f"fields {', '.join(info['fields'])}; CRS {job.source_srid or 'not stated'}; "
            f"encoding {job.encoding or 'ascii'} ({info['encoding_from']})"
        )
        if info["preview"]:
            self.stdout.write(f"first row: {info['preview'][0]}")
        field_map = dict(job.field_map)
        for item in opts["map"]:
            target, _, column = item.partition("=")
            field_map[target.strip()] = column.strip()
        try:
            if opts["srid"] is None and job.source_srid is None:
                offered = ", ".join(f"{srid}" for srid, _label in crs.OFFERED_SRIDS)
                raise CommandError(f"the file does not state its coordinate system: pass --srid ({offered})")
            services.job_configure(
                job=job,
                source_srid=opts["srid"],
                field_map=field_map,
                layer=opts["source_layer"],
                encoding=opts["encoding"],
                make_valid=opts["make_valid"],
            )
        except (services.ImportRefused, ImportRejected, CommandError) as exc:
            services.job_discard(job=job)
            raise CommandError(getattr(exc, "message", str(exc))) from None
        job = services.job_run(job=job)
        self._step(opts, "stage + validate")
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.message)
        self.stdout.write(
            f"checked {job.feature_count} features: {job.error_count} with errors, "
            f"{job.warning_count} with warnings"
        )
        if job.message:
            self.stdout.write(self.style.WARNING(job.message))
        for issue in ImportIssue.objects.filter(job=job)[:20]:
            self.stdout.write(f"  feature {issue.feature_no}: {issue.severity} {issue.code}: {issue.message}")
        if opts["dry_run"]:
            self.stdout.write("dry run: nothing written")
            return
        try:
            services.job_request_commit(job=job, skip_invalid=opts["skip_invalid"])
            job = services.job_commit(job=job, by=by)
            self._step(opts, "commit")
        except services.ImportRefused as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(f"import {job.pk}: {job.created_count} parcels created"))
