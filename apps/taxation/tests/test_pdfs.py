"""ภ.ด.ส.3, ภ.ด.ส.6 + ภ.ด.ส.7 (ภ.ด.ส.8 for a unit) as a taxpayer reads them: text checked with pdftotext,
pages rendered to PNG (GIS_PORTAL_KEEP_PDF=/some/dir keeps the files to look at: pdftoppm -png -r 80 x.pdf x).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from apps.core.testing import fold_thai, pdf_text
from apps.taxation.models import Assessment
from apps.taxation.pdfs import _nice_length, notice_pdf, parcel_map_svg, property_list_pdf
from apps.taxation.selectors import Shape, parcel_map_shapes
from apps.taxation.services import assessments_issue

from .test_views import YEAR, taxdata  # noqa: F401 - the fixture


def keep(pdf: bytes, name: str) -> None:
    folder = os.environ.get("GIS_PORTAL_KEEP_PDF")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(pdf)


def page_count(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_notice_has_the_facts_in_thai(org, taxdata):  # noqa: F811
    assessments_issue(org=org, tax_year=YEAR)
    assessment = Assessment.objects.select_related("organisation", "owner").get(pk=taxdata["a"].pk)
    pdf = notice_pdf([assessment])
    keep(pdf, "notice.pdf")
    text = pdf_text(pdf)
    assert "ภ.ด.ส.6" in text and "ภ.ด.ส.7" in text
    assert fold_thai(org.name_th) in text
    assert fold_thai("มานี มีนา") in text
    assert "600.00" in text
    assert fold_thai("หกร้อยบาทถ้วน") in text  # the total in words
    assert fold_thai("30 มิถุนายน 2569") in text  # payment due, Buddhist Era (2569 calendar, §11.2)
    assert "01A001" in text and "01A002" in text
    # each line on the sheet names its rules
    assert "s.41 para 1" in text and "s.94(5)" in text
    assert "760,000.00" in text  # 01A001: land 400,000 + house 360,000
    assert "40%" in text  # the wooden house's depreciation at age 10
    assert draft_mark() not in text


def draft_mark() -> str:
    with translation.override("th"):
        return fold_thai(gettext("DRAFT — not yet issued"))


def test_a_draft_notice_says_so(org, taxdata):  # noqa: F811
    pdf = notice_pdf([taxdata["a"]])
    assert draft_mark() in pdf_text(pdf)


def test_property_list_has_land_and_buildings(org, taxdata):  # noqa: F811
    pdf = property_list_pdf([taxdata["a"]])
    keep(pdf, "property_list.pdf")
    text = pdf_text(pdf)
    assert "ภ.ด.ส.3" in text
    assert "01A001" in text and "01A002" in text
    assert "01A001-B001" in text
    assert "1-0-00" in text  # 400 sq wa as deed text
    assert fold_thai("บ้านทรายทอง") in text  # the village
    assert "101" in text and fold_thai("บ้านพัก") in text  # building type 101, its Thai name


def test_village_batch_is_one_file_with_two_pages_per_taxpayer(org, taxdata):  # noqa: F811
    rows = list(
        Assessment.objects.filter(organisation=org, tax_year=YEAR).select_related("organisation", "owner")
    )
    pdf = notice_pdf(rows)
    keep(pdf, "batch.pdf")
    assert page_count(pdf) >= 2 * len(rows) == 6
    text = pdf_text(pdf)
    for code in ("01A001", "01A003", "01A004"):
        assert code in text


def test_condominium_unit_prints_on_a_pds8_sheet(org, taxdata):  # noqa: F811
    unit = Assessment.objects.create(
        organisation=org,
        tax_year=YEAR,
        owner=taxdata["E"],
        input_document={
            "tax_year": YEAR,
            "taxpayer": {"type": "individual"},
            "properties": [
                {
                    "ref": "C-12/3",
                    "condo_unit": {"area_sqm": "30", "price_per_sqm": "25000"},
                    "uses": {"other": "1"},
                }
            ],
        },
        provenance={"properties": [{"ref": "C-12/3"}]},
        result={
            "lines": [
                {
                    "ref": "C-12/3",
                    "refs": ["C-12/3"],
                    "use": "other",
                    "table": "O",
                    "exempt": None,
                    "base": "750000.00",
                    "allowance": "0.00",
                    "taxable": "750000.00",
                    "slices": [{"from": "0.00", "to": "750000.00", "rate_pct": "0.3", "tax": "2250.00"}],
                    "reductions": [],
                    "tax": "2250.00",
                    "tax_satang": 225000,
                    "rules": ["s.35", "s.94(5)"],
                }
            ],
            "payment_due": "2026-06-30",
        },
        total_satang=225000,
    )
    pdf = notice_pdf([Assessment.objects.select_related("organisation", "owner").get(pk=unit.pk)])
    text = pdf_text(pdf)
    assert "ภ.ด.ส.8" in text
    assert "750,000.00" in text and "2,250.00" in text


def test_pages_render_to_png(org, taxdata, tmp_path):  # noqa: F811
    pdf = notice_pdf([taxdata["a"]])
    (tmp_path / "n.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(tmp_path / "n.pdf"), str(tmp_path / "n")], check=True)
    pngs = sorted(tmp_path.glob("n-*.png"))
    assert len(pngs) == page_count(pdf)
    assert all(png.stat().st_size > 5000 for png in pngs)


# --- the small map ------------------------------------------------------------------------------------------


def test_map_shapes_are_the_parcel_and_its_neighbours_in_utm(org, taxdata):  # noqa: F811
    shapes = parcel_map_shapes(org=org, parcel_ids=[taxdata["p2"].pk])[taxdata["p2"].pk]
    codes = {shape.code for shape in shapes}
    assert {"01A001", "01A002", "01A003"} <= codes  # the squares on either side
    target = next(shape for shape in shapes if shape.is_target)
    assert target.code == "01A002"
    xs = [x for x, _ in target.rings[0]]
    assert 40 < max(xs) - min(xs) < 46  # 0.0004° of longitude at 16.7° N is ~42.6 m: metres, not degrees
    assert 200_000 < min(xs) < 800_000  # a UTM easting


def test_map_svg_draws_and_labels_the_parcel():
    square = [(0.0, 0.0), (40.0, 0.0), (40.0, 40.0), (0.0, 40.0), (0.0, 0.0)]
    right = [(x + 40, y) for x, y in square]
    svg = parcel_map_svg(
        [Shape(1, "01A<1>", [square], (20.0, 20.0), True), Shape(2, "01A002", [right], (60.0, 20.0), False)]
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "01A&lt;1&gt;" in svg  # escaped
    assert "01A002" in svg
    assert svg.count("<path") == 3  # neighbour, target, north arrow
    assert "20 m" in svg  # scale bar: a quarter of the 80 m view


def test_map_svg_without_geometry_is_empty():
    assert parcel_map_svg([]) == ""


@pytest.mark.parametrize(("metres", "nice"), [(0.5, 1), (16, 10), (23, 20), (70, 50), (999, 500)])
def test_scale_bar_lengths(metres, nice):
    assert _nice_length(metres) == nice
