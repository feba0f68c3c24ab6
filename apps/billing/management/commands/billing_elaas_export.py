"""`manage.py billing_elaas_export --day 2026-06-15 [--org slug] [--out f.csv]`: receipts for e-LAAS.

Layout: apps/billing/exports.py (docstring) and apps/billing/docs/elaas-export.md.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.billing.exports import elaas_receipts_csv
from apps.organisations.commands import organisation_from_option


class Command(BaseCommand):
    help = "Write the receipts of one day as the e-LAAS CSV (stdout or --out)."

    def add_arguments(self, parser):
        parser.add_argument("--day", required=True, help="YYYY-MM-DD")
        parser.add_argument("--org")
        parser.add_argument("--out")

    def handle(self, *args, day, org, out, **options):
        try:
            when = dt.date.fromisoformat(day)
        except ValueError:
            raise CommandError("--day must be YYYY-MM-DD.") from None
        text = elaas_receipts_csv(org=organisation_from_option(org), day=when)
        if out:
            Path(out).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
