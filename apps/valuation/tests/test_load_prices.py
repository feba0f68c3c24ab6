"""load_prices: Treasury CSV → appraisal round, all or nothing, bad rows named by line."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from apps.registry.tests.factories import (
    BuildingFactory,
    ParcelFactory,
    TaxMapBlockFactory,
    TaxMapZoneFactory,
)
from apps.valuation.models import AppraisalRound, BlockLandPrice, BuildingPrice, CondoPrice, ParcelLandPrice
from apps.valuation.services import (
    PriceFileError,
    building_prices_load,
    condo_prices_load,
    land_prices_load,
)

ROUND = "2566-2569"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def blocks(org):
    zone = TaxMapZoneFactory(organisation=org, zone_no=1)
    return {letter: TaxMapBlockFactory(organisation=org, zone=zone, block_letter=letter) for letter in "AB"}


def test_land_file_loads_block_and_parcel_prices(org, blocks):
    parcel = ParcelFactory(organisation=org, parcel_code="01A005")
    text = 'block,parcel,price_per_sq_wa\n01A,,1200\n01b,,"1,500.50"\n,01A005,9000\n'

    result = land_prices_load(org=org, round_name=ROUND, text=text, valid_from=dt.date(2023, 1, 1))

    assert (result.block_prices, result.parcel_prices) == (2, 1)
    prices = dict(BlockLandPrice.objects.values_list("block__block_letter", "price_per_sq_wa"))
    assert prices == {"A": Decimal("1200"), "B": Decimal("1500.50")}
    assert ParcelLandPrice.objects.get().parcel == parcel
    assert BlockLandPrice.history.count() == 2  # loaded with history rows


def test_bad_rows_refuse_the_whole_file_and_name_each_line(org, blocks):
    land_prices_load(
        org=org, round_name=ROUND, text="block,price_per_sq_wa\n01A,1000\n", valid_from=dt.date(2023, 1, 1)
    )
    text = "block,price_per_sq_wa\n01A,1100\n01Z,900\n01B,-5\n01B,abc\n01A,1200\n"

    with pytest.raises(PriceFileError) as caught:
        land_prices_load(org=org, round_name=ROUND, text=text)

    assert [line for line, _ in caught.value.errors] == [3, 4, 5, 6]
    assert "01Z" in caught.value.errors[0][1]
    assert "twice" in caught.value.errors[3][1]
    assert list(BlockLandPrice.objects.values_list("price_per_sq_wa", flat=True)) == [Decimal("1000")]


def test_a_new_round_needs_its_start_date(org, blocks):
    with pytest.raises(PriceFileError):
        land_prices_load(org=org, round_name="2570-2573", text="block,price_per_sq_wa\n01A,1\n")
    assert not AppraisalRound.objects.filter(name="2570-2573").exists()


def test_building_file_replaces_the_round_prices(org):
    building_prices_load(
        org=org,
        round_name=ROUND,
        text="building_type,price_per_sqm\n101,7000\n402,8000\n",
        valid_from=dt.date(2023, 1, 1),
    )
    building_prices_load(org=org, round_name=ROUND, text="building_type,price_per_sqm\n101,7250\n")

    assert dict(BuildingPrice.objects.values_list("building_type", "price_per_sqm")) == {
        "101": Decimal("7250")
    }
    with pytest.raises(PriceFileError) as caught:
        building_prices_load(
            org=org, round_name=ROUND, text="building_type,price_per_sqm\n999,1\n101,1.005\n"
        )
    assert [line for line, _ in caught.value.errors] == [2, 3]


def test_missing_columns_are_refused_on_line_1(org):
    with pytest.raises(PriceFileError) as caught:
        building_prices_load(
            org=org, round_name=ROUND, text="type,price\n101,1\n", valid_from=dt.date(2023, 1, 1)
        )
    assert caught.value.errors[0][0] == 1


def test_the_command_loads_and_reports_bad_lines(org, blocks, tmp_path):
    good = tmp_path / "land.csv"
    good.write_text("block,price_per_sq_wa\n01A,1000\n01B,2000\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "load_prices",
        "land",
        str(good),
        "--round",
        ROUND,
        "--valid-from",
        "2023-01-01",
        "--org",
        org.slug,
        stdout=out,
    )
    assert "2 block" in out.getvalue()

    bad = tmp_path / "buildings.csv"
    bad.write_text("building_type,price_per_sqm\n101,x\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_prices", "buildings", str(bad), "--round", ROUND, "--org", org.slug, stderr=err)
    assert "line 2" in err.getvalue()
    assert not BuildingPrice.objects.exists()


@pytest.fixture
def condo_buildings(org):
    parcel = ParcelFactory(organisation=org, parcel_code="01A010")
    return {
        no: BuildingFactory(organisation=org, parcel=parcel, building_no=no, is_condominium=no < 3)
        for no in (1, 2, 3)
    }


def test_condo_file_loads_unit_prices_by_building_and_replaces_them(org, condo_buildings):
    text = 'parcel,building_no,price_per_sqm\n01A010,1,"30,000"\n01A010,2,28500.50\n'

    result = condo_prices_load(org=org, round_name=ROUND, text=text, valid_from=dt.date(2023, 1, 1))

    assert result.condo_prices == 2
    prices = dict(CondoPrice.objects.values_list("building__building_no", "price_per_sqm"))
    assert prices == {1: Decimal("30000"), 2: Decimal("28500.50")}
    condo_prices_load(org=org, round_name=ROUND, text="parcel,building_no,price_per_sqm\n01A010,1,31000\n")
    assert dict(CondoPrice.objects.values_list("building__building_no", "price_per_sqm")) == {
        1: Decimal("31000")
    }
    assert CondoPrice.history.count() == 5  # 2 loaded, 2 replaced, 1 loaded: the old prices stay in history


def test_condo_file_names_each_bad_line_and_loads_nothing(org, condo_buildings):
    text = (
        "parcel,building_no,price_per_sqm\n"
        "01A010,1,30000\n"  # good
        "01A010,3,30000\n"  # not a condominium
        "01A999,1,30000\n"  # no such building
        "01A010,x,30000\n"  # not a number
        "01A010,2,-1\n"  # negative
        "01A010,1,31000\n"  # twice
    )

    with pytest.raises(PriceFileError) as caught:
        condo_prices_load(org=org, round_name=ROUND, text=text, valid_from=dt.date(2023, 1, 1))

    assert [line for line, _message in caught.value.errors] == [3, 4, 5, 6, 7]
    messages = dict(caught.value.errors)
    assert "01A010-B003 is not a condominium" in messages[3]
    assert "no building 01A999-B001" in messages[4]
    assert "appears twice" in messages[7]
    assert not CondoPrice.objects.exists()
    assert not AppraisalRound.objects.exists()


def test_the_command_loads_condo_prices_and_reports_bad_lines(org, condo_buildings, tmp_path):
    good = tmp_path / "condos.csv"
    good.write_text("parcel,building_no,price_per_sqm\n01A010,1,30000\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "load_prices",
        "condos",
        str(good),
        "--round",
        ROUND,
        "--valid-from",
        "2023-01-01",
        "--org",
        org.slug,
        stdout=out,
    )
    assert "1 condominium" in out.getvalue()

    bad = tmp_path / "bad.csv"
    bad.write_text("parcel,building_no,price_per_sqm\n01A010,3,30000\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_prices", "condos", str(bad), "--round", ROUND, "--org", org.slug, stderr=err)
    assert "line 2" in err.getvalue()
    assert CondoPrice.objects.get().price_per_sqm == Decimal("30000")  # the good load stands
