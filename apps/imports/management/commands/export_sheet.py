"""manage.py export_sheet OUT.pdf --scale 1000|4000
(--block 01A | --sheet "5642 III 0448" | --centre "LAT,LON")
[--paper A3|A1] [--grid utm|indian1975] [--org SLUG] [--lang th|en]"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from apps.imports import sheet_export, sheets
from apps.imports.sheet_forms import default_paper, parse_centre, sheet_error_message
from apps.organisations.commands import organisation_from_option
from apps.registry.models import TaxMapBlock


class Command(BaseCommand):
    help = "Print a tax map sheet (block, Land Department sheet or centre point) to PDF at 1:1000 or 1:4000."

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path)
        parser.add_argument("--scale", type=int, required=True, choices=sheets.SCALES)
        parser.add_argument(
            "--paper", choices=list(sheets.PAPER_SIZES_MM), help="default: GIS_PORTAL_SHEET_PAPER or A3"
        )
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--block", help="block code, e.g. 01A")
        what.add_argument("--sheet", help='Land Department 1:4,000 sheet, e.g. "5642 III 0448"')
        what.add_argument("--centre", help='"lat,lon" or "easting,northing" in the organisation\'s UTM zone')
        parser.add_argument("--grid", choices=["utm", "indian1975"], default="utm")
        parser.add_argument("--org", help="organisation slug (needed when there are several)")
        parser.add_argument("--lang", default="th", help="language of the title block (default th)")

    def handle(self, *args, **opts):
        org = organisation_from_option(opts["org"])
        with translation.override(opts["lang"]):
            try:
                centre = (
                    parse_centre(opts["centre"], utm_zone=sheet_export.org_utm_zone(org))
                    if opts["centre"]
                    else None
                )
                request = sheet_export.SheetRequest(
                    scale=opts["scale"],
                    paper=opts["paper"] or default_paper(),
                    grid=opts["grid"],
                    block_code=opts["block"],
                    sheet_name=opts["sheet"],
                    centre_lonlat=centre,
                )
                result = sheet_export.sheet_pdf(org=org, request=request, printed_on=timezone.localdate())
            except TaxMapBlock.DoesNotExist:
                raise CommandError(f"No block {opts['block']} in {org.slug}.") from None
            except sheets.SheetError as exc:
                raise CommandError(sheet_error_message(exc)) from None
            except ValidationError as exc:  # a centre that is not two numbers
                raise CommandError("; ".join(exc.messages)) from None
        opts["out"].write_bytes(result.pdf)
        self.stdout.write(
            self.style.SUCCESS(
                f"wrote {opts['out']}: {result.pages} page(s), {result.parcels} parcels, "
                f"{result.unlabelled} too small for a code"
            )
        )
