"""seed_demo on a small run (300 parcels): deterministic, a true tiling, valid rows, accounts only when
allowed. The 100,000-parcel timing is measured by hand, never here.
"""

from decimal import Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from apps.assets.models import Road, Signboard, Streetlight
from apps.organisations.models import Membership, Organisation, Role
from apps.registry.demo.accounts import DEMO_PASSWORD
from apps.registry.demo.buildings import CONSTRUCTION, STOREYS
from apps.registry.domain.owner_id import is_valid_juristic_id, is_valid_personal_id
from apps.registry.models import Building, LandUse, Owner, Ownership, Parcel, TaxMapBlock, Village
from apps.valuation.models import AppraisalRound, BlockLandPrice

N_PARCELS = 300
pytestmark = pytest.mark.django_db


def seed(*args: str, seed: int = 7) -> str:
    out = StringIO()
    call_command("seed_demo", "--parcels", str(N_PARCELS), "--seed", str(seed), *args, stdout=out)
    return out.getvalue()


def sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def digest() -> str:
    """Codes, geometry and the people: two runs with one seed must agree on all of them."""
    (row,) = sql("""
        SELECT md5(string_agg(p.parcel_code || ST_AsText(p.geom) || p.document_no
                              || coalesce(p.deed_area_sq_wa::text, ''), ',' ORDER BY p.parcel_code))
            || (SELECT md5(string_agg(o.id_number || o.first_name || o.last_name, ',' ORDER BY o.id_number))
                FROM registry_owner o)
            || (SELECT md5(string_agg(b.building_type || ST_AsText(b.geom), ',' ORDER BY b.geom::text))
                FROM registry_building b)
            || (SELECT md5(string_agg(s.pole_no || ST_AsText(s.geom), ',' ORDER BY s.pole_no))
                FROM assets_streetlight s)
        FROM registry_parcel p""")
    return row[0]


@pytest.fixture
def seeded() -> Organisation:
    seed()
    return Organisation.objects.get(slug="sai-thong")


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    seed()
    first = digest()
    seed("--replace")
    assert digest() == first
    seed("--replace", seed=8)
    assert digest() != first
    assert Parcel.objects.count() == N_PARCELS  # --replace left no rows of the earlier runs


def test_organisation_record(seeded):
    org = seeded
    identity = (org.dla_code, org.subdistrict_code, org.postcode, org.utm_srid)
    assert identity == ("6460809", "460809", "46170", 32648)
    assert org.boundary.valid
    x0, y0, x1, y1 = org.boundary.extent
    assert 103.1451 <= x0 < x1 <= 103.1944 and 16.7014 <= y0 < y1 <= 16.7711
    # irregular, not the bounding box: a rectangle would fill its envelope exactly
    assert org.boundary.area < 0.95 * org.boundary.envelope.area
    assert len(org.boundary.coords[0][0]) > 20


def test_parcels_tile_the_land(seeded):
    assert Parcel.objects.count() == N_PARCELS
    assert sql("SELECT count(*) FROM registry_parcel WHERE NOT ST_IsValid(geom)") == [(0,)]
    overlaps = sql("""
        SELECT count(*) FILTER (WHERE ST_Overlaps(a.geom, b.geom)),
               coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0)
        FROM registry_parcel a JOIN registry_parcel b ON a.id < b.id AND a.geom && b.geom""")
    assert overlaps[0][0] == 0
    assert overlaps[0][1] < 0.01  # m²: neighbours share edges, nothing more
    outside = sql("""SELECT count(*) FROM registry_parcel p JOIN organisations_organisation o
                     ON o.id = p.organisation_id WHERE NOT ST_CoveredBy(p.geom, o.boundary)""")
    assert outside == [(0,)]
    # No gaps inside a block: the parcels' union covers exactly the blocks (and the blocks have no holes).
    ((parcel_union_m2, blocks_m2, holes),) = sql("""
        SELECT (SELECT ST_Area(ST_Union(geom)::geography) FROM registry_parcel),
               (SELECT sum(ST_Area(geom::geography)) FROM registry_taxmapblock),
               (SELECT coalesce(sum(ST_NumInteriorRings(g.geom)), 0)
                FROM registry_taxmapblock b, ST_Dump(b.geom) g)""")
    assert parcel_union_m2 == pytest.approx(blocks_m2, rel=1e-4)
    assert holes == 0


def test_codes_and_deeds_are_consistent(seeded):
    lots_by_block = {}
    for p in Parcel.objects.select_related("block__zone", "village"):
        assert p.parcel_code == f"{p.zone_no:02d}{p.block_letter}{p.lot_no:03d}"
        assert (p.block.zone.zone_no, p.block.block_letter) == (p.zone_no, p.block_letter)
        assert p.village is not None
        assert p.area_m2 > 0
        lots_by_block.setdefault(p.block_id, []).append(p.lot_no)
        if p.land_document_type == 13:
            assert p.deed_area_sq_wa is None
        else:
            ratio = p.deed_area_sq_wa * 4 / p.area_m2
            assert p.deed_area_sq_wa * 4 != p.area_m2
            assert 0.93 < ratio < 1.07
        if p.land_document_type in (1, 2):
            assert p.sheet_utm1 == "5642" and p.sheet_utm2 in (3, 4) and len(p.sheet_utm3) == 4 and p.land_no
    for lots in lots_by_block.values():
        assert sorted(lots) == list(range(1, len(lots) + 1))
    assert set(Parcel.objects.values_list("land_document_type", flat=True)) >= {1, 2, 3, 6}
    assert Village.objects.count() >= 10
    assert TaxMapBlock.objects.count() == len(lots_by_block)


def test_every_block_has_a_price(seeded):
    appraisal = AppraisalRound.objects.get(organisation=seeded, name="2566-2569")
    assert appraisal.valid_from.isoformat() == "2023-01-01"
    priced = set(BlockLandPrice.objects.filter(appraisal_round=appraisal).values_list("block_id", flat=True))
    assert priced == set(TaxMapBlock.objects.values_list("pk", flat=True))
    prices = BlockLandPrice.objects.values_list("price_per_sq_wa", flat=True)
    assert all(150 <= p <= 3000 for p in prices)
    assert max(prices) > 2 * min(prices)  # dearer at the villages than in the fields


def test_owner_ids_are_valid_and_shares_sum_to_one(seeded):
    owners = list(Owner.objects.all())
    assert all(
        is_valid_juristic_id(o.id_number) if o.owner_type == "juristic" else is_valid_personal_id(o.id_number)
        for o in owners
    )
    assert any(o.owner_type == "juristic" and o.first_name.startswith(("บริษัท", "ห้างหุ้นส่วน")) for o in owners)
    assert {o.title for o in owners if o.owner_type == "individual"} <= {"นาย", "นาง", "นางสาว"}
    totals, holders = {}, {}
    for s in Ownership.objects.all():
        key = ("parcel", s.parcel_id) if s.parcel_id else ("building", s.building_id)
        totals[key] = totals.get(key, 0) + Fraction(s.share_numerator, s.share_denominator)
        holders.setdefault(key, set()).add(s.owner_id)
    assert set(totals.values()) == {1}
    parcels_owned = {k for k in totals if k[0] == "parcel"}
    assert len(parcels_owned) == N_PARCELS
    assert any(len(h) == 2 for h in holders.values()) and any(len(h) == 3 for h in holders.values())
    per_owner = {}
    for owner_id in Ownership.objects.filter(parcel__isnull=False).values_list("owner_id", flat=True):
        per_owner[owner_id] = per_owner.get(owner_id, 0) + 1
    assert max(per_owner.values()) >= 3  # farmers hold several fields
    assert Ownership.objects.filter(in_house_registration=True, building__isnull=False).exists()


def test_buildings_lie_inside_their_parcels_and_make_sense(seeded):
    assert Building.objects.count() > N_PARCELS * 0.3
    outside = sql("""SELECT count(*) FROM registry_building b JOIN registry_parcel p ON p.id = b.parcel_id
                     WHERE NOT ST_IsValid(b.geom) OR NOT ST_CoveredBy(b.geom, p.geom)""")
    assert outside == [(0,)]
    footprint = dict(sql("SELECT id, ST_Area(geom::geography) FROM registry_building"))
    for b in Building.objects.prefetch_related("uses"):
        assert b.construction == CONSTRUCTION.get(b.building_type, b.construction)
        assert b.storeys == STOREYS.get(b.building_type, 1)
        assert 2500 <= b.year_built_be <= 2567
        assert float(b.floor_area_m2) == pytest.approx(footprint[b.pk] * b.storeys, rel=0.08)
        total_m2 = sum(u.floor_area_m2 for u in b.uses.all())
        assert total_m2 == pytest.approx(b.floor_area_m2, abs=Decimal("0.02"))
    types = set(Building.objects.values_list("building_type", flat=True))
    assert types & {"101", "102", "103", "104", "105", "106"} and types & {"401", "402", "403"}


def test_assets(seeded):
    assert set(Road.objects.values_list("surface", flat=True)) >= {"asphalt", "concrete"}
    assert all(r.length_m > 0 and r.geom.valid for r in Road.objects.all())
    lights = Streetlight.objects.all()
    assert lights.count() > 50 and all(s.pole_no.startswith("ST-") and s.road_id for s in lights)
    assert Signboard.objects.filter(owner__isnull=False, parcel__isnull=False).exists()
    outside = sql("""SELECT count(*) FROM assets_streetlight s JOIN organisations_organisation o
                     ON o.id = s.organisation_id
                     WHERE NOT ST_CoveredBy(s.geom, ST_Buffer(o.boundary, 0.0002))""")
    assert outside == [(0,)]


def test_rows_pass_model_validation(seeded):
    # The command skips full_clean for speed; this proves it would have passed.
    for model in (Parcel, LandUse, Owner, Building, Ownership, TaxMapBlock, Village, Road, Signboard):
        for obj in model.objects.all()[:400]:
            obj.full_clean()


def test_creation_history_is_written(seeded):
    assert Parcel.history.filter(history_type="+", history_change_reason="seed_demo").count() == N_PARCELS
    assert Owner.history.filter(history_user__isnull=True).count() >= Owner.objects.count()
    assert Building.history.count() == Building.objects.count()


def test_demo_accounts_when_enabled(settings):
    settings.GIS_PORTAL_DEMO_ACCOUNTS = True
    out = seed()
    org = Organisation.objects.get(slug="sai-thong")
    roles = dict(Membership.objects.filter(organisation=org).values_list("user__username", "role"))
    assert roles == {"surveyor": Role.SURVEYOR, "taxofficer": Role.TAX_OFFICER, "resident": Role.RESIDENT,
                     "admin": Role.ADMIN}
    assert all(u.check_password(DEMO_PASSWORD) for u in User.objects.filter(username__in=roles))
    assert User.objects.get(username="admin").is_superuser
    owner = Owner.objects.get(user__username="resident")
    parcels = Ownership.objects.filter(owner=owner, parcel__isnull=False)
    assert 2 <= parcels.count() <= 3
    assert Ownership.objects.filter(owner=owner, building__parcel__in=parcels.values("parcel"),
                                    in_house_registration=True).exists()
    assert "http://127.0.0.1:8000" in out and "demo1234" in out


def test_no_demo_account_when_disabled(settings):
    settings.GIS_PORTAL_DEMO_ACCOUNTS = False
    out = seed()
    assert not User.objects.filter(username__in=["surveyor", "taxofficer", "resident", "admin"]).exists()
    assert "GIS_PORTAL_DEMO_ACCOUNTS" in out
    assert not Owner.objects.filter(user__isnull=False).exists()


def test_if_empty_does_nothing_the_second_time(seeded):
    before = digest()
    counts = (Parcel.history.count(), Owner.history.count(), User.objects.count(), Membership.history.count())
    with translation.override("en"):
        out = seed("--if-empty", seed=99)
    assert digest() == before
    assert (Parcel.history.count(), Owner.history.count(), User.objects.count(),
            Membership.history.count()) == counts
    assert "nothing to seed" in out


def test_refuses_to_seed_twice_without_a_flag(seeded):
    with pytest.raises(CommandError, match="--replace"):
        seed()
