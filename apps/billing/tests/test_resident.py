"""A resident's own bills: status, amount due, the Thai QR and the bill PDF; nobody else's."""

import base64
import re

import pytest
from django.urls import reverse

from apps.billing.domain.thai_qr import read_bill_payment
from apps.billing.qr import bill_qr_payload, qr_data_uri
from apps.billing.selectors import bill_list_for_resident, bill_state
from apps.billing.services import bill_cancel
from apps.billing.tests.factories import make_bill
from apps.core.testing import pdf_text
from apps.organisations.models import Role
from apps.organisations.services import membership_grant
from apps.organisations.tests.factories import UserFactory
from apps.registry.tests.factories import OwnerFactory

BILLER = "099999999999900"


@pytest.fixture
def mine(org, resident):
    org.promptpay_biller_id = BILLER
    org.save()
    owner = OwnerFactory(organisation=org, user=resident, title="นาง", first_name="บุญมี", last_name="ดีใจ")
    return {
        "now": make_bill(org, owner=owner, total_satang=123_456, tax_year=2567),
        "old": make_bill(org, owner=owner, total_satang=50_000, tax_year=2566),
    }


@pytest.fixture
def neighbour_bill(org):
    neighbour = UserFactory(username="neighbour")
    membership_grant(user=neighbour, org=org, role=Role.RESIDENT)
    return make_bill(org, owner=OwnerFactory(organisation=org, user=neighbour), total_satang=99_900)


def test_only_bills_of_owners_linked_to_the_login(org, resident, mine, neighbour_bill, org_admin):
    assert list(bill_list_for_resident(org=org, user=resident)) == [mine["now"], mine["old"]]
    bill_cancel(org=org, bill_id=mine["old"].pk, by=org_admin, reason="sold before 1 January")
    assert list(bill_list_for_resident(org=org, user=resident)) == [mine["now"]]


def test_my_bills_page_shows_status_amount_and_a_payable_qr(client, resident, mine, neighbour_bill):
    client.force_login(resident)
    response = client.get(reverse("billing:my-bills"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert mine["now"].reference in html and mine["old"].reference in html
    assert neighbour_bill.reference not in html
    state = bill_state(bill=mine["now"])
    assert state.status_label in html
    owed = f"{state.owed.total_satang // 100:,}.{state.owed.total_satang % 100:02d}"
    assert owed in html
    assert reverse("billing:my-bill-pdf", args=[mine["now"].pk]) in html
    # The QR image carries the bill's reference and today's amount for any Thai bank app.
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 2
    png = base64.b64decode(images[0])
    assert png.startswith(b"\x89PNG")
    payload = bill_qr_payload(mine["now"], amount_satang=state.owed.total_satang)
    fields = read_bill_payment(payload)
    assert (fields.ref1, fields.amount_satang) == (mine["now"].reference, state.owed.total_satang)
    assert f"data:image/png;base64,{images[0]}" == qr_data_uri(payload)


def test_my_bill_pdf_and_404_for_someone_elses(client, resident, mine, neighbour_bill, other_org):
    client.force_login(resident)
    response = client.get(reverse("billing:my-bill-pdf", args=[mine["now"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert mine["now"].reference in text
    assert client.get(reverse("billing:my-bill-pdf", args=[neighbour_bill.pk])).status_code == 404
    foreign = make_bill(other_org)
    assert client.get(reverse("billing:my-bill-pdf", args=[foreign.pk])).status_code == 404
    # The counter's own PDF view stays closed to residents.
    assert client.get(reverse("billing:bill-pdf", args=[mine["now"].pk])).status_code == 403


def test_resident_without_land_and_staff(client, resident, tax_officer):
    client.force_login(resident)
    html = client.get(reverse("billing:my-bills")).content.decode()
    assert "There is no tax bill for land linked to your account" in html
    client.force_login(tax_officer)
    assert client.get(reverse("billing:my-bills")).status_code == 403
    client.logout()
    assert client.get(reverse("billing:my-bills")).status_code == 302
