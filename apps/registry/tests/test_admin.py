"""The admin: every model registered, pages load for the organisation's administrator, and one organisation
never sees or touches another's rows; a parcel saved in the admin is validated like one from the API."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.gis.geos import MultiPolygon
from django.urls import reverse

from apps.registry.models import Parcel
from apps.registry.tests.factories import OwnershipFactory, ParcelFactory, VillageFactory, square

ADMIN_APPS = ("organisations", "registry", "assets", "valuation")
MODELS = [m for label in ADMIN_APPS for m in apps.get_app_config(label).get_models()
          if not m.__name__.startswith("Historical")]
# Creating organisations is for superusers; an organisation's administrator manages everything inside one.
ORG_ADMIN_MODELS = [m for m in MODELS if m._meta.model_name != "organisation"]


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def admin_client(client, org_admin):
    client.force_login(org_admin)
    return client


def test_every_model_is_registered_with_a_history_page():
    from simple_history.admin import SimpleHistoryAdmin

    for model in MODELS:
        assert model in admin.site._registry, model
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model


def test_geometry_models_use_the_leaflet_widget():
    from leaflet.admin import LeafletGeoAdminMixin

    for model in MODELS:
        if any(f.get_internal_type().endswith(("PolygonField", "PointField", "LineStringField"))
               for f in model._meta.fields):
            assert isinstance(admin.site._registry[model], LeafletGeoAdminMixin), model


@pytest.mark.parametrize("model", ORG_ADMIN_MODELS, ids=lambda m: m._meta.label)
def test_changelist_and_add_pages_load_for_the_org_admin(admin_client, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200


def test_organisations_are_for_superusers_only(admin_client):
    from apps.organisations.models import Organisation

    assert admin_client.get(admin_url(Organisation, "changelist")).status_code == 403


def test_parcel_changelist_is_scoped_searchable_and_shows_rai_ngan_wa(admin_client, org, other_org):
    mine = ParcelFactory(organisation=org, parcel_code="01A007", deed_area_sq_wa=Decimal("935.5"))
    OwnershipFactory(organisation=org, parcel=mine, owner__first_name="บุญมี")
    ParcelFactory(organisation=other_org, parcel_code="05C555")
    html = admin_client.get(admin_url(Parcel, "changelist")).content.decode()
    assert "01A007" in html
    assert "2-1-35.5" in html
    assert "05C555" not in html
    found = admin_client.get(admin_url(Parcel, "changelist"), {"q": "บุญมี"}).content.decode()
    assert "01A007" in found


def test_another_organisations_parcel_is_not_found(admin_client, other_org):
    theirs = ParcelFactory(organisation=other_org, parcel_code="05C555")
    response = admin_client.get(admin_url(Parcel, "change", theirs.pk), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    html = response.content.decode()
    assert "05C555" not in html
    assert "doesn’t exist" in html or "ไม่มีอยู่" in html


def test_village_filter_offers_only_this_organisations_villages(admin_client, org, other_org):
    mine = VillageFactory(organisation=org, name_th="บ้านของเรา")
    ParcelFactory(organisation=org, village=mine)
    theirs = VillageFactory(organisation=other_org, name_th="บ้านของเขา")
    ParcelFactory(organisation=other_org, village=theirs)
    html = admin_client.get(admin_url(Parcel, "changelist")).content.decode()
    assert "บ้านของเรา" in html
    assert "บ้านของเขา" not in html


def parcel_post(**overrides) -> dict:
    data = {
        "parcel_code": "03C010", "status": "active", "land_document_type": "1", "geometry_source": "survey",
        "geom": square(500).geojson, "deed_area_sq_wa": "400",
    }
    for prefix in ("land_uses", "ownerships"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_parcel_added_in_the_admin_belongs_to_the_users_organisation(admin_client, org, other_org):
    # a forged organisation in the POST is ignored: the field is disabled and filled from the request
    response = admin_client.post(admin_url(Parcel, "add"), parcel_post(organisation=other_org.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    parcel = Parcel.objects.get(parcel_code="03C010")
    assert parcel.organisation == org
    assert parcel.area_m2 > 0  # measured by parcel_create, as from the API
    assert parcel.history.count() == 1


def test_admin_edit_goes_through_the_service(admin_client, org):
    parcel = ParcelFactory(organisation=org, parcel_code="03C011")
    data = parcel_post(parcel_code="03C011", geom=parcel.geom.geojson, document_no="999")
    response = admin_client.post(admin_url(Parcel, "change", parcel.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    parcel.refresh_from_db()
    assert (parcel.document_no, parcel.version) == ("999", 2)


def test_self_intersecting_geometry_is_refused_by_the_admin_form(admin_client, org):
    bowtie = ('{"type": "MultiPolygon", "coordinates": [[[[103.16, 16.72], [103.161, 16.721], '
              '[103.161, 16.72], [103.16, 16.721], [103.16, 16.72]]]]}')
    response = admin_client.post(admin_url(Parcel, "add"), parcel_post(geom=bowtie),
                                 HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "self-intersection" in str(errors["geom"]).lower(), errors
    assert not Parcel.objects.filter(organisation=org).exists()


def test_duplicate_code_and_foreign_village_are_refused_by_the_admin_form(admin_client, org, other_org):
    ParcelFactory(organisation=org, parcel_code="03C010")
    response = admin_client.post(admin_url(Parcel, "add"), parcel_post(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "already has this parcel code" in response.content.decode()
    foreign_village = VillageFactory(organisation=other_org)
    response = admin_client.post(admin_url(Parcel, "add"),
                                 parcel_post(parcel_code="03C012", village=foreign_village.pk))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["village"]
    assert Parcel.objects.filter(organisation=org).count() == 1


def test_surveyor_sees_parcels_but_not_owners(client, surveyor, org):
    from apps.registry.models import Owner

    client.force_login(surveyor)
    assert client.get(admin_url(Parcel, "changelist")).status_code == 200
    assert client.get(admin_url(Owner, "changelist")).status_code == 403


def test_an_overlapping_boundary_is_refused_by_the_admin_form_not_a_500(admin_client, org):
    ParcelFactory(organisation=org, parcel_code="01A001", geom=square(0))
    overlapping = MultiPolygon(square(0).buffer(0.0001), srid=4326)  # covers the neighbour and more
    response = admin_client.post(admin_url(Parcel, "add"), {
        "parcel_code": "01A002", "status": "active", "land_document_type": 1,
        "geom": overlapping.geojson, "geometry_source": "survey",
        "land_uses-TOTAL_FORMS": 0, "land_uses-INITIAL_FORMS": 0,
        "ownerships-TOTAL_FORMS": 0, "ownerships-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["geom"]
    assert "01A001" in str(errors) or "ทับ" in str(errors) or "overlap" in str(errors), errors
    assert Parcel.objects.filter(organisation=org).count() == 1
