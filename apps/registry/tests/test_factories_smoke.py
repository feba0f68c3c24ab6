from apps.registry.models import Parcel
from apps.registry.tests.factories import BuildingFactory, OwnershipFactory


def test_factories_build_a_consistent_registry(org):
    ownership = OwnershipFactory(organisation=org)
    building = BuildingFactory(organisation=org, parcel=ownership.parcel)
    assert building.parcel.organisation == org == ownership.owner.organisation
    assert Parcel.objects.filter(organisation=org).count() == 1
    assert ownership.parcel.history.count() == 1  # the creation is in the history table
