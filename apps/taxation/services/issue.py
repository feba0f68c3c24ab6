"""Issuing drafts: the moment an assessment becomes a notice whose frozen input and result never change."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from apps.organisations.models import Organisation
from apps.taxation.models import Assessment


def assessments_issue(
    *, org: Organisation, tax_year: int, by=None, owner_ids: Iterable[int] | None = None
) -> int:
    """Issue the year's drafts (all, or those of ``owner_ids``); the versions they replace become superseded.

    Only the status of a superseded assessment changes; its input and result stay as they were issued.
    Returns the number issued.
    """
    with transaction.atomic():
        drafts = Assessment.objects.select_for_update().filter(
            organisation=org, tax_year=tax_year, status=Assessment.Status.DRAFT
        )
        if owner_ids is not None:
            drafts = drafts.filter(owner_id__in=list(owner_ids))
        owners = list(drafts.values_list("owner_id", flat=True))
        # Supersede first: at most one issued assessment per taxpayer and year (assessment_one_issued).
        Assessment.objects.filter(
            organisation=org, tax_year=tax_year, status=Assessment.Status.ISSUED, owner_id__in=owners
        ).update(status=Assessment.Status.SUPERSEDED)
        return drafts.update(status=Assessment.Status.ISSUED, issued_at=timezone.now(), issued_by=by)
