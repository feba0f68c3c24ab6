import factory
from django.contrib.auth.models import User
from django.contrib.gis.geos import MultiPolygon, Polygon
from factory.django import DjangoModelFactory

from apps.organisations.models import Organisation

# Sai Thong's extent (tax-map-and-registry.md §1); a second organisation sits just east of it.
SAI_THONG_BBOX = (103.1451, 16.7014, 103.1944, 16.7711)


def bbox_multipolygon(bbox) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox(bbox), srid=4326)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("dla_code",)

    dla_code = factory.Sequence(lambda n: f"6{n:06d}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    name_th = factory.Sequence(lambda n: f"อบต.ทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test SAO {n}")
    boundary = factory.LazyFunction(lambda: bbox_multipolygon(SAI_THONG_BBOX))
    utm_srid = 32648


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
