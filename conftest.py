"""Fixtures shared by every test: two organisations and a user for each role in the first one."""

import pytest
from django.conf import settings
from django.utils import translation

from apps.organisations.models import Role
from apps.organisations.services import membership_grant
from apps.organisations.tests.factories import OrganisationFactory, UserFactory, bbox_multipolygon


@pytest.fixture(autouse=True)
def _default_language():
    # LocaleMiddleware leaves the last request's language active in the thread: start every test in the
    # default language (Thai) so no test depends on which one ran before it.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def org(db):
    return OrganisationFactory(
        dla_code="6460809", slug="sai-thong", name_th="องค์การบริหารส่วนตำบลทรายทอง", name_en="Sai Thong SAO"
    )


@pytest.fixture
def other_org(db):
    return OrganisationFactory(
        dla_code="6460808",
        slug="other",
        name_th="อบต.อื่น",
        name_en="Other SAO",
        boundary=bbox_multipolygon((103.20, 16.70, 103.25, 16.77)),
    )


def _member(org, role):
    user = UserFactory(username=f"{role}-{org.slug}")
    membership_grant(user=user, org=org, role=role)
    return user


@pytest.fixture
def surveyor(org):
    return _member(org, Role.SURVEYOR)


@pytest.fixture
def tax_officer(org):
    return _member(org, Role.TAX_OFFICER)


@pytest.fixture
def resident(org):
    return _member(org, Role.RESIDENT)


@pytest.fixture
def org_admin(org):
    return _member(org, Role.ADMIN)
