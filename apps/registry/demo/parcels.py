"""What the tax map says about each parcel: village, land use, crop, land document, sheet, deed area.

Plain numpy over the whole layout at once; the probabilities are a rural Kalasin subdistrict as described in
tax-map-and-registry.md §4.1 (many น.ส.3ก, น.ส.3, ส.ป.ก.4-01 outside the villages) — plausible, not surveyed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from ..domain import map_sheet
from .territory import UTM_SRID, MainRoad, VillageSite, transformer

# LAND_USES codes (domain/codes.py)
AGRICULTURE, RESIDENCE, RESIDENCE_HOUSE_ONLY, COMMERCE = 1, 2, 3, 5
VACANT_1Y, VACANT_3Y, VACANT_6Y = 6, 8, 9
# CROPS codes: rice, cassava, sugarcane, rubber, other field crops
CROP_CODES = np.array([1, 4, 3, 6, 5])
CROP_WEIGHTS = np.array([0.62, 0.18, 0.14, 0.03, 0.03])
# LAND_DOCUMENT_TYPES codes: โฉนด, น.ส.3ก, น.ส.3, ส.ป.ก.4-01, none
DOC_CODES = np.array([1, 2, 3, 6, 13])
DOC_WEIGHTS_VILLAGE = np.array([0.88, 0.07, 0.03, 0.0, 0.02])
DOC_WEIGHTS_FIELDS = np.array([0.55, 0.13, 0.10, 0.17, 0.05])
DOC_FIRST_NUMBER = {1: 8_000, 2: 1_200, 3: 400, 6: 3_500}
SHEET_SCALE = 4000
INDIAN_1975_UTM_48N = map_sheet.INDIAN_1975_UTM_SRID[48]


@dataclass(slots=True)
class ParcelFacts:
    centroid: np.ndarray  # (n, 2) UTM
    village_ix: np.ndarray  # index into the village sites
    urban: np.ndarray  # 0 (fields) .. 1 (village centre)
    main_road_ix: np.ndarray  # nearest main road
    main_road_m: np.ndarray  # distance to it
    area_m2: np.ndarray
    use: np.ndarray
    crop: np.ndarray  # 0 = none
    vacant_since_be: np.ndarray  # 0 = not vacant
    doc: np.ndarray
    document_no: list[str]
    land_no: list[str]
    survey_page: list[str]
    volume: list[str]
    page: list[str]
    sheet: list[tuple[str, int | None, str, str]]
    deed_sq_wa: np.ndarray  # NaN when there is no document
    house_no: list[str]
    road: list[str]


def _choice(rng: np.random.Generator, codes: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    return codes[rng.choice(len(codes), size=n, p=weights / weights.sum())]


def _sheets(centroid: np.ndarray) -> list[tuple[str, int | None, str, str]]:
    """1:4,000 sheet of each centroid (Indian 1975 / UTM 48N grid, §3.2); looked up once per 2 km cell."""
    e, n = transformer(UTM_SRID, INDIAN_1975_UTM_48N).transform(centroid[:, 0], centroid[:, 1])
    cell = np.column_stack([np.floor(e / 2000), np.floor(n / 2000)]).astype(np.int64)
    keys, inverse = np.unique(cell, axis=0, return_inverse=True)
    parts = [map_sheet.cadastral_sheet(k[0] * 2000 + 1000.0, k[1] * 2000 + 1000.0).ltax_parts for k in keys]
    return [parts[k] for k in inverse.ravel()]


def parcel_facts(
    seed: int, parcels: np.ndarray, sites: list[VillageSite], roads: list[MainRoad]
) -> ParcelFacts:
    rng = np.random.default_rng([seed, 21])
    n = len(parcels)
    centroid = shapely.get_coordinates(shapely.point_on_surface(parcels))
    centres = np.array([[s.centre.x, s.centre.y] for s in sites])
    radii = np.array([s.radius_m for s in sites])
    dist = np.linalg.norm(centroid[:, None, :] - centres[None], axis=-1)
    village_ix = dist.argmin(axis=1)  # the village polygons are the Voronoi cells of the centres
    urban = np.exp(-((dist / radii) ** 2)).max(axis=1)
    points = shapely.points(centroid)
    road_m = np.column_stack([shapely.distance(points, r.line) for r in roads])
    main_road_ix, main_road_m = road_m.argmin(axis=1), road_m.min(axis=1)
    area_m2 = shapely.area(parcels)

    roll = rng.uniform(size=n)
    market = (urban > 0.5) & (main_road_m < 70)
    p_commerce = np.where(market, 0.35, np.where(urban > 0.75, 0.06, 0.002))
    p_residence = np.where(urban > 0.25, np.clip(1.3 * urban, 0, 0.92), 0.06)
    p_vacant = 0.06
    use = np.full(n, AGRICULTURE)
    use[roll < p_commerce + p_residence + p_vacant] = VACANT_1Y
    use[roll < p_commerce + p_residence] = RESIDENCE
    use[roll < p_commerce] = COMMERCE
    crop = np.where(use == AGRICULTURE, _choice(rng, CROP_CODES, CROP_WEIGHTS, n), 0)
    # Vacancy years are what decides the surcharge (§ land-building-tax): spread them over the three classes.
    vacant = use == VACANT_1Y
    since = rng.integers(2555, 2568, n)
    use[vacant & (since <= 2565)] = VACANT_3Y
    use[vacant & (since <= 2562)] = VACANT_6Y
    vacant_since_be = np.where(vacant, since, 0)

    doc = np.where(
        urban > 0.4,
        _choice(rng, DOC_CODES, DOC_WEIGHTS_VILLAGE, n),
        _choice(rng, DOC_CODES, DOC_WEIGHTS_FIELDS, n),
    )
    doc[(doc == 6) & (use != AGRICULTURE)] = 1  # land-reform plots may only be farmed

    document_no = [""] * n
    for code, first in DOC_FIRST_NUMBER.items():
        idx = np.flatnonzero(doc == code)
        numbers = first + rng.permutation(len(idx))
        for k, num in zip(idx, numbers, strict=True):
            document_no[k] = str(num)
    sheets = _sheets(centroid)
    on_sheet = np.isin(doc, (1, 2))
    land_no, survey_page, volume, page, sheet = [""] * n, [""] * n, [""] * n, [""] * n, []
    per_sheet: dict[tuple, int] = {}
    for k in range(n):
        if on_sheet[k]:
            per_sheet[sheets[k]] = per_sheet.get(sheets[k], 0) + 1
            land_no[k] = str(per_sheet[sheets[k]])
            number = int(document_no[k])
            volume[k], page[k] = str(number // 50 + 20), str(number % 50 + 1)
            survey_page[k] = str(1000 + number % 3000)
            sheet.append(sheets[k])
        else:
            sheet.append(("", None, "", ""))

    # Deeds were measured decades ago with chain and compass: a few per cent off the map, never equal to it.
    map_sq_wa = area_m2 / 4
    deed = np.round(map_sq_wa * np.clip(1 + rng.normal(0, 0.025, n), 0.94, 1.06), 1)
    deed = np.where(np.abs(deed - map_sq_wa) < 0.05, deed + 0.3, deed)
    deed = np.where(doc == 13, np.nan, deed)

    house_no, road = [""] * n, [""] * n
    numbered = np.isin(use, (RESIDENCE, COMMERCE))
    counters: dict[int, int] = {}
    for k in np.flatnonzero(numbered):
        v = int(village_ix[k])
        counters[v] = counters.get(v, 0) + 1
        house_no[k] = str(counters[v]) + ("/1" if rng.uniform() < 0.05 else "")
        if main_road_m[k] < 40:
            road[k] = roads[int(main_road_ix[k])].name
    return ParcelFacts(
        centroid=centroid,
        village_ix=village_ix,
        urban=urban,
        main_road_ix=main_road_ix,
        main_road_m=main_road_m,
        area_m2=area_m2,
        use=use,
        crop=crop,
        vacant_since_be=vacant_since_be,
        doc=doc,
        document_no=document_no,
        land_no=land_no,
        survey_page=survey_page,
        volume=volume,
        page=page,
        sheet=sheet,
        deed_sq_wa=deed,
        house_no=house_no,
        road=road,
    )
