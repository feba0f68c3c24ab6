"""manage.py export_layer LAYER OUT --format F [--srid N] [--village MOO] [--use CODE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.imports import exporters
from apps.organisations.commands import organisation_from_option


class Command(BaseCommand):
    help = "Export a layer to Shapefile (zip), GeoPackage, GeoJSON, KML, DXF or CSV."

    def add_arguments(self, parser):
        parser.add_argument("layer", choices=list(exporters.LAYERS))
        parser.add_argument("out", type=Path)
        parser.add_argument("--format", dest="fmt", required=True, choices=list(exporters.FORMATS))
        parser.add_argument("--srid", type=int, default=4326)
        parser.add_argument(
            "--encoding",
            default="cp874",
            choices=exporters.SHAPEFILE_ENCODINGS,
            help="shapefile text encoding (cp874 for LTAX and old desktop tools)",
        )
        parser.add_argument("--village", type=int, help="only this village no. (Moo)")
        parser.add_argument("--use", type=int, help="only parcels with this land-use code")
        parser.add_argument("--org", help="organisation slug (needed when there are several)")

    def handle(self, *args, **opts):
        try:
            written = exporters.export_layer(
                org=organisation_from_option(opts["org"]),
                layer=opts["layer"],
                fmt=opts["fmt"],
                out=opts["out"],
                srid=opts["srid"],
                encoding=opts["encoding"],
                village_no=opts["village"],
                land_use=opts["use"],
            )
        except exporters.ExportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"wrote {written}"))
