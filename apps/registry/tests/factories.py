from decimal import Decimal

import factory
from django.contrib.gis.geos import MultiPolygon, Polygon
from factory.django import DjangoModelFactory

from apps.organisations.tests.factories import OrganisationFactory
from apps.registry.domain.owner_id import make_valid_personal_id
from apps.registry.models import Building, Owner, Ownership, Parcel, TaxMapBlock, TaxMapZone, Village

# Small squares ~44 m a side laid out west to east inside Sai Thong, so parcels never overlap.
ORIGIN_LON, ORIGIN_LAT, STEP = 103.150, 16.710, 0.0005


def square(n: int, size: float = 0.0004) -> MultiPolygon:
    col, row = n % 80, n // 80
    x, y = ORIGIN_LON + col * STEP, ORIGIN_LAT + row * STEP
    return MultiPolygon(Polygon.from_bbox((x, y, x + size, y + size)), srid=4326)


class VillageFactory(DjangoModelFactory):
    class Meta:
        model = Village

    organisation = factory.SubFactory(OrganisationFactory)
    moo_no = factory.Sequence(lambda n: n % 30 + 1)
    name_th = factory.Sequence(lambda n: f"บ้านทดสอบ {n}")


class TaxMapZoneFactory(DjangoModelFactory):
    class Meta:
        model = TaxMapZone

    organisation = factory.SubFactory(OrganisationFactory)
    zone_no = factory.Sequence(lambda n: n % 99 + 1)
    geom = factory.LazyFunction(lambda: square(0, 0.01))


class TaxMapBlockFactory(DjangoModelFactory):
    class Meta:
        model = TaxMapBlock

    organisation = factory.SubFactory(OrganisationFactory)
    zone = factory.SubFactory(TaxMapZoneFactory, organisation=factory.SelfAttribute("..organisation"))
    block_letter = "A"
    geom = factory.LazyFunction(lambda: square(0, 0.01))


class ParcelFactory(DjangoModelFactory):
    class Meta:
        model = Parcel

    organisation = factory.SubFactory(OrganisationFactory)
    parcel_code = factory.Sequence(lambda n: f"01A{n % 999 + 1:03d}")
    zone_no = factory.LazyAttribute(lambda o: int(o.parcel_code[:2]))
    block_letter = factory.LazyAttribute(lambda o: o.parcel_code[2])
    lot_no = factory.LazyAttribute(lambda o: int(o.parcel_code[3:6]))
    land_document_type = 1
    document_no = factory.Sequence(lambda n: str(1000 + n))
    deed_area_sq_wa = Decimal("400.00")
    geom = factory.Sequence(square)
    area_m2 = Decimal("1900.00")


class OwnerFactory(DjangoModelFactory):
    class Meta:
        model = Owner

    organisation = factory.SubFactory(OrganisationFactory)
    owner_type = Owner.OwnerType.INDIVIDUAL
    id_number = factory.Sequence(lambda n: make_valid_personal_id(f"3460800{n:05d}"))
    title = "นาย"
    first_name = factory.Sequence(lambda n: f"สมชาย{n}")
    last_name = "ใจดี"


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    organisation = factory.SubFactory(OrganisationFactory)
    parcel = factory.SubFactory(ParcelFactory, organisation=factory.SelfAttribute("..organisation"))
    building_no = factory.Sequence(lambda n: n + 1)
    building_type = "101"
    construction = "wood"
    storeys = 1
    floor_area_m2 = Decimal("80.00")
    year_built_be = 2540


class OwnershipFactory(DjangoModelFactory):
    class Meta:
        model = Ownership

    organisation = factory.SubFactory(OrganisationFactory)
    owner = factory.SubFactory(OwnerFactory, organisation=factory.SelfAttribute("..organisation"))
    parcel = factory.SubFactory(ParcelFactory, organisation=factory.SelfAttribute("..organisation"))
