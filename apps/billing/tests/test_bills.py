"""Bills from assessments, versions, objections, arrears, the dashboard and the e-LAAS file."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from apps.billing.errors import BillingError, BillingErrorCode
from apps.billing.exports import ELAAS_COLUMNS, arrears_csv, collection_csv, elaas_receipts_csv
from apps.billing.models import Bill, Payment
from apps.billing.selectors import (
    BillStatus,
    arrears_list,
    bill_search,
    bill_state,
    collection_summary,
    objections_needing_decision,
    owner_arrears,
)
from apps.billing.services import (
    bill_issue,
    bills_issue_for_year,
    objection_decide,
    objection_file,
    payment_record,
    payment_reverse,
)
from apps.billing.services.bills import bill_reference, reference_is_valid
from apps.billing.tests.factories import issued_assessment, make_bill
from apps.registry.tests.factories import OwnerFactory, ParcelFactory, VillageFactory
from apps.taxation.models import Assessment

BKK = ZoneInfo("Asia/Bangkok")


def pay(org, bill, amount, by, key, when=dt.datetime(2024, 4, 20, 10, tzinfo=BKK)):
    return payment_record(
        org=org,
        bill_id=bill.pk,
        amount_satang=amount,
        method=Payment.Method.CASH,
        by=by,
        idempotency_key=key,
        received_at=when,
    )


def test_reference_has_a_check_digit():
    reference = bill_reference(tax_year=2567, owner_id=42)
    assert len(reference) == 12 and reference.startswith("25670000042")
    assert reference_is_valid(reference)
    typo = reference[:-2] + str((int(reference[-2]) + 1) % 10) + reference[-1]
    assert not reference_is_valid(typo)


def test_bill_from_assessment_uses_its_calendar_and_place(org):
    village = VillageFactory(organisation=org, moo_no=3, name_th="บ้านทราย")
    parcel = ParcelFactory(organisation=org, village=village)
    assessment = issued_assessment(org, use="agriculture")
    assessment.provenance = {"properties": [{"ref": parcel.parcel_code, "parcel_id": parcel.pk}]}
    Assessment.objects.filter(pk=assessment.pk).update(provenance=assessment.provenance)
    bill = bill_issue(org=org, assessment_id=assessment.pk)
    assert (bill.due_date, bill.installment_due[-1]) == (dt.date(2024, 4, 30), dt.date(2024, 6, 30))
    assert (bill.village, bill.main_use, bill.amount_satang) == (village, "agriculture", 1_000_000)
    # Idempotent: issuing again returns the same bill.
    assert bill_issue(org=org, assessment_id=assessment.pk) == bill


def test_calendar_falls_back_to_the_year_file(org):
    assessment = issued_assessment(org, tax_year=2569, calendar={"payment_due": None})
    bill = bill_issue(org=org, assessment_id=assessment.pk)
    # 2569 data file: payment within June (extended calendar, §11.2).
    assert bill.due_date == dt.date(2026, 6, 30)


def test_draft_is_not_billed_and_zero_tax_needs_no_bill(org):
    draft = issued_assessment(org)
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.DRAFT)
    with pytest.raises(BillingError) as caught:
        bill_issue(org=org, assessment_id=draft.pk)
    assert caught.value.code is BillingErrorCode.NOT_ISSUED
    assert bill_issue(org=org, assessment_id=issued_assessment(org, total_satang=0).pk) is None


def test_bills_issue_for_year(org):
    for _ in range(3):
        issued_assessment(org)
    assert bills_issue_for_year(org=org, tax_year=2567) == 3
    assert bills_issue_for_year(org=org, tax_year=2567) == 0


def test_search_by_reference_id_and_name(org):
    owner = OwnerFactory(organisation=org, first_name="มานี", last_name="มีนา")
    bill = make_bill(org, owner=owner)
    make_bill(org)
    assert list(bill_search(org=org, query=bill.reference)) == [bill]
    assert list(bill_search(org=org, query=owner.id_number)) == [bill]
    assert list(bill_search(org=org, query="มานี")) == [bill]
    assert list(bill_search(org=org, query="")) == []


def test_accepted_objection_makes_a_new_version_and_a_refund(org, tax_officer, org_admin):
    bill = make_bill(org)
    pay(org, bill, 1_000_000, tax_officer, "full")
    objection = objection_file(
        org=org,
        bill_id=bill.pk,
        notice_received_on=dt.date(2024, 3, 1),
        filed_on=dt.date(2024, 3, 20),
        grounds="the house is my main residence",
        by=tax_officer,
    )
    assert objection.decide_by == dt.date(2024, 5, 19)
    assert objections_needing_decision(org=org, on=dt.date(2024, 5, 12)) == [objection]
    decision = objection_decide(
        org=org,
        objection_id=objection.pk,
        accepted=True,
        decided_on=dt.date(2024, 4, 25),
        by=org_admin,
        corrected_tax_satang=600_000,
    )
    new_bill = decision.new_bill
    assert (new_bill.reference, new_bill.version, new_bill.supersedes) == (bill.reference, 2, bill)
    assert new_bill.assessment.version == 2 and new_bill.assessment.status == Assessment.Status.ISSUED
    bill.assessment.refresh_from_db()
    assert bill.assessment.status == Assessment.Status.SUPERSEDED
    assert bill_state(bill=bill).status is BillStatus.SUPERSEDED
    state = bill_state(bill=new_bill, on=dt.date(2024, 4, 26))
    assert (state.status, state.credit_satang) == (BillStatus.PAID, 400_000)  # 4,000.00 to refund
    with pytest.raises(BillingError) as caught:
        objection_decide(
            org=org,
            objection_id=objection.pk,
            accepted=False,
            decided_on=dt.date(2024, 5, 1),
            by=org_admin,
            note="again",
        )
    assert caught.value.code is BillingErrorCode.OBJECTION_DECIDED


def test_reduced_bill_still_owing(org, tax_officer, org_admin):
    bill = make_bill(org)
    pay(org, bill, 200_000, tax_officer, "part")
    objection = objection_file(
        org=org,
        bill_id=bill.pk,
        notice_received_on=dt.date(2024, 3, 1),
        filed_on=dt.date(2024, 3, 2),
        grounds="area wrong",
        by=tax_officer,
    )
    decision = objection_decide(
        org=org,
        objection_id=objection.pk,
        accepted=True,
        decided_on=dt.date(2024, 4, 1),
        by=org_admin,
        corrected_tax_satang=500_000,
    )
    # Payments on the old version count: 5,000.00 - 2,000.00 = 3,000.00 left.
    assert bill_state(bill=decision.new_bill, on=dt.date(2024, 4, 2)).owed.total_satang == 300_000


@pytest.mark.parametrize(
    ("received", "filed", "kwargs", "code"),
    [
        (dt.date(2024, 3, 1), dt.date(2024, 4, 1), {}, BillingErrorCode.OBJECTION_LATE),  # 31 days
        (dt.date(2024, 3, 1), dt.date(2024, 3, 5), {"grounds": " "}, BillingErrorCode.REASON_REQUIRED),
    ],
)
def test_objection_refused(org, tax_officer, received, filed, kwargs, code):
    bill = make_bill(org)
    with pytest.raises(BillingError) as caught:
        objection_file(
            org=org,
            bill_id=bill.pk,
            notice_received_on=received,
            filed_on=filed,
            by=tax_officer,
            **{"grounds": "x", **kwargs},
        )
    assert caught.value.code is code


def test_rejected_objection_needs_a_reason_and_changes_nothing(org, tax_officer, org_admin):
    bill = make_bill(org)
    objection = objection_file(
        org=org,
        bill_id=bill.pk,
        notice_received_on=dt.date(2024, 3, 1),
        filed_on=dt.date(2024, 3, 2),
        grounds="too high",
        by=tax_officer,
    )
    with pytest.raises(BillingError):
        objection_decide(
            org=org, objection_id=objection.pk, accepted=False, decided_on=dt.date(2024, 4, 1), by=org_admin
        )
    objection_decide(
        org=org,
        objection_id=objection.pk,
        accepted=False,
        decided_on=dt.date(2024, 4, 1),
        by=org_admin,
        note="prices follow the Treasury round",
    )
    assert Bill.objects.filter(reference=bill.reference).count() == 1


def test_arrears_carry_to_later_years_and_to_the_land_office(org, tax_officer):
    owner = OwnerFactory(organisation=org)
    old = make_bill(org, owner=owner, properties=[{"ref": "01A007"}])
    new = make_bill(
        org, owner=owner, tax_year=2568, calendar={"payment_due": "2025-04-30", "installment_due": []}
    )
    carried = owner_arrears(org=org, owner_id=owner.pk, before_year=2568, on=dt.date(2025, 3, 1))
    assert [state.bill for state in carried] == [old]
    rows = arrears_list(org=org, tax_year=2567, on=dt.date(2024, 6, 15))
    assert [row.state.bill for row in rows] == [old]
    text = arrears_csv(rows)
    record = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert (record["bill_reference"], record["parcels"], record["tax_unpaid"]) == (
        old.reference,
        "01A007",
        "10000.00",
    )
    # 10% penalty (no letter) + 2 months (May, June) of 1%.
    assert (record["penalty"], record["surcharge"], record["total"]) == ("1000.00", "200.00", "11200.00")
    assert new not in [row.state.bill for row in rows]


def test_dashboard_numbers(org, tax_officer):
    v1 = VillageFactory(organisation=org, moo_no=1, name_th="บ้านหนึ่ง")
    bills = [make_bill(org, total_satang=amount) for amount in (100_000, 300_000)]
    p = ParcelFactory(organisation=org, village=v1)
    with_village = issued_assessment(org, total_satang=600_000, use="other")
    Assessment.objects.filter(pk=with_village.pk).update(provenance={"properties": [{"parcel_id": p.pk}]})
    bill_issue(org=org, assessment_id=with_village.pk)
    pay(org, bills[0], 100_000, tax_officer, "a")
    pay(org, bills[1], 100_000, tax_officer, "b", when=dt.datetime(2024, 5, 3, 10, tzinfo=BKK))
    make_bill(org, total_satang=50_000, tax_year=2566)
    summary = collection_summary(org=org, tax_year=2567)
    assert (
        summary.total.billed_satang,
        summary.total.collected_satang,
        summary.total.outstanding_satang,
    ) == (
        1_000_000,
        # The May payment was late: 1,000.00 paid 900.90 of tax + 90.09 penalty + 9.01 surcharge.
        100_000 + 90_090,
        1_000_000 - 190_090,
    )
    villages = {b.label: b.billed_satang for b in summary.by_village}
    assert villages["1 บ้านหนึ่ง"] == 600_000
    assert {b.key: b.billed_satang for b in summary.by_use} == {"residential": 400_000, "other": 600_000}
    assert [b.key for b in summary.by_month] == ["2024-04", "2024-05"]
    assert summary.last_year.billed_satang == 50_000
    assert "village" in collection_csv(summary)


def test_elaas_daily_file(org, tax_officer, org_admin):
    bill = make_bill(org)
    first = pay(org, bill, 400_000, tax_officer, "a")
    pay(org, bill, 100_000, tax_officer, "b")
    reversal = payment_reverse(org=org, payment_id=first.payment.pk, by=org_admin, reason="wrong bill")
    text = elaas_receipts_csv(org=org, day=dt.date(2024, 4, 20))
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0].keys()) == list(ELAAS_COLUMNS)
    assert [(r["receipt_no"], r["amount"], r["revenue_code"], r["receipt_date"]) for r in rows] == [
        ("2567/000001", "4000.00", "41100001", "20/4/2567"),
        ("2567/000002", "1000.00", "41100001", "20/4/2567"),
    ]
    day = dt.datetime.fromtimestamp(reversal.received_at.timestamp(), tz=BKK).date()
    rows = list(csv.DictReader(io.StringIO(elaas_receipts_csv(org=org, day=day).lstrip("\ufeff"))))
    cancel = [r for r in rows if r["cancels_receipt_no"]]
    assert [(r["cancels_receipt_no"], r["amount"]) for r in cancel] == [("2567/000001", "-4000.00")]


def test_revenue_codes_are_settings(org, tax_officer, settings):
    settings.BILLING_ELAAS_REVENUE_CODES = {"tax": "41100099", "penalty": "41900001"}
    bill = make_bill(org)
    pay(org, bill, 100_000, tax_officer, "a")
    rows = list(
        csv.DictReader(io.StringIO(elaas_receipts_csv(org=org, day=dt.date(2024, 4, 20)).lstrip("\ufeff")))
    )
    assert (rows[0]["revenue_code"], rows[0]["penalty_code"]) == ("41100099", "41900001")


@pytest.mark.parametrize(
    ("year", "due", "letters", "land_office"),
    [
        # (Normal calendar: April / May / June.) 2567 paid by 30 June: letters July, Land Office August.
        (2567, dt.date(2024, 6, 30), dt.date(2024, 7, 31), dt.date(2024, 8, 31)),
        # 2566 as recorded in §11.2: payment June, warning July, Land Office August ([35; 21]).
        (2566, dt.date(2023, 6, 30), dt.date(2023, 7, 31), dt.date(2023, 8, 31)),
        # 2563's data file: payment by 31 August.
        (2563, dt.date(2020, 8, 31), dt.date(2020, 9, 30), dt.date(2020, 10, 31)),
    ],
)
def test_collection_calendar_follows_the_year_file(year, due, letters, land_office):
    from apps.billing.selectors import collection_calendar

    found = collection_calendar(tax_year=year)
    assert (found.payment_due, found.warning_letters_by, found.land_office_by) == (due, letters, land_office)
