"""The dashboard and arrears workbooks, read back with openpyxl as Excel would open them."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.billing.exports import BAHT_FORMAT, XLSX_CONTENT_TYPE, arrears_xlsx, baht_decimal, collection_xlsx
from apps.billing.models import Payment
from apps.billing.selectors import arrears_list, collection_summary
from apps.billing.services import bill_issue, payment_record
from apps.billing.tests.factories import issued_assessment, make_bill
from apps.registry.tests.factories import OwnerFactory, ParcelFactory, VillageFactory
from apps.taxation.models import Assessment

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.mark.parametrize(
    ("satang", "baht"),
    [(0, "0.00"), (1, "0.01"), (123_450, "1234.50"), (-5, "-0.05"), (1_000_000_000_001, "10000000000.01")],
)
def test_baht_decimal_is_exact(satang, baht):
    assert baht_decimal(satang) == Decimal(baht)
    assert str(baht_decimal(satang)) == baht


@pytest.fixture
def year_2567(org, tax_officer):
    owner = OwnerFactory(organisation=org, title="นาง", first_name="มะลิ", last_name="ศรีสุข")
    village = VillageFactory(organisation=org, moo_no=3, name_th="บ้านโนนสวรรค์")
    parcel = ParcelFactory(organisation=org, village=village)
    assessment = issued_assessment(org, owner=owner, total_satang=1_234_567)  # 12,345.67 baht
    # The bill takes its village from the parcels the assessment's provenance names.
    Assessment.objects.filter(pk=assessment.pk).update(provenance={"properties": [{"parcel_id": parcel.pk}]})
    paid = bill_issue(org=org, assessment_id=assessment.pk)
    late = make_bill(org, total_satang=250_005)  # 2,500.05 baht, left unpaid
    payment_record(
        org=org,
        bill_id=paid.pk,
        amount_satang=1_234_567,
        method=Payment.Method.CASH,
        by=tax_officer,
        idempotency_key="x1",
        received_at=dt.datetime(2024, 4, 10, 9, tzinfo=BANGKOK),
    )
    return {"paid": paid, "late": late, "owner": owner}


def _cells(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_collection_workbook_sheets_numbers_and_formats(org, year_2567):
    book = load_workbook(io.BytesIO(collection_xlsx(collection_summary(org=org, tax_year=2567), org=org)))
    assert book.sheetnames == ["Summary", "By village", "By use", "By month"]
    summary = book["Summary"]
    header, total = _cells(summary)[:2]
    assert header[:4] == ["Group", "Bills", "Billed (baht)", "Tax collected (baht)"]
    assert total[0] == "Tax year 2567" and total[1] == 2
    # Numbers, not text, and to the satang: 12,345.67 + 2,500.05 billed, 12,345.67 collected.
    assert isinstance(total[2], (int, float)) and Decimal(str(total[2])) == Decimal("14845.72")
    assert Decimal(str(total[3])) == Decimal("12345.67")
    assert Decimal(str(total[5])) == Decimal("2500.05")
    assert summary["C2"].number_format == BAHT_FORMAT
    assert summary["E2"].number_format == "0.0%" and round(summary["E2"].value, 4) == 0.8316
    month = _cells(book["By month"])[1]
    assert month[0] == "04/2567" and Decimal(str(month[1])) == Decimal("12345.67")
    uses = _cells(book["By use"])
    assert uses[1][0] == "Residential"
    villages = {row[0]: row for row in _cells(book["By village"])[1:]}
    assert set(villages) == {"3 บ้านโนนสวรรค์", "No village"}  # Thai text read back as written
    assert Decimal(str(villages["3 บ้านโนนสวรรค์"][3])) == Decimal("12345.67")
    assert book.properties.creator == org.name_th  # Thai text survives the round trip


def test_arrears_workbook_keeps_ids_as_text_and_amounts_as_numbers(org, year_2567):
    rows = arrears_list(org=org, tax_year=2567, on=dt.date(2024, 5, 20))
    book = load_workbook(io.BytesIO(arrears_xlsx(rows, org=org, tax_year=2567)))
    assert book.sheetnames == ["Arrears 2567"]
    cells = _cells(book.active)
    assert cells[0][0] == "Tax year" and cells[0][5] == "Tax unpaid (baht)"
    line = cells[1]
    late = year_2567["late"]
    assert line[1] == late.reference and isinstance(line[1], str)
    assert line[2] == late.owner.full_name  # Thai name as recorded
    assert line[3] == late.owner.id_number and len(line[3]) == 13
    # Paid on 20 May, due 30 April: 10% penalty 250.01 (half-up) and 1 month of 1% surcharge 25.00.
    assert [Decimal(str(v)) for v in line[5:9]] == [
        Decimal("2500.05"),
        Decimal("250.01"),
        Decimal("25.00"),
        Decimal("2775.06"),
    ]
    assert line[9] == "30/4/2567"
    assert book.active["F2"].number_format == BAHT_FORMAT
    total = cells[-1]
    assert total[2] == "Total" and Decimal(str(total[8])) == Decimal("2775.06")
    assert len(cells) == 3  # header, one taxpayer in arrears (the other paid), total


def test_thai_sheet_names_when_the_page_is_thai(org, year_2567):
    from django.utils import translation

    with translation.override("th"):
        content = collection_xlsx(collection_summary(org=org, tax_year=2567), org=org)
    names = load_workbook(io.BytesIO(content)).sheetnames
    assert len(names) == 4 and all(len(name) <= 31 for name in names)


def test_download_links(client, tax_officer, org, year_2567):
    client.force_login(tax_officer)
    response = client.get(reverse("billing:dashboard-xlsx"), {"year": 2567})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert 'filename="collection-2567.xlsx"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Summary"
    arrears = client.get(reverse("billing:arrears-xlsx"), {"year": 2567})
    assert arrears.status_code == 200 and arrears.content.startswith(b"PK")
    page = client.get(reverse("billing:dashboard"), {"year": 2567}).content.decode()
    assert reverse("billing:dashboard-xlsx") in page and reverse("billing:arrears-xlsx") in page
