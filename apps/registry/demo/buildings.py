"""Buildings on the parcels: a house on every house plot, shophouses at the market, sheds in the fields.

Footprints are rectangles turned with the parcel (its minimum rotated rectangle) and checked to lie 0.5 m
inside it; type, construction, storeys and age agree with each other (BUILDING_TYPES, §7.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from .parcels import AGRICULTURE, COMMERCE, RESIDENCE, ParcelFacts

CONSTRUCTION = {
    "101": "wood",
    "102": "wood",
    "103": "masonry",
    "104": "masonry",
    "105": "half",
    "106": "half",
    "401": "masonry",
    "402": "masonry",
    "403": "masonry",
    "504": "masonry",
    "517": "wood",
}
STOREYS = {"102": 2, "104": 2, "106": 2, "402": 2, "403": 3}
# width across the parcel × depth along it, metres
SIZE_M = {
    "101": (6, 8),
    "102": (7, 9),
    "103": (8, 10),
    "104": (8, 11),
    "105": (7, 9),
    "106": (8, 10),
    "401": (4.5, 14),
    "402": (4.5, 14),
    "403": (4.5, 14),
    "501": (8, 12),
    "504": (4, 6),
    "517": (8, 16),
    "hut": (4, 4),
}
# House types by the decade they were built: wood before ~2530 B.E., half-masonry then, masonry since ~2550.
HOUSES_BY_ERA = (
    (2500, 2530, ("101", "102", "105"), (0.6, 0.25, 0.15)),
    (2530, 2550, ("105", "106", "103", "102"), (0.3, 0.25, 0.3, 0.15)),
    (2550, 2568, ("103", "104", "105", "106"), (0.45, 0.35, 0.1, 0.1)),
)
# BUILDING_USES codes
USE_RESIDENCE, USE_MIXED, USE_BUSINESS, USE_OTHER = 1, 2, 3, 5


@dataclass(slots=True)
class BuildingPlan:
    parcel_ix: int
    building_no: int
    building_type: str
    construction: str
    storeys: int
    floor_area_m2: float
    year_built_be: int
    footprint: object  # shapely Polygon, UTM
    house_no: str
    role: str  # "house", "shop", "aux"
    uses: list[tuple[int, float, bool]]  # (use code, floor area m², let to others)


def _house_type(rng: np.random.Generator) -> tuple[str, int]:
    year = int(rng.integers(2500, 2568))
    for start, end, types, weights in HOUSES_BY_ERA:
        if start <= year < end:
            return str(rng.choice(types, p=weights)), year
    raise AssertionError(year)


def _wishes(rng: np.random.Generator, use: int, area_m2: float) -> list[tuple[str, str, int, float]]:
    """(type, role, year, position along the parcel 0..1) for the buildings one parcel should get."""
    if use == RESIDENCE:
        kind, year = _house_type(rng)
        out = [(kind, "house", year, 0.3)]
        extra = rng.uniform()
        if extra < 0.4:
            out.append(("504", "aux", int(rng.integers(max(year, 2540), 2568)), 0.78))
        elif extra < 0.6:
            out.append(("501", "aux", int(rng.integers(max(year, 2535), 2568)), 0.78))
        return out
    if use == COMMERCE:
        kind = str(rng.choice(("401", "402", "403"), p=(0.25, 0.6, 0.15)))
        out = [(kind, "shop", int(rng.integers(2530, 2568)), 0.3)]
        if area_m2 > 1500 and rng.uniform() < 0.3:
            out.append(("501", "aux", int(rng.integers(2535, 2568)), 0.78))
        return out
    if use == AGRICULTURE and rng.uniform() < 0.62:
        kind = str(rng.choice(("517", "501", "hut"), p=(0.4, 0.3, 0.3)))
        return [(kind, "aux", int(rng.integers(2535, 2568)), 0.5)]
    return []


def _uses(rng: np.random.Generator, kind: str, role: str, footprint_m2: float, floor_m2: float):
    if role == "house" or kind == "504":
        return [(USE_RESIDENCE, floor_m2, False)]
    if role == "shop":
        let = bool(rng.uniform() < 0.1)
        if kind == "401":
            return [(USE_MIXED if rng.uniform() < 0.5 else USE_BUSINESS, floor_m2, let)]
        ground = round(min(footprint_m2, floor_m2), 2)
        return [(USE_BUSINESS, ground, let), (USE_RESIDENCE, round(floor_m2 - ground, 2), False)]
    return [(USE_OTHER, floor_m2, False)]


def plan_buildings(seed: int, parcels: np.ndarray, facts: ParcelFacts) -> list[BuildingPlan]:
    rng = np.random.default_rng([seed, 31])
    env = shapely.get_coordinates(shapely.oriented_envelope(parcels)).reshape(-1, 5, 2)
    e1, e2 = env[:, 1] - env[:, 0], env[:, 2] - env[:, 1]
    l1, l2 = np.linalg.norm(e1, axis=1), np.linalg.norm(e2, axis=1)
    long_vec = np.where((l1 >= l2)[:, None], e1, e2)
    short_vec = np.where((l1 >= l2)[:, None], e2, e1)
    long_m, short_m = np.maximum(l1, l2), np.minimum(l1, l2)
    start = env[:, 0]  # start + a·long_vec + b·short_vec spans the rectangle for a, b in 0..1
    u_long = long_vec / np.maximum(long_m, 1e-9)[:, None]
    u_short = short_vec / np.maximum(short_m, 1e-9)[:, None]

    wishes = []  # (parcel, type, role, year, t, width, depth)
    for k in range(len(parcels)):
        for kind, role, year, t in _wishes(rng, int(facts.use[k]), float(facts.area_m2[k])):
            width, depth = SIZE_M[kind]
            if kind in ("401", "402", "403"):
                width *= int(rng.integers(1, 3))  # one or two shop units
            share = 0.45 if t < 0.5 else 0.3
            width = min(width * rng.uniform(0.9, 1.15), 0.6 * short_m[k])
            depth = min(depth * rng.uniform(0.9, 1.15), share * long_m[k])
            wishes.append((k, kind, role, year, t, width, depth))
    if not wishes:
        return []
    k = np.array([w[0] for w in wishes])
    t = np.array([w[4] for w in wishes])
    width = np.array([w[5] for w in wishes])
    depth = np.array([w[6] for w in wishes])
    centre = start[k] + u_long[k] * (t * long_m[k])[:, None] + u_short[k] * (0.5 * short_m[k])[:, None]
    inner = shapely.buffer(parcels, -0.5)
    shapely.prepare(inner)
    footprints = None
    fits = np.zeros(len(wishes), dtype=bool)
    for scale in (1.0, 0.7, 0.45):  # too tight: try smaller buildings, then give up on it
        hw, hd = (width * scale / 2)[:, None], (depth * scale / 2)[:, None]
        us, ul = u_short[k], u_long[k]
        ring = np.stack(
            [
                centre - hw * us - hd * ul,
                centre + hw * us - hd * ul,
                centre + hw * us + hd * ul,
                centre - hw * us + hd * ul,
                centre - hw * us - hd * ul,
            ],
            axis=1,
        )
        rects = shapely.polygons(np.round(ring, 2))
        ok = ~fits & shapely.contains(inner[k], rects) & (width * scale >= 2.5) & (depth * scale >= 2.5)
        footprints = rects if footprints is None else np.where(ok, rects, footprints)
        fits |= ok

    plans, numbers = [], {}
    for n, (parcel_ix, kind, role, year, _, _, _) in enumerate(wishes):
        if not fits[n]:
            continue
        numbers[parcel_ix] = numbers.get(parcel_ix, 0) + 1
        building_type = "101" if kind == "hut" else kind
        construction = CONSTRUCTION.get(building_type) or str(rng.choice(("masonry", "wood")))
        storeys = STOREYS.get(building_type, 1)
        footprint_m2 = float(footprints[n].area)
        floor_m2 = round(footprint_m2 * storeys * rng.uniform(0.95, 1.05), 2)
        plans.append(
            BuildingPlan(
                parcel_ix=parcel_ix,
                building_no=numbers[parcel_ix],
                building_type=building_type,
                construction=construction,
                storeys=storeys,
                floor_area_m2=floor_m2,
                year_built_be=year,
                footprint=footprints[n],
                house_no=facts.house_no[parcel_ix] if role != "aux" else "",
                role=role,
                uses=_uses(rng, building_type, role, footprint_m2, floor_m2),
            )
        )
    return plans
