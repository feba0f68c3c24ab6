"""`manage.py tax_quote FILE|-`: the tax-quote contract (shared/domain/tax-quote-contract.md) on the CLI."""

import json
import sys

from django.core.management.base import BaseCommand

from apps.taxation.domain import QuoteInputError, parse_quote_json, quote
from apps.taxation.engine_settings import engine_settings


class Command(BaseCommand):
    help = "Quote the land and building tax for one taxpayer's JSON document (FILE, or - for standard input)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON document, or - to read standard input")

    def handle(self, *args, file: str, **options):
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as error:
            self._refuse(f"cannot read {file}: {error.strerror}")
        try:
            answer = quote(parse_quote_json(text), settings=engine_settings())
        except QuoteInputError as error:
            self._refuse(str(error))
        self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))

    def _refuse(self, reason: str):
        # The contract: bad input → exit 2 and a one-line reason on standard error (no traceback).
        sys.stderr.write(" ".join(reason.split()) + "\n")
        sys.exit(2)
