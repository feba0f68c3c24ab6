from django.contrib.auth.models import Group, User
from django.db import transaction

from .models import Membership, Organisation, Role
from .roles import STAFF_ROLES


@transaction.atomic
def membership_grant(*, user: User, org: Organisation, role: Role | str) -> Membership:
    """Give a user a role in an organisation: the membership scopes, the group carries the permissions."""
    role = Role(role)
    membership, _ = Membership.objects.update_or_create(user=user, organisation=org, defaults={"role": role})
    # One role per user and organisation: drop the groups of the other roles so no old permission lingers.
    user.groups.remove(*Group.objects.filter(name__in=[r.value for r in Role if r != role]))
    user.groups.add(Group.objects.get(name=role.value))
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership
