"""The import worker: runs queued import jobs (check, commit) one by one; --once drains the queue, stops."""

import time

from django.core.management.base import BaseCommand

from apps.imports import services


class Command(BaseCommand):
    help = "Run queued import jobs (use when GIS_PORTAL_IMPORT_RUN_IN_THREAD is off)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is queued, then exit")
        parser.add_argument("--poll-seconds", type=float, default=2.0)

    def handle(self, *args, **opts):
        while True:
            job = services.job_run_next()
            if job is not None:
                self.stdout.write(f"import {job.pk}: {job.status}")
                continue
            if opts["once"]:
                return
            time.sleep(opts["poll_seconds"])
