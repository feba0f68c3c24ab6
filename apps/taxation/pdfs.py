"""Thai PDFs the tax officer hands out: ภ.ด.ส.3 (property list), ภ.ด.ส.6 (assessment notice) with its
ภ.ด.ส.7 calculation sheet (ภ.ด.ส.8 for a condominium unit), one taxpayer or a whole village in one file.

Rendered in Thai whatever the officer's page language (official documents, land-building-tax.md §11.1),
printed from what the run froze (input, provenance, answer), never from today's registry. Each parcel gets a
small map drawn here as inline SVG from its geometry in the organisation's UTM zone: no tiles, no internet.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.core.domain.baht_text import baht_text_from_satang
from apps.core.pdf import render_pdf
from apps.taxation import selectors
from apps.taxation.models import Assessment
from apps.taxation.selectors import Shape

MAP_BOX_PX = 200  # the SVG's own units; the template sets its printed size


def _render(template: str, context: dict) -> bytes:
    with translation.override("th"):
        return render_pdf(template, context)


# --- the small map ----------------------------------------------------------------------------------------


def _nice_length(metres: float) -> int:
    """A round scale-bar length (1, 2, 5 × 10^n m) not longer than ``metres``."""
    if metres <= 1:
        return 1
    power = 10 ** math.floor(math.log10(metres))
    for step in (5, 2, 1):
        if step * power <= metres:
            return int(step * power)
    return int(power)


def _clip(ring: list[tuple[float, float]], box: float) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of a ring (in SVG units) inside the square 0..box, for placing a label."""
    edges = (
        (lambda p: p[0] >= 0, lambda a, b: (0.0, a[1] + (b[1] - a[1]) * (0 - a[0]) / (b[0] - a[0]))),
        (lambda p: p[0] <= box, lambda a, b: (box, a[1] + (b[1] - a[1]) * (box - a[0]) / (b[0] - a[0]))),
        (lambda p: p[1] >= 0, lambda a, b: (a[0] + (b[0] - a[0]) * (0 - a[1]) / (b[1] - a[1]), 0.0)),
        (lambda p: p[1] <= box, lambda a, b: (a[0] + (b[0] - a[0]) * (box - a[1]) / (b[1] - a[1]), box)),
    )
    points = ring
    for inside, cross in edges:
        if not points:
            break
        kept = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    kept.append(cross(previous, current))
                kept.append(current)
            elif inside(previous):
                kept.append(cross(previous, current))
        points = kept
    return points


def _label_point(points: list[tuple[float, float]]) -> tuple[float, float, float] | None:
    """Area centroid and area of a (clipped) ring; None when too small to carry a label."""
    twice_area = cx = cy = 0.0
    for i, (x1, y1) in enumerate(points):
        x0, y0 = points[i - 1]
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(twice_area) < 1e-9:
        return None
    return cx / (3 * twice_area), cy / (3 * twice_area), abs(twice_area) / 2


def parcel_map_svg(shapes: list[Shape], *, box: int = MAP_BOX_PX) -> SafeString:
    """The target parcel (filled, labelled) among its neighbours, north up, with a scale bar.

    Coordinates are UTM metres; the view is the target's extent plus a margin, made square so the map is not
    distorted, and everything outside it is clipped by the SVG viewport.
    """
    target = next((shape for shape in shapes if shape.is_target), None)
    if target is None or not target.rings:
        return mark_safe("")
    xs = [x for ring in target.rings for x, _ in ring]
    ys = [y for ring in target.rings for _, y in ring]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 10.0) * 2.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    left, top = cx - span / 2, cy + span / 2
    scale = box / span

    def point(x: float, y: float) -> str:
        return f"{(x - left) * scale:.1f},{(top - y) * scale:.1f}"

    def path(shape: Shape) -> str:
        return " ".join("M" + " L".join(point(x, y) for x, y in ring) + " Z" for ring in shape.rings)

    parts = [
        # Explicit size: WeasyPrint does not scale a viewBox to a CSS-only size (it clipped the map); pages
        # override it with CSS.
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {box} {box}" width="42mm" height="42mm" '
        f'class="parcel-map" '
        f'role="img" aria-label="{escape(target.code)}">',
        f'<rect x="0" y="0" width="{box}" height="{box}" fill="#fbfbf8"/>',
    ]
    for shape in shapes:
        if shape.is_target:
            continue
        parts.append(f'<path d="{path(shape)}" fill="#fff" stroke="#888" stroke-width="0.6"/>')
        # Label the part of the neighbour that shows, when there is room for its code.
        outer = [((x - left) * scale, (top - y) * scale) for x, y in shape.rings[0]]
        found = _label_point(_clip(outer[:-1] if outer[0] == outer[-1] else outer, box))
        if found is not None and found[2] > 900:
            parts.append(
                f'<text x="{found[0]:.1f}" y="{found[1] + 2:.1f}" font-size="7" fill="#555" '
                f'text-anchor="middle">{escape(shape.code)}</text>'
            )
    parts.append(
        f'<path d="{path(target)}" fill="#f6d28b" fill-rule="evenodd" stroke="#a0522d" stroke-width="1.6"/>'
    )
    lx, ly = (target.label_at[0] - left) * scale, (top - target.label_at[1]) * scale
    parts.append(
        f'<text x="{lx:.1f}" y="{ly + 3:.1f}" font-size="10" font-weight="bold" fill="#111" '
        f'text-anchor="middle">{escape(target.code)}</text>'
    )
    # Scale bar, bottom left; north arrow, top right.
    bar_m = _nice_length(span / 4)
    bar_px = bar_m * scale
    parts.append(
        f'<g stroke="#111" stroke-width="1">'
        f'<line x1="8" y1="{box - 10}" x2="{8 + bar_px:.1f}" y2="{box - 10}"/>'
        f'<line x1="8" y1="{box - 13}" x2="8" y2="{box - 7}"/>'
        f'<line x1="{8 + bar_px:.1f}" y1="{box - 13}" x2="{8 + bar_px:.1f}" y2="{box - 7}"/></g>'
        f'<text x="{10 + bar_px:.1f}" y="{box - 7}" font-size="7" fill="#111">{bar_m} m</text>'
        f'<path d="M{box - 14},22 L{box - 9},8 L{box - 4},22 L{box - 9},18 Z" fill="#111"/>'
        f'<text x="{box - 9}" y="32" font-size="8" text-anchor="middle" fill="#111">N</text>'
    )
    # The frame last, over the neighbours that run off the edge.
    parts.append(
        f'<rect x="0.5" y="0.5" width="{box - 1}" height="{box - 1}" fill="none" stroke="#444" '
        'stroke-width="0.8"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


def parcel_maps(*, org, parcel_ids: list[int]) -> dict[int, SafeString]:
    shapes = selectors.parcel_map_shapes(org=org, parcel_ids=parcel_ids)
    return {pid: parcel_map_svg(found) for pid, found in shapes.items()}


# --- one taxpayer's pages -----------------------------------------------------------------------------------


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _notice_context(assessment: Assessment, *, parcels, maps, on: dt.date) -> dict:
    rows = selectors.assessment_breakdown(assessment, parcels=parcels)
    for row in rows:
        row.map_svg = maps.get(row.parcel_id, "")
    result = assessment.result or {}
    issued_on = timezone.localdate(assessment.issued_at) if assessment.issued_at else on
    return {
        "assessment": assessment,
        "owner": assessment.owner,
        "rows": rows,
        "condo_rows": [row for row in rows if row.is_condo],
        "land_rows": [row for row in rows if not row.is_condo],
        "lines": selectors.labelled_lines(result),
        "total_satang": assessment.total_satang,
        "total_words": baht_text_from_satang(assessment.total_satang),
        "payment_due": _day(result.get("payment_due")),
        "installment_due": [day for day in map(_day, result.get("installment_due", [])) if day],
        "rates_instrument": result.get("rates_instrument", ""),
        "issued_on": issued_on,
        "is_draft": assessment.status != Assessment.Status.ISSUED,
    }


def _pages(assessments: list[Assessment], *, on: dt.date | None) -> tuple[object, list[dict]]:
    if not assessments:
        raise ValueError("nothing to print")
    org = assessments[0].organisation
    parcel_ids = selectors.assessed_parcel_ids(assessments)
    parcels = selectors.parcels_by_id(org=org, parcel_ids=parcel_ids)
    maps = parcel_maps(org=org, parcel_ids=parcel_ids)
    day = on or timezone.localdate()
    return org, [_notice_context(a, parcels=parcels, maps=maps, on=day) for a in assessments]


def notice_pdf(assessments: Iterable[Assessment], *, on: dt.date | None = None) -> bytes:
    """ภ.ด.ส.6 and its ภ.ด.ส.7 (or ภ.ด.ส.8) sheet for each assessment, in one file (a village batch)."""
    org, pages = _pages(list(assessments), on=on)
    return _render("taxation/pdf/notice.html", {"org": org, "pages": pages})


def property_list_pdf(assessments: Iterable[Assessment], *, on: dt.date | None = None) -> bytes:
    """ภ.ด.ส.3: the land and buildings each taxpayer held on 1 January, as the run read them."""
    org, pages = _pages(list(assessments), on=on)
    return _render("taxation/pdf/property_list.html", {"org": org, "pages": pages})
