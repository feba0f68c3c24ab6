"""Demo logins, one per role. They exist only where settings.GIS_PORTAL_DEMO_ACCOUNTS is true (never in
production, whose settings force it off); the caller checks the setting, this module refuses too."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, Q

from apps.organisations.models import Membership, Organisation, Role
from apps.organisations.services import membership_grant

from ..models import Owner

DEMO_PASSWORD = "demo1234"  # noqa: S105 — printed on purpose: demo only, refused in production


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    role: Role
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("surveyor", Role.SURVEYOR),
    DemoAccount("taxofficer", Role.TAX_OFFICER),
    DemoAccount("resident", Role.RESIDENT),
    DemoAccount("admin", Role.ADMIN, superuser=True),
)


def demo_accounts_enabled() -> bool:
    return bool(getattr(settings, "GIS_PORTAL_DEMO_ACCOUNTS", False))


def resident_owner_pick(*, org: Organisation) -> Owner | None:
    """The owner record for the demo resident: already linked, else a person with 2–3 parcels and a house."""
    linked = Owner.objects.filter(organisation=org, user__username="resident").first()
    if linked is not None:
        return linked
    return (
        Owner.objects.filter(organisation=org, owner_type=Owner.OwnerType.INDIVIDUAL)
        .annotate(
            parcels=Count("ownerships", filter=Q(ownerships__parcel__isnull=False)),
            houses=Count(
                "ownerships",
                filter=Q(ownerships__building__isnull=False, ownerships__in_house_registration=True),
            ),
        )
        .filter(parcels__gte=2, parcels__lte=3, houses__gte=1)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def demo_accounts_ensure(*, org: Organisation, resident_owner: Owner | None) -> list[DemoAccount]:
    """Create the missing demo users with their memberships; an existing user keeps its password."""
    if not demo_accounts_enabled():
        raise ImproperlyConfigured("GIS_PORTAL_DEMO_ACCOUNTS is off: no demo account may be created here.")
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=account.username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_superuser = user.is_staff = account.superuser
            user.save()
        # membership_grant always saves (and writes history): call it only when something would change.
        if not Membership.objects.filter(user=user, organisation=org, role=account.role).exists():
            membership_grant(user=user, org=org, role=account.role)
        if account.role == Role.RESIDENT and resident_owner is not None and resident_owner.user_id != user.pk:
            resident_owner.user = user
            resident_owner.save(update_fields=["user"])
    return list(DEMO_ACCOUNTS)
