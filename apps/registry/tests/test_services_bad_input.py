"""Bad input to the registry services is refused with a clear message on the right field and saves nothing."""

from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.registry.errors import ParcelEditConflict
from apps.registry.models import Owner, Parcel
from apps.registry.services import owner_create, parcel_create, parcel_update
from apps.registry.tests.factories import ParcelFactory, VillageFactory, square

BOWTIE = MultiPolygon(
    Polygon(((103.16, 16.72), (103.161, 16.721), (103.161, 16.72), (103.16, 16.721), (103.16, 16.72))),
    srid=4326,
)
IN_THE_NEXT_TAMBON = MultiPolygon(Polygon.from_bbox((103.30, 16.72, 103.301, 16.721)), srid=4326)


def refused(field, **kwargs):
    with pytest.raises(ValidationError) as excinfo:
        parcel_create(**kwargs)
    assert field in excinfo.value.message_dict, excinfo.value.message_dict
    return excinfo.value.message_dict[field]


def test_a_good_parcel_is_saved_with_its_parts_and_map_area(org):
    parcel = parcel_create(org=org, geom=square(3), parcel_code="02b017", deed_area="1-0-00")
    assert (parcel.parcel_code, parcel.zone_no, parcel.block_letter, parcel.lot_no) == ("02B017", 2, "B", 17)
    assert parcel.deed_area_sq_wa == Decimal("400")
    assert Decimal("1500") < parcel.area_m2 < Decimal("2100")  # ~0.0004° squared at 16.7° N
    assert parcel.history.count() == 1


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("geom", {"geom": BOWTIE, "parcel_code": "01A001"}),
        ("geom", {"geom": IN_THE_NEXT_TAMBON, "parcel_code": "01A001"}),
        ("parcel_code", {"geom": square(1), "parcel_code": "1A1"}),
        ("deed_area", {"geom": square(1), "parcel_code": "01A001", "deed_area": "1-5-00"}),
        ("deed_area", {"geom": square(1), "parcel_code": "01A001", "deed_area": "1-0-100"}),
    ],
    ids=["self-intersecting", "outside-organisation", "bad-code", "ngan-5", "wa-100"],
)
def test_bad_parcel_is_refused_and_nothing_saved(org, field, kwargs):
    refused(field, org=org, **kwargs)
    assert not Parcel.objects.exists()


@translation.override("en")
def test_geometry_in_utm_metres_is_refused(org):
    utm = MultiPolygon(Polygon.from_bbox((305000, 1851000, 305100, 1851100)), srid=32648)
    messages = refused("geom", org=org, geom=utm, parcel_code="01A001")
    assert "4326" in str(messages)


@translation.override("en")
def test_duplicate_parcel_code_is_refused(org):
    ParcelFactory(organisation=org, parcel_code="01A001")
    messages = refused("__all__", org=org, geom=square(5), parcel_code="01a001")
    assert "already" in str(messages)
    assert Parcel.objects.count() == 1


def test_same_code_in_another_organisation_is_fine(org, other_org):
    ParcelFactory(
        organisation=other_org,
        parcel_code="01A001",
        geom=MultiPolygon(Polygon.from_bbox((103.21, 16.72, 103.2104, 16.7204)), srid=4326),
    )
    assert parcel_create(org=org, geom=square(5), parcel_code="01A001").pk


@translation.override("en")
def test_a_link_to_another_organisations_village_is_refused(org, other_org):
    foreign_village = VillageFactory(organisation=other_org)
    messages = refused("village", org=org, geom=square(2), parcel_code="01A002", village=foreign_village)
    assert "another organisation" in str(messages)
    assert not Parcel.objects.exists()


@pytest.mark.parametrize(
    ("owner_type", "id_number"),
    [("individual", "1234567890123"), ("individual", "12345"), ("juristic", "0105540000001")],
)
def test_bad_thai_id_is_refused(org, owner_type, id_number):
    with pytest.raises(ValidationError) as excinfo:
        owner_create(org=org, owner_type=owner_type, id_number=id_number, first_name="สมศรี", last_name="มีสุข")
    assert "id_number" in excinfo.value.message_dict
    assert not Owner.objects.exists()


def test_valid_thai_id_is_accepted(org):
    owner = owner_create(org=org, owner_type="individual", id_number="1101700230708", first_name="สมศรี")
    assert owner.pk


def test_messages_follow_the_users_language(org):
    with translation.override("th"):
        thai = refused("deed_area", org=org, geom=square(1), parcel_code="01A001", deed_area="1-5-00")
    with translation.override("en"):
        english = refused("deed_area", org=org, geom=square(1), parcel_code="01A001", deed_area="1-5-00")
    assert "rai-ngan" in english[0]
    assert thai != english and any("\u0e00" <= ch <= "\u0e7f" for ch in thai[0])


def test_stale_version_is_a_conflict_not_an_overwrite(org):
    parcel = parcel_create(org=org, geom=square(7), parcel_code="01A007")
    parcel_update(org=org, parcel_id=parcel.pk, expected_version=1, document_no="555")
    with pytest.raises(ParcelEditConflict) as excinfo:
        parcel_update(org=org, parcel_id=parcel.pk, expected_version=1, document_no="999")
    assert excinfo.value.current.document_no == "555"
    parcel.refresh_from_db()
    assert (parcel.document_no, parcel.version) == ("555", 2)
