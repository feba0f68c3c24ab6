"""Thai PDFs render with the project's own Sarabun font and come back out as the same Thai text."""

import subprocess

from apps.core.pdf import render_pdf
from apps.core.testing import fold_thai, pdf_text

STRESS = "ปู่ ป่า ฝ้าย ฟื้นฟู ปิ่น น้ำ ญาติ ฐาน กฎ ฎีกา ตั๋ว ผู้ใหญ่บ้าน ฤๅษี ๒๕๖๙"


def test_thai_pdf_embeds_sarabun_and_round_trips_the_text(tmp_path):
    pdf = render_pdf("pdf/font_check.html", {"title": "องค์การบริหารส่วนตำบลทรายทอง", "text": STRESS})
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Sarabun" in fonts and "DejaVu" not in fonts
    text = pdf_text(pdf)
    assert fold_thai("องค์การบริหารส่วนตำบลทรายทอง") in text
    for word in ("ผู้ใหญ่บ้าน", "ฟื้นฟู", "ตั๋ว", "๒๕๖๙"):
        assert word in text


def test_the_page_is_drawn_not_blank(tmp_path):
    pdf = render_pdf("pdf/font_check.html", {"title": "ทดสอบ", "text": STRESS})
    (tmp_path / "p.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-singlefile", str(tmp_path / "p.pdf"), str(tmp_path / "p")],
        check=True,
    )
    png = (tmp_path / "p.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 1500
