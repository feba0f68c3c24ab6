import math
from decimal import Decimal

import pytest
from django.contrib.gis.geos import LineString, MultiLineString, Point

from apps.assets.models import Road, Streetlight
from apps.maps import selectors
from apps.registry.models import LandUse
from apps.registry.tests.factories import (
    OwnerFactory,
    OwnershipFactory,
    ParcelFactory,
    VillageFactory,
    square,
)


@pytest.fixture(autouse=True)
def _forget_public_organisation():
    # The public organisation's id is kept for a minute in the process; each test has its own organisations.
    selectors._public_default = (0.0, None)
    yield
    selectors._public_default = (0.0, None)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return z, x, y


@pytest.fixture
def map_data(org, other_org):
    """Three parcels of Sai Thong (one owned, with its land use), one of the other organisation, a road."""
    village = VillageFactory(organisation=org, moo_no=3, name_th="บ้านโนนสวรรค์")
    parcels = [ParcelFactory(organisation=org, geom=square(n), village=village) for n in range(3)]
    LandUse.objects.create(
        organisation=org, parcel=parcels[0], use_code=1, area_sq_wa=Decimal("300")
    )
    LandUse.objects.create(
        organisation=org, parcel=parcels[0], use_code=2, area_sq_wa=Decimal("100")
    )
    owner = OwnerFactory(organisation=org, first_name="สมศรี", last_name="มีนา", title="นาง")
    OwnershipFactory(organisation=org, owner=owner, parcel=parcels[0])
    foreign = ParcelFactory(organisation=other_org, geom=square(1))
    road = Road.objects.create(
        organisation=org, name="ถนนทรายทอง-ห้วยเม็ก", surface="asphalt", width_m=Decimal("6.00"),
        geom=MultiLineString(LineString((103.1500, 16.7098), (103.1520, 16.7098)), srid=4326),
    )
    light = Streetlight.objects.create(
        organisation=org, pole_no="ST-001", lamp_type="led", watts=40,
        geom=Point(103.1501, 16.7099, srid=4326),
    )
    return {"parcels": parcels, "owner": owner, "foreign": foreign, "road": road, "light": light,
            "village": village}
