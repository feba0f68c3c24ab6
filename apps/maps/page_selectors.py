"""Reads for the map page: assessed tax per parcel (for the card and the choropleth) and payment status.

Assessments are per taxpayer (apps/taxation); a parcel's tax is the sum of the engine's lines that name the
parcel's code, over the current assessment (issued, else the draft) of each of its owners for the latest tax
year. A line that groups adjoining parcels of one owner (``refs`` with several codes) is shared evenly between
them, for colouring only; the card says when a parcel's tax is such a share.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Q

from apps.organisations.models import Organisation
from apps.registry.models import Ownership, Parcel
from apps.taxation.models import Assessment

CURRENT_STATUSES = (Assessment.Status.ISSUED, Assessment.Status.DRAFT)


@dataclass(frozen=True, slots=True)
class ParcelTax:
    tax_year: int
    tax_satang: int
    shared: bool  # part of the tax is a share of a line grouping adjoining parcels
    statuses: tuple[str, ...]  # "issued" / "draft" of the assessments it comes from
    assessment_ids: tuple[int, ...]


def latest_tax_year(*, org: Organisation) -> int | None:
    return Assessment.objects.filter(organisation=org).aggregate(year=Max("tax_year"))["year"]


def _current_assessments(*, org: Organisation, tax_year: int, owner_ids=None):
    """Per owner, the issued assessment of the year, else its draft (never a superseded one)."""
    rows = Assessment.objects.filter(organisation=org, tax_year=tax_year, status__in=CURRENT_STATUSES)
    if owner_ids is not None:
        rows = rows.filter(owner_id__in=owner_ids)
    chosen: dict[int, tuple] = {}
    for pk, owner_id, status, result in rows.values_list("pk", "owner_id", "status", "result"):
        if owner_id not in chosen or status == Assessment.Status.ISSUED:
            chosen[owner_id] = (pk, status, result)
    return chosen


def _tax_by_code(assessments) -> dict[str, list]:
    """parcel code → [satang, shared?, statuses, assessment ids] summed over the given assessments."""
    totals: dict[str, list] = defaultdict(lambda: [0, False, set(), set()])
    for pk, status, result in assessments:
        for line in (result or {}).get("lines", []):
            refs = line.get("refs") or [line.get("ref")]
            refs = [r for r in refs if r]
            if not refs:
                continue
            # Integer satang, split evenly; the remainder goes to the first code so the sum is unchanged.
            part, remainder = divmod(int(line.get("tax_satang") or 0), len(refs))
            for i, ref in enumerate(refs):
                entry = totals[ref]
                entry[0] += part + (remainder if i == 0 else 0)
                entry[1] = entry[1] or len(refs) > 1
                entry[2].add(status)
                entry[3].add(pk)
    return totals


def parcel_tax(*, org: Organisation, parcel: Parcel) -> ParcelTax | None:
    year = latest_tax_year(org=org)
    if year is None:
        return None
    owner_ids = set(
        Ownership.objects.filter(organisation=org)
        .filter(Q(parcel=parcel) | Q(building__parcel=parcel))
        .values_list("owner_id", flat=True)
    )
    if not owner_ids:
        return None
    chosen = _current_assessments(org=org, tax_year=year, owner_ids=owner_ids)
    entry = _tax_by_code(chosen.values()).get(parcel.parcel_code)
    if entry is None:
        return None
    return ParcelTax(year, entry[0], entry[1], tuple(sorted(entry[2])), tuple(sorted(entry[3])))


def tax_by_parcel(*, org: Organisation) -> tuple[int | None, dict[int, int]]:
    """(tax year, {parcel id: assessed tax in satang}) for the organisation's active parcels."""
    year = latest_tax_year(org=org)
    if year is None:
        return None, {}
    totals = _tax_by_code(_current_assessments(org=org, tax_year=year).values())
    ids = dict(
        Parcel.objects.filter(organisation=org, status=Parcel.Status.ACTIVE, parcel_code__in=list(totals))
        .values_list("parcel_code", "pk")
    )
    return year, {ids[code]: entry[0] for code, entry in totals.items() if code in ids}


def parcel_payment_status(*, org: Organisation, assessment_ids) -> list[dict] | None:
    """Payment status of the bills made from these assessments, from apps.billing's own rules.

    HOOK (billing is being written alongside): uses billing.selectors.bill_state per bill; None when billing
    is not installed or has no bill for them yet, and the card then says "no bill yet".
    """
    try:
        from apps.billing import selectors as billing
    except ImportError:  # pragma: no cover - billing not installed
        return None
    bills = billing.current_bills(org=org).filter(assessment_id__in=list(assessment_ids))
    states = []
    for bill in bills.select_related("owner"):
        state = billing.bill_state(bill=bill)
        states.append({"reference": bill.reference, "status": str(state.status),
                       "label": state.status_label})
    return states or None


def payment_status_by_parcel(*, org: Organisation) -> dict[int, str] | None:
    """HOOK for the payment-status choropleth: {parcel id: status} for the latest tax year, or None when
    apps.billing is absent or nothing is assessed yet.

    apps.billing.selectors.payment_status_by_parcel does the work in one SQL statement (worst bill of the
    parcel's owners). Its "unpaid" is this map's "open" (map.js PAYMENT_COLOURS); parcels with "no_bill" are
    left out, so they draw as "no data" and a large organisation does not send a key per unbilled parcel.
    """
    try:
        from apps.billing import selectors as billing
    except ImportError:  # pragma: no cover
        return None
    year = latest_tax_year(org=org)
    if year is None:
        return None
    renamed = {"unpaid": "open"}
    return {
        parcel_id: renamed.get(status, status)
        for parcel_id, status in billing.payment_status_by_parcel(org=org, tax_year=year).items()
        if status != "no_bill"
    }
