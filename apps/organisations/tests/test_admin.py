"""An organisation's administrator manages the people of their organisation, and only them."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from apps.organisations.models import Membership, Role
from apps.organisations.services import membership_grant
from apps.organisations.tests.factories import UserFactory


@pytest.fixture
def admin_client(client, org_admin):
    client.force_login(org_admin)
    return client


@pytest.fixture
def stranger(other_org):
    user = UserFactory(username="stranger-other")
    membership_grant(user=user, org=other_org, role=Role.SURVEYOR)
    return user


def test_membership_list_is_scoped(admin_client, surveyor, stranger):
    html = admin_client.get(reverse("admin:organisations_membership_changelist")).content.decode()
    assert surveyor.username in html
    assert stranger.username not in html
    other = Membership.objects.get(user=stranger)
    response = admin_client.get(reverse("admin:organisations_membership_change", args=[other.pk]))
    assert response.status_code == 302  # "doesn't exist": back to the admin index


def test_user_list_is_scoped(admin_client, surveyor, stranger):
    html = admin_client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert surveyor.username in html
    assert stranger.username not in html
    assert admin_client.get(reverse("admin:auth_user_change", args=[stranger.pk])).status_code == 302


def test_org_admin_cannot_make_a_superuser(admin_client, surveyor):
    url = reverse("admin:auth_user_change", args=[surveyor.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="is_superuser"' not in html
    assert 'name="groups"' not in html


def test_org_admin_grants_a_role_to_a_new_account(admin_client, org):
    newcomer = UserFactory(username="newcomer")
    response = admin_client.post(reverse("admin:organisations_membership_add"),
                                 {"user": newcomer.pk, "role": Role.TAX_OFFICER, "organisation": 999999})
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=newcomer)
    assert (membership.organisation, membership.role) == (org, Role.TAX_OFFICER)
    newcomer.refresh_from_db()
    assert newcomer.groups.filter(name=Role.TAX_OFFICER).exists()
    assert newcomer.is_staff


def test_org_admin_cannot_enrol_another_organisations_user(admin_client, stranger):
    response = admin_client.post(reverse("admin:organisations_membership_add"),
                                 {"user": stranger.pk, "role": Role.ADMIN})
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not User.objects.get(pk=stranger.pk).memberships.filter(role=Role.ADMIN).exists()


def test_map_widget_uses_bundled_leaflet_not_a_cdn(admin_client):
    html = admin_client.get(reverse("admin:registry_parcel_add")).content.decode()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert any("leaflet" in src for src in scripts)
    assert all(src.startswith("/static/") or src.startswith("/admin/") for src in scripts), scripts
