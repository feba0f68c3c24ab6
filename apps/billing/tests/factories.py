"""Billing test data: issued assessments written directly (the engine is tested in apps/taxation)."""

from __future__ import annotations

from apps.billing.services import bill_issue
from apps.registry.tests.factories import OwnerFactory
from apps.taxation.models import Assessment

# Example 16's calendar: tax year 2567 (2024) in the normal calendar, payment due 30 April.
NORMAL_2567 = {"payment_due": "2024-04-30", "installment_due": ["2024-04-30", "2024-05-31", "2024-06-30"]}


def issued_assessment(
    org,
    *,
    owner=None,
    total_satang: int = 1_000_000,
    tax_year: int = 2567,
    calendar: dict | None = None,
    use: str = "residential",
    version: int = 1,
    properties: list | None = None,
) -> Assessment:
    owner = owner or OwnerFactory(organisation=org)
    calendar = calendar or NORMAL_2567
    whole, satang = divmod(total_satang, 100)
    return Assessment.objects.create(
        organisation=org,
        tax_year=tax_year,
        owner=owner,
        version=version,
        status=Assessment.Status.ISSUED,
        input_document={"tax_year": tax_year, "properties": properties or [{"ref": "01A001"}]},
        provenance={"properties": []},
        result={
            "tax_year": tax_year,
            "total": f"{whole}.{satang:02d}",
            "total_satang": total_satang,
            "installments_allowed": total_satang >= 300_000,
            "lines": [{"ref": "01A001", "use": use, "tax_satang": total_satang}],
            **calendar,
        },
        total_satang=total_satang,
    )


def make_bill(org, **kwargs):
    return bill_issue(org=org, assessment_id=issued_assessment(org, **kwargs).pk)
