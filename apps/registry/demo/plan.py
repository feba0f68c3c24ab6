"""The whole demo as plain data (no database): call ``make_plan(seed, n_parcels)``; writer.py stores it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from shapely.geometry import Polygon

from . import names
from .assets import (
    LightPlan,
    RoadPlan,
    SignPlan,
    plan_block_prices,
    plan_roads,
    plan_signboards,
    plan_streetlights,
)
from .buildings import BuildingPlan, plan_buildings
from .owners import OwnershipPlan, plan_ownership
from .parcels import ParcelFacts, parcel_facts
from .territory import MainRoad, VillageSite, boundary_lonlat, boundary_utm, main_roads, village_sites
from .tiling import Layout, build_layout


@dataclass(slots=True)
class DemoPlan:
    seed: int
    boundary_lonlat: Polygon
    outline: Polygon  # UTM
    main_roads: list[MainRoad]
    sites: list[VillageSite]
    village_areas: list[Polygon]  # UTM, same order as sites
    layout: Layout
    facts: ParcelFacts
    buildings: list[BuildingPlan]
    ownership: OwnershipPlan
    roads: list[RoadPlan]
    lights: list[LightPlan]
    signs: list[SignPlan]
    block_prices: list[int]


def _village_areas(outline: Polygon, sites: list[VillageSite]) -> list[Polygon]:
    """หมู่บ้าน territories as the Voronoi cells of the village centres (the parcels use the same rule)."""
    import shapely

    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.MultiPoint([s.centre for s in sites]), extend_to=outline)
    )
    out = []
    for site in sites:
        cell = next(c for c in cells if c.contains(site.centre))
        out.append(shapely.set_precision(cell.intersection(outline), 0.01))
    return out


def make_plan(seed: int, n_parcels: int, progress=lambda message: None) -> DemoPlan:
    rng = np.random.default_rng([seed, 1])
    outline = boundary_utm()
    roads = main_roads(rng, outline)
    sites = village_sites(rng, outline, roads, names.VILLAGES)
    layout = build_layout(seed, n_parcels, outline, roads, sites)
    progress(f"layout: {len(layout.parcels)} parcels, {len(layout.blocks)} blocks, {len(layout.zones)} zones")
    facts = parcel_facts(seed, layout.parcels, sites, roads)
    buildings = plan_buildings(seed, layout.parcels, facts)
    ownership = plan_ownership(seed, facts, buildings, sites)
    progress(f"people: {len(ownership.owners)} owners, {len(buildings)} buildings")
    road_plans = plan_roads(seed, outline, roads, layout.village_lanes, layout.farm_roads, sites)
    return DemoPlan(
        seed=seed,
        boundary_lonlat=boundary_lonlat(),
        outline=outline,
        main_roads=roads,
        sites=sites,
        village_areas=_village_areas(outline, sites),
        layout=layout,
        facts=facts,
        buildings=buildings,
        ownership=ownership,
        roads=road_plans,
        lights=plan_streetlights(seed, road_plans, sites),
        signs=plan_signboards(seed, buildings, ownership),
        block_prices=plan_block_prices(layout.blocks, roads, sites),
    )
