"""`manage.py load_prices land|buildings|condos FILE --round 2566-2569 --valid-from 2023-01-01 [--org x]`."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from apps.organisations.commands import organisation_from_option
from apps.valuation.services import (
    PriceFileError,
    building_prices_load,
    condo_prices_load,
    land_prices_load,
)

LOADERS = {"land": land_prices_load, "buildings": building_prices_load, "condos": condo_prices_load}


class Command(BaseCommand):
    help = (
        "Load a Treasury price list (CSV, UTF-8, header on line 1) into an appraisal round. "
        "land: columns block (tax-map block code such as 01A) or parcel (parcel code, for per-parcel "
        "prices), "
        "and price_per_sq_wa (baht). buildings: columns building_type (registry code such as 101) and "
        "price_per_sqm (baht, before depreciation). condos: columns parcel (parcel code), building_no "
        "(the condominium building's number on the parcel) and price_per_sqm (baht, the units' price). "
        "All or nothing: any bad row refuses the whole file, listing every bad line. Loading a kind again "
        "into the same round replaces that kind's prices (the old ones stay in history)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["land", "buildings", "condos"])
        parser.add_argument("file", help="CSV file, or - for standard input")
        parser.add_argument("--round", required=True, help="appraisal round name, e.g. 2566-2569")
        parser.add_argument(
            "--valid-from", help="first day of the round (YYYY-MM-DD, C.E.); required when new"
        )
        parser.add_argument("--valid-to", help="last day of the round (YYYY-MM-DD, C.E.)")
        parser.add_argument("--org", help="organisation slug (needed when there is more than one)")

    def handle(self, *args, kind, file, round, valid_from, valid_to, org, **options):
        organisation = organisation_from_option(org)
        try:
            text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8-sig").read()  # noqa: SIM115
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(_("cannot read %(file)s: %(error)s") % {"file": file, "error": exc}) from exc
        loader = LOADERS[kind]
        try:
            result = loader(
                org=organisation,
                round_name=round,
                text=text,
                valid_from=self._date(valid_from, "--valid-from"),
                valid_to=self._date(valid_to, "--valid-to"),
            )
        except PriceFileError as exc:
            for line, message in exc.errors:
                self.stderr.write(_("line %(line)s: %(message)s") % {"line": line, "message": message})
            raise CommandError(_("nothing was loaded")) from exc
        self.stdout.write(
            _(
                "Round %(round)s: %(blocks)s block, %(parcels)s parcel, %(buildings)s building and "
                "%(condos)s condominium prices loaded."
            )
            % {
                "round": result.appraisal_round.name,
                "blocks": result.block_prices,
                "parcels": result.parcel_prices,
                "buildings": result.building_prices,
                "condos": result.condo_prices,
            }
        )

    @staticmethod
    def _date(text, option):
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise CommandError(_("%(option)s must be a date like 2023-01-01") % {"option": option}) from exc
