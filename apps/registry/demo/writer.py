"""Stores a DemoPlan: COPY inserts in dependency order, each followed by its "+" history rows.

No full_clean per row and no bulk_create (100,000 parcels must load in minutes): the generator guarantees
validity instead, and tests/test_seed_demo.py checks it in the database (ST_IsValid, no overlaps, inside the
boundary, full_clean on the rows of a small run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection, models
from django.utils import timezone

from apps.assets.models import Road, Signboard, Streetlight
from apps.organisations.models import STORAGE_SRID, Organisation
from apps.valuation.models import AppraisalRound, BlockLandPrice, BuildingPrice, ParcelLandPrice

from ..models import (
    Building,
    BuildingUse,
    CondoUnit,
    LandUse,
    Owner,
    Ownership,
    Parcel,
    ParcelLineage,
    TaxMapBlock,
    TaxMapZone,
    Village,
)
from .bulk import copy_insert
from .plan import DemoPlan
from .prices import DEMO_BUILDING_PRICES
from .territory import ORGANISATION, SUBDISTRICT_TH, UTM_SRID, reproject

SHEET_SCALE = 4000
# Treasury round 2566-2569 B.E. = 1 Jan 2023 to 31 Dec 2026.
APPRAISAL_ROUND = {"name": "2566-2569", "valid_from": dt.date(2023, 1, 1), "valid_to": dt.date(2026, 12, 31)}

# Children before parents: every FK among these is PROTECT.
DEMO_MODELS: tuple[type[models.Model], ...] = (
    BlockLandPrice,
    ParcelLandPrice,
    BuildingPrice,
    AppraisalRound,
    Signboard,
    Streetlight,
    Road,
    Ownership,
    CondoUnit,
    BuildingUse,
    Building,
    LandUse,
    ParcelLineage,
    Parcel,
    Owner,
    TaxMapBlock,
    TaxMapZone,
    Village,
)


def _ewkb(geoms_utm, wrap=None) -> list[str]:
    """UTM shapely → hex EWKB in EPSG:4326 (what PostGIS reads from COPY text), one vectorised transform."""
    arr = np.empty(len(geoms_utm), dtype=object)
    arr[:] = list(geoms_utm)
    lonlat = reproject(arr, UTM_SRID, STORAGE_SRID)
    if wrap is not None:
        lonlat = wrap(lonlat)
    return list(shapely.to_wkb(shapely.set_srid(lonlat, STORAGE_SRID), hex=True, include_srid=True))


def _multipolygons(geoms: np.ndarray) -> np.ndarray:
    parts, index = shapely.get_parts(geoms, return_index=True)
    return shapely.multipolygons(parts, indices=index)


def _multilines(geoms: np.ndarray) -> np.ndarray:
    parts, index = shapely.get_parts(geoms, return_index=True)
    return shapely.multilinestrings(parts, indices=index)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


class Writer:
    def __init__(self, progress: Callable[[str], None]) -> None:
        self.progress = progress
        self.when = timezone.now()
        self.counts: dict[type[models.Model], int] = {}

    def insert(self, model: type[models.Model], rows: list[dict]) -> list[int]:
        ids = copy_insert(model, rows, when=self.when)
        self.counts[model] = len(ids)
        return list(ids)


def organisation_upsert(plan: DemoPlan) -> Organisation:
    boundary = GEOSGeometry(
        memoryview(shapely.to_wkb(shapely.multipolygons([plan.boundary_lonlat]))), srid=STORAGE_SRID
    )
    org, _ = Organisation.objects.update_or_create(
        dla_code=ORGANISATION["dla_code"], defaults={**ORGANISATION, "boundary": boundary}
    )
    return org


def demo_rows_delete(org: Organisation) -> None:
    """Everything the demo wrote for ``org``, history included.

    Raw SQL: a queryset delete would send 100,000 signals and take minutes.
    """
    with connection.cursor() as cursor:
        for model in DEMO_MODELS:
            for table in (model._meta.db_table, model.history.model._meta.db_table):
                cursor.execute(f"DELETE FROM {table} WHERE organisation_id = %s", [org.pk])  # noqa: S608


def plan_write(
    plan: DemoPlan, *, org: Organisation, progress: Callable[[str], None]
) -> tuple[dict[type[models.Model], int], Owner | None]:
    """Insert the plan; returns the row count per model and the owner record meant for the demo resident."""
    w = Writer(progress)
    lay, facts, o = plan.layout, plan.facts, {"organisation_id": org.pk}

    villages = w.insert(
        Village,
        [
            {**o, "moo_no": s.moo_no, "name_th": s.name_th, "name_en": s.name_en, "geom": g}
            for s, g in zip(plan.sites, _ewkb(plan.village_areas, _multipolygons), strict=True)
        ],
    )
    zone_ids = w.insert(
        TaxMapZone,
        [
            {**o, "zone_no": no, "name": "", "geom": g}
            for (no, _), g in zip(lay.zones, _ewkb([g for _, g in lay.zones], _multipolygons), strict=True)
        ],
    )
    zones = {no: pk for (no, _), pk in zip(lay.zones, zone_ids, strict=True)}
    blocks = w.insert(
        TaxMapBlock,
        [
            {**o, "zone_id": zones[zone_no], "block_letter": letter, "geom": g}
            for (zone_no, letter, _), g in zip(
                lay.blocks, _ewkb([g for _, _, g in lay.blocks], _multipolygons), strict=True
            )
        ],
    )
    progress(f"villages {len(villages)}, zones {len(zones)}, blocks {len(blocks)}")

    parcel_rows = []
    for k, geom in enumerate(_ewkb(lay.parcels, _multipolygons)):
        zone_no, letter, _ = lay.blocks[lay.block_id[k]]
        utm1, utm2, utm3, utm4 = facts.sheet[k]
        deed = facts.deed_sq_wa[k]
        parcel_rows.append(
            {
                **o,
                "parcel_code": f"{zone_no:02d}{letter}{lay.lot_no[k]:03d}",
                "zone_no": int(zone_no),
                "block_letter": letter,
                "lot_no": int(lay.lot_no[k]),
                "split_no": None,
                "block_id": blocks[lay.block_id[k]],
                "village_id": villages[facts.village_ix[k]],
                "land_document_type": int(facts.doc[k]),
                "document_no": facts.document_no[k],
                "land_no": facts.land_no[k],
                "survey_page": facts.survey_page[k],
                "volume": facts.volume[k],
                "page": facts.page[k],
                "sheet_utm1": utm1,
                "sheet_utm2": utm2,
                "sheet_utm3": utm3,
                "sheet_utm4": utm4,
                "sheet_scale": SHEET_SCALE if utm1 else None,
                "deed_area_sq_wa": None if np.isnan(deed) else Decimal(f"{deed:.1f}"),
                "house_no": facts.house_no[k],
                "road": facts.road[k],
                "geom": geom,
                "area_m2": _money(facts.area_m2[k]),
                "geometry_source": Parcel.GeometrySource.DEMO.value,
            }
        )
    parcels = w.insert(Parcel, parcel_rows)
    progress(f"parcels {len(parcels)}")

    rng = np.random.default_rng([plan.seed, 61])
    let = rng.uniform(size=len(parcels)) < 0.08
    w.insert(
        LandUse,
        [
            {
                **o,
                "parcel_id": parcels[k],
                "use_code": int(facts.use[k]),
                "area_sq_wa": row["deed_area_sq_wa"] or _money(facts.area_m2[k] / 4),
                "user_code": 2 if let[k] and facts.use[k] == 1 else 1,
                "crop_code": int(facts.crop[k]) or None,
                "vacant_since_year_be": int(facts.vacant_since_be[k]) or None,
                "geom": None,
            }
            for k, row in enumerate(parcel_rows)
        ],
    )
    del parcel_rows

    own = plan.ownership
    owners = w.insert(
        Owner,
        [
            {
                **o,
                "owner_type": p.owner_type,
                "id_number": p.id_number,
                "title": p.title,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "address_house_no": p.house_no,
                "address_moo": p.moo_no,
                "address_road": "",
                "address_subdistrict": SUBDISTRICT_TH,
                "address_district": ORGANISATION["district_th"],
                "address_province": ORGANISATION["province_th"],
                "address_postcode": ORGANISATION["postcode"],
                "phone": p.phone,
                "user_id": None,
            }
            for p in own.owners
        ],
    )
    buildings = w.insert(
        Building,
        [
            {
                **o,
                "parcel_id": parcels[b.parcel_ix],
                "building_no": b.building_no,
                "house_no": b.house_no,
                "building_type": b.building_type,
                "construction": b.construction,
                "storeys": b.storeys,
                "floor_area_m2": _money(b.floor_area_m2),
                "year_built_be": b.year_built_be,
                "geom": g,
            }
            for b, g in zip(
                plan.buildings, _ewkb([b.footprint for b in plan.buildings], _multipolygons), strict=True
            )
        ],
    )
    w.insert(
        BuildingUse,
        [
            {**o, "building_id": pk, "use_code": code, "floor_area_m2": _money(area), "is_let": is_let}
            for b, pk in zip(plan.buildings, buildings, strict=True)
            for code, area, is_let in b.uses
        ],
    )
    w.insert(
        Ownership,
        [
            {
                **o,
                "owner_id": owners[s.owner_ix],
                "parcel_id": parcels[s.target_ix] if kind == "p" else None,
                "building_id": buildings[s.target_ix] if kind == "b" else None,
                "condo_unit_id": None,
                "share_numerator": s.numerator,
                "share_denominator": s.denominator,
                "in_house_registration": s.in_house_registration,
                "since": s.since,
            }
            for kind, shares in (("p", own.parcel_shares), ("b", own.building_shares))
            for s in shares
        ],
    )
    progress(f"owners {len(owners)}, buildings {len(buildings)}")

    roads = w.insert(
        Road,
        [
            {
                **o,
                "name": r.name,
                "code": r.code,
                "surface": r.surface,
                "width_m": _money(r.width_m),
                "condition": r.condition,
                "geom": g,
                "length_m": Decimal(f"{r.line.length:.1f}"),
            }
            for r, g in zip(plan.roads, _ewkb([r.line for r in plan.roads], _multilines), strict=True)
        ],
    )
    w.insert(
        Streetlight,
        [
            {
                **o,
                "pole_no": s.pole_no,
                "lamp_type": s.lamp_type,
                "watts": s.watts,
                "status": s.status,
                "road_id": roads[s.road_ix],
                "installed_year_be": s.installed_year_be,
                "geom": g,
            }
            for s, g in zip(plan.lights, _ewkb([s.point for s in plan.lights]), strict=True)
        ],
    )
    w.insert(
        Signboard,
        [
            {
                **o,
                "sign_type": s.sign_type,
                "text": s.text,
                "width_cm": s.width_cm,
                "height_cm": s.height_cm,
                "sides": s.sides,
                "parcel_id": parcels[s.parcel_ix],
                "owner_id": owners[s.owner_ix],
                "installed_on": s.installed_on,
                "geom": g,
            }
            for s, g in zip(plan.signs, _ewkb([s.point for s in plan.signs]), strict=True)
        ],
    )
    (appraisal,) = w.insert(AppraisalRound, [{**o, **APPRAISAL_ROUND}])
    w.insert(
        BlockLandPrice,
        [
            {**o, "appraisal_round_id": appraisal, "block_id": b, "price_per_sq_wa": _money(price)}
            for b, price in zip(blocks, plan.block_prices, strict=True)
        ],
    )
    w.insert(
        BuildingPrice,
        [
            {**o, "appraisal_round_id": appraisal, "building_type": code, "price_per_sqm": Decimal(price)}
            for code, price in DEMO_BUILDING_PRICES.items()
        ],
    )
    progress(
        f"roads {len(roads)}, streetlights {len(plan.lights)}, signboards {len(plan.signs)}, "
        f"block prices {len(blocks)}"
    )
    resident = None
    if own.resident_owner_ix is not None:
        resident = Owner.objects.get(pk=owners[own.resident_owner_ix])
    return w.counts, resident
