"""Helpers for tests that read what a person would see: PDF text and pictures."""

import subprocess
from pathlib import Path

# HarfBuzz draws sara am (ำ) as nikhahit + sara aa glyphs, and poppler maps the glyphs back to plain sara aa
# (ตำบล → ตาบล). The rendering is right (checked as PNG); only the extraction loses the mark, so tests compare
# with sara am folded.
_FOLD = str.maketrans({"ำ": "า", "ํ": None})


def fold_thai(text: str) -> str:
    return text.translate(_FOLD)


def pdf_text(pdf: bytes | Path, *, layout: bool = False) -> str:
    """The text of a PDF as pdftotext (poppler) reads it, with sara am folded (see above)."""
    args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    out = subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode("utf-8")
    return fold_thai(out)


def pdf_fonts(pdf: bytes) -> str:
    return subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
