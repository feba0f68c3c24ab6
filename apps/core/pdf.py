"""Thai PDFs (notices, receipts, map sheets) with WeasyPrint and the Sarabun font served from the project.

The font comes from npm (@fontsource/sarabun) through staticfiles, never from the internet, and is named
directly: fontconfig's "TH Sarabun New" alias renders squashed glyphs in WeasyPrint (setup-findings P12).
"""

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# One family name per subset file. Declared as one family with unicode-range, WeasyPrint 70 embeds the Thai
# and the Latin file as a single font per weight and the glyph ids of one script point into the other file:
# a receipt mixing Thai and digits printed garbage (seen as PNG, while pdftotext still read it right).
_SUBSETS = ("latin", "thai")
_WEIGHTS = (400, 700)
FONT_FAMILY = "'Sarabun latin', 'Sarabun thai', 'Laksaman', sans-serif"


@cache
def font_face_css() -> str:
    rules = []
    for weight in _WEIGHTS:
        for subset in _SUBSETS:
            name = f"sarabun-{subset}-{weight}-normal.woff2"
            path = finders.find(f"vendor/sarabun/{name}")
            if path is None:
                raise FileNotFoundError(f"Sarabun font {name} not found: run `npm ci` (scripts/up does).")
            rules.append(
                f"@font-face {{ font-family: 'Sarabun {subset}'; font-style: normal; font-weight: {weight}; "
                f"src: url('{Path(path).as_uri()}') format('woff2'); }}"
            )
    return "\n".join(rules)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template extending ``pdf/base.html`` to PDF bytes."""
    from weasyprint import HTML  # imported here: WeasyPrint loads Pango, which most requests never need

    context = {**context, "pdf_font_face_css": font_face_css(), "pdf_font_family": FONT_FAMILY}
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(Path(__file__).resolve().parent)).write_pdf()
