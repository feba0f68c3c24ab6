"""Roads, streetlights, signboards and the Treasury block prices of the demo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Polygon

from . import names
from .buildings import BuildingPlan
from .owners import OwnershipPlan
from .territory import MainRoad, VillageSite

STREETLIGHT_SPACING_M = 40.0
# (lamp type, share, watts on offer, installed between B.E.): LED replaced sodium from the late 2550s.
LAMPS = (
    ("led", 0.65, (40, 60, 90), (2558, 2567)),
    ("sodium", 0.25, (150, 250), (2540, 2557)),
    ("solar", 0.08, (40, 60), (2560, 2567)),
    ("fluorescent", 0.02, (36,), (2530, 2545)),
)
# SIGN_TYPES codes with their shares: most shop signs are Thai only and fixed.
SIGNS = ((1, 0.70), (5, 0.05), (2, 0.15), (6, 0.03), (3, 0.05), (7, 0.02))
PRICE_MIN_BAHT, PRICE_MAX_BAHT = 150, 3000


@dataclass(slots=True)
class RoadPlan:
    name: str
    code: str
    surface: str
    width_m: float
    condition: str
    line: MultiLineString  # UTM


@dataclass(slots=True)
class LightPlan:
    pole_no: str
    lamp_type: str
    watts: int
    status: str
    road_ix: int
    installed_year_be: int
    point: object


@dataclass(slots=True)
class SignPlan:
    sign_type: int
    text: str
    width_cm: int
    height_cm: int
    sides: int
    parcel_ix: int
    owner_ix: int
    installed_on: dt.date
    point: object


def _multi(line) -> MultiLineString:
    parts = [p for p in shapely.get_parts(line) if p.geom_type == "LineString" and p.length > 1]
    return MultiLineString(parts)


def _nearest_site(sites: list[VillageSite], geom) -> VillageSite:
    c = geom.centroid
    return min(sites, key=lambda s: s.centre.distance(c))


def plan_roads(
    seed: int,
    outline: Polygon,
    roads: list[MainRoad],
    lanes: list,
    farm_roads: list,
    sites: list[VillageSite],
) -> list[RoadPlan]:
    rng = np.random.default_rng([seed, 51])

    def condition() -> str:
        return str(rng.choice(("good", "fair", "poor"), p=(0.6, 0.3, 0.1)))

    out = [
        RoadPlan(
            r.name,
            r.code,
            "asphalt",
            7.0,
            str(rng.choice(("good", "fair"))),
            _multi(r.line.intersection(outline)),
        )
        for r in roads
    ]
    lane_no: dict[int, int] = {}
    for moo_no, line in lanes:
        lane_no[moo_no] = lane_no.get(moo_no, 0) + 1
        site = next(s for s in sites if s.moo_no == moo_no)
        out.append(
            RoadPlan(
                names.village_lane_name(site.name_th, lane_no[moo_no]),
                "",
                "concrete",
                float(rng.choice((4.0, 4.5, 5.0))),
                condition(),
                _multi(line),
            )
        )
    farm_no: dict[int, int] = {}
    for line in farm_roads:
        site = _nearest_site(sites, line)
        farm_no[site.moo_no] = farm_no.get(site.moo_no, 0) + 1
        surface = "laterite" if rng.uniform() < 0.6 else "earth"
        width = float(rng.choice((4.0, 5.0, 6.0)) if surface == "laterite" else rng.choice((3.0, 3.5, 4.0)))
        out.append(
            RoadPlan(
                names.farm_road_name(site.moo_no, surface, farm_no[site.moo_no]),
                "",
                surface,
                width,
                condition(),
                _multi(line),
            )
        )
    for n, road in enumerate(out, start=1):
        if not road.code:
            road.code = f"ทท.ถ.{n:03d}"  # local road register no. (format UNCONFIRMED)
    return out


def _points_along(line: LineString, offset_m: float, rng: np.random.Generator) -> np.ndarray:
    at = np.arange(STREETLIGHT_SPACING_M / 2, line.length, STREETLIGHT_SPACING_M)
    at = np.clip(at + rng.uniform(-3, 3, len(at)), 0, line.length)
    here = shapely.get_coordinates(shapely.line_interpolate_point(line, at))
    ahead = shapely.get_coordinates(shapely.line_interpolate_point(line, np.minimum(at + 1, line.length)))
    back = shapely.get_coordinates(shapely.line_interpolate_point(line, np.maximum(at - 1, 0)))
    tangent = ahead - back
    tangent /= np.maximum(np.linalg.norm(tangent, axis=1), 1e-9)[:, None]
    return here + offset_m * np.column_stack([-tangent[:, 1], tangent[:, 0]])


def plan_streetlights(seed: int, road_plans: list[RoadPlan], sites: list[VillageSite]) -> list[LightPlan]:
    """Every ~40 m along village lanes, and along the main roads where they pass through a village."""
    rng = np.random.default_rng([seed, 52])
    lit_area = shapely.union_all([s.centre.buffer(s.radius_m * 1.1) for s in sites])
    out: list[LightPlan] = []
    for road_ix, road in enumerate(road_plans):
        if road.surface == "asphalt":
            lines, offset = _multi(road.line.intersection(lit_area)), 5.0
        elif road.surface == "concrete":
            lines, offset = road.line, 2.0
        else:
            continue
        for part in lines.geoms:
            for x, y in _points_along(part, offset, rng):
                lamp = LAMPS[rng.choice(len(LAMPS), p=[lamp[1] for lamp in LAMPS])]
                status = str(rng.choice(("working", "broken", "removed"), p=(0.94, 0.05, 0.01)))
                out.append(
                    LightPlan(
                        pole_no=f"ST-{len(out) + 1:04d}",
                        lamp_type=lamp[0],
                        watts=int(rng.choice(lamp[2])),
                        status=status,
                        road_ix=road_ix,
                        installed_year_be=int(rng.integers(lamp[3][0], lamp[3][1] + 1)),
                        point=shapely.Point(round(x, 2), round(y, 2)),
                    )
                )
    return out


def plan_signboards(seed: int, buildings: list[BuildingPlan], ownership: OwnershipPlan) -> list[SignPlan]:
    rng = np.random.default_rng([seed, 53])
    first_owner = {}
    for s in ownership.building_shares:
        first_owner.setdefault(s.target_ix, s.owner_ix)
    codes, weights = zip(*SIGNS, strict=True)
    out = []
    for b_ix, b in enumerate(buildings):
        if b.role != "shop":
            continue
        owner_ix = first_owner[b_ix]
        owner = ownership.owners[owner_ix]
        ring = shapely.get_coordinates(b.footprint)
        front = (ring[0] + ring[1]) / 2  # the short side facing the start of the plot
        for n in range(1 if rng.uniform() < 0.85 else 2):
            sign_type = int(rng.choice(codes, p=weights)) if n == 0 else int(rng.choice((2, 3)))
            stem = owner.first_name if owner.owner_type == "individual" else owner.first_name.split(" ")[1]
            if sign_type in (1, 5):
                text = f"ร้าน{stem}{rng.choice(names.SHOP_KINDS_THAI)}"
            elif sign_type in (2, 6):
                text = f"ร้าน{stem} {rng.choice(names.SHOP_KINDS_MIXED)}"
            else:
                text = str(rng.choice(names.SHOP_SIGNS_LATIN))
            out.append(
                SignPlan(
                    sign_type=sign_type,
                    text=text[:200],
                    width_cm=int(rng.integers(12, 41)) * 10,
                    height_cm=int(rng.integers(6, 16)) * 10,
                    sides=1 if rng.uniform() < 0.8 else 2,
                    parcel_ix=b.parcel_ix,
                    owner_ix=owner_ix,
                    installed_on=dt.date(
                        int(rng.integers(2015, 2025)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
                    ),
                    point=shapely.Point(round(front[0], 2) + n, round(front[1], 2)),
                )
            )
    return out


def plan_block_prices(
    blocks: list[tuple[int, str, Polygon]], roads: list[MainRoad], sites: list[VillageSite]
) -> list[int]:
    """Baht per sq wa for each block: dearest at the village centres and along the asphalt roads."""
    centroids = shapely.centroid(np.array([g for _, _, g in blocks], dtype=object))
    xy = shapely.get_coordinates(centroids)
    centres = np.array([[s.centre.x, s.centre.y] for s in sites])
    radii = np.array([s.radius_m for s in sites])
    village = np.exp(-((np.linalg.norm(xy[:, None] - centres[None], axis=-1) / (1.6 * radii)) ** 2)).max(
        axis=1
    )
    road_m = np.min([shapely.distance(centroids, r.line) for r in roads], axis=0)
    f = np.maximum(village, 0.5 * np.exp(-road_m / 400))
    price = PRICE_MIN_BAHT + (PRICE_MAX_BAHT - PRICE_MIN_BAHT) * f**1.2
    # The Treasury lists round figures.
    return [int(min(PRICE_MAX_BAHT, max(PRICE_MIN_BAHT, round(p / 10) * 10))) for p in price]
