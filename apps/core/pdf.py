"""Thai PDFs (notices, receipts, map sheets) with WeasyPrint and the Sarabun font served from the project.

The font comes from npm (@fontsource/sarabun) through staticfiles, never from the internet, and is named
directly: fontconfig's "TH Sarabun New" alias renders squashed glyphs in WeasyPrint (setup-findings P12).
"""

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

_FONT_FILES = {
    # (weight, subset) → file in node_modules/@fontsource/sarabun/files, mapped to static/vendor/sarabun/
    (400, "thai"): "sarabun-thai-400-normal.woff2",
    (400, "latin"): "sarabun-latin-400-normal.woff2",
    (700, "thai"): "sarabun-thai-700-normal.woff2",
    (700, "latin"): "sarabun-latin-700-normal.woff2",
}
_UNICODE_RANGES = {"thai": "U+0E01-0E5B, U+200C-200D, U+25CC", "latin": "U+0000-00FF, U+2000-206F, U+20AC"}


@cache
def font_face_css() -> str:
    rules = []
    for (weight, subset), name in _FONT_FILES.items():
        path = finders.find(f"vendor/sarabun/{name}")
        if path is None:
            raise FileNotFoundError(f"Sarabun font {name} not found: run `npm ci` (scripts/up does).")
        rules.append(
            "@font-face { font-family: 'Sarabun'; font-style: normal; "
            f"font-weight: {weight}; src: url('{Path(path).as_uri()}') format('woff2'); "
            f"unicode-range: {_UNICODE_RANGES[subset]}; }}"
        )
    return "\n".join(rules)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template extending ``pdf/base.html`` to PDF bytes."""
    from weasyprint import HTML  # imported here: WeasyPrint loads Pango, which most requests never need

    html = render_to_string(template_name, {**context, "pdf_font_face_css": font_face_css()})
    return HTML(string=html, base_url=str(Path(__file__).resolve().parent)).write_pdf()
