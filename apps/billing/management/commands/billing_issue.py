"""`manage.py billing_issue --year 2569 [--org slug]`: a bill for every issued assessment without one."""

from django.core.management.base import BaseCommand

from apps.billing.services import bills_issue_for_year
from apps.organisations.commands import organisation_from_option


class Command(BaseCommand):
    help = "Make bills (with their Thai QR reference) from the issued assessments of a tax year (B.E.)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--org")

    def handle(self, *args, year, org, **options):
        made = bills_issue_for_year(org=organisation_from_option(org), tax_year=year)
        self.stdout.write(f"{made} bills made for tax year {year}.")
