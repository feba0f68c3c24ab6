"""Payment status by parcel for the map: one SQL statement that agrees with bill_state, bill by bill."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from apps.billing.models import Installment, Payment
from apps.billing.selectors import BillStatus, bill_state, payment_status_by_parcel
from apps.billing.services import (
    bill_cancel,
    installment_plan_create,
    objection_decide,
    objection_file,
    payment_record,
)
from apps.billing.tests.factories import make_bill
from apps.maps import page_selectors
from apps.registry.models import Parcel
from apps.registry.tests.factories import BuildingFactory, OwnerFactory, OwnershipFactory, ParcelFactory

BANGKOK = ZoneInfo("Asia/Bangkok")
BEFORE_DUE = dt.date(2024, 4, 15)  # bills fall due on 30 April 2567
AFTER_DUE = dt.date(2024, 5, 20)

# bill_state's status → the map's; a paid bill is paid whatever the day.
AS_MAP = {
    BillStatus.OPEN: "unpaid",
    BillStatus.PARTLY_PAID: "partly_paid",
    BillStatus.OVERDUE: "overdue",
    BillStatus.PAID: "paid",
}


def _pay(org, bill, amount, by, day=dt.date(2024, 4, 10), at=dt.time(23, 30)):
    return payment_record(
        org=org,
        bill_id=bill.pk,
        amount_satang=amount,
        method=Payment.Method.CASH,
        by=by,
        idempotency_key=f"{bill.pk}-{amount}-{day}",
        received_at=dt.datetime.combine(day, at, tzinfo=BANGKOK),
        refuse_when_paid=False,
    )


@pytest.fixture
def town(org, other_org, tax_officer, org_admin):
    """One parcel per case; each owner's bill is the case's bill."""
    owners = {
        name: OwnerFactory(organisation=org)
        for name in (
            "paid",
            "partly",
            "unpaid",
            "no_bill",
            "cancelled",
            "reduced",
            "plan_kept",
            "plan_missed",
            "builder",
        )
    }
    bills = {}
    for name, total in (
        ("paid", 100_000),
        ("partly", 100_000),
        ("unpaid", 100_000),
        ("cancelled", 100_000),
        ("builder", 100_000),
        ("plan_kept", 900_000),
        ("plan_missed", 900_000),
    ):
        bills[name] = make_bill(org, owner=owners[name], total_satang=total)
    _pay(org, bills["paid"], 100_000, tax_officer)
    _pay(org, bills["partly"], 40_000, tax_officer)
    bill_cancel(org=org, bill_id=bills["cancelled"].pk, by=org_admin, reason="wrong taxpayer")
    # Version 1 of 1,000.00 part paid with 600.00; an objection cuts it to 500.00: the 600.00 covers it.
    first = make_bill(org, owner=owners["reduced"], total_satang=100_000)
    _pay(org, first, 60_000, tax_officer)
    objection = objection_file(
        org=org,
        bill_id=first.pk,
        notice_received_on=dt.date(2024, 3, 1),
        filed_on=dt.date(2024, 3, 20),
        grounds="main residence",
        by=tax_officer,
    )
    bills["reduced"] = objection_decide(
        org=org,
        objection_id=objection.pk,
        accepted=True,
        decided_on=dt.date(2024, 4, 12),
        by=org_admin,
        corrected_tax_satang=50_000,
    ).new_bill
    for name in ("plan_kept", "plan_missed"):
        installment_plan_create(
            org=org, bill_id=bills[name].pk, requested_on=dt.date(2024, 4, 1), by=tax_officer
        )
    first_part = Installment.objects.get(plan__bill=bills["plan_kept"], number=1).amount_satang
    _pay(org, bills["plan_kept"], first_part, tax_officer, day=dt.date(2024, 4, 30))  # on its due date
    # 1 May 01:00 in Thailand is still 30 April in UTC: the receipt date is Thai, so this is a day late
    # (and more than the first instalment's tax, so only the date decides that the plan broke).
    _pay(org, bills["plan_missed"], 2 * first_part, tax_officer, day=dt.date(2024, 5, 1), at=dt.time(1, 0))

    parcels = {}
    for name, owner in owners.items():
        parcels[name] = OwnershipFactory(organisation=org, owner=owner).parcel
    shared = ParcelFactory(organisation=org)  # a paid owner and an unpaying one
    OwnershipFactory(organisation=org, owner=owners["paid"], parcel=shared)
    OwnershipFactory(organisation=org, owner=owners["unpaid"], parcel=shared)
    parcels["shared"] = shared
    # The land is paid for, the house on it (another owner's) is not.
    built = ParcelFactory(organisation=org)
    OwnershipFactory(organisation=org, owner=owners["paid"], parcel=built)
    OwnershipFactory(
        organisation=org,
        owner=owners["builder"],
        parcel=None,
        building=BuildingFactory(organisation=org, parcel=built),
    )
    parcels["built"] = built
    parcels.pop("builder")
    parcels["nobody"] = ParcelFactory(organisation=org)
    retired = ParcelFactory(organisation=org, status=Parcel.Status.RETIRED)
    OwnershipFactory(organisation=org, owner=owners["unpaid"], parcel=retired)
    foreign = make_bill(other_org)
    OwnershipFactory(organisation=other_org, owner=foreign.owner)
    return {"owners": owners, "bills": bills, "parcels": parcels, "retired": retired}


def test_status_of_each_parcel_before_and_after_the_due_date(org, town, django_assert_num_queries):
    ids = {name: parcel.pk for name, parcel in town["parcels"].items()}
    with django_assert_num_queries(1):
        before = payment_status_by_parcel(org=org, tax_year=2567, on=BEFORE_DUE)
    after = payment_status_by_parcel(org=org, tax_year=2567, on=AFTER_DUE)
    expected_before = {
        "paid": "paid",
        "partly": "partly_paid",
        "unpaid": "unpaid",
        "no_bill": "no_bill",
        "cancelled": "no_bill",
        "reduced": "paid",
        "plan_kept": "partly_paid",
        "plan_missed": "partly_paid",
        "shared": "unpaid",
        "built": "unpaid",
        "nobody": "no_bill",
    }
    expected_after = {
        **expected_before,
        "partly": "overdue",
        "unpaid": "overdue",
        "plan_missed": "overdue",
        "shared": "overdue",
        "built": "overdue",
    }
    assert {name: before[pk] for name, pk in ids.items()} == expected_before
    assert {name: after[pk] for name, pk in ids.items()} == expected_after
    # Only the organisation's active parcels, and every one of them.
    active = Parcel.objects.filter(organisation=org, status=Parcel.Status.ACTIVE)
    assert set(after) == set(active.values_list("pk", flat=True))
    assert town["retired"].pk not in after
    assert payment_status_by_parcel(org=org, tax_year=2566, on=AFTER_DUE)[ids["paid"]] == "no_bill"


@pytest.mark.parametrize("on", [BEFORE_DUE, dt.date(2024, 5, 1), AFTER_DUE, dt.date(2024, 6, 10)])
def test_agrees_with_bill_state(org, town, on):
    statuses = payment_status_by_parcel(org=org, tax_year=2567, on=on)
    for name, bill in town["bills"].items():
        if name in ("cancelled", "builder"):
            continue
        bill.refresh_from_db()
        expected = AS_MAP[bill_state(bill=bill, on=on).status]
        assert statuses[town["parcels"][name].pk] == expected, (name, on)


def test_map_hook_and_values_endpoint(client, org, town, tax_officer):
    statuses = page_selectors.payment_status_by_parcel(org=org)
    ids = {name: parcel.pk for name, parcel in town["parcels"].items()}
    # The map's words: "unpaid" is its "open"; parcels without a bill are left out (drawn as no data).
    assert statuses[ids["paid"]] == "paid" and statuses[ids["plan_missed"]] == "overdue"
    assert ids["no_bill"] not in statuses and ids["nobody"] not in statuses
    assert set(statuses.values()) <= {"paid", "partly_paid", "open", "overdue"}
    client.force_login(tax_officer)
    answer = client.get(reverse("map-values", args=["payment"])).json()
    assert answer["available"] is True
    assert answer["values"][str(ids["paid"])] == "paid"
