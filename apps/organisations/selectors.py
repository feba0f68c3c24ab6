from django.db.models import QuerySet

from .models import Membership, Organisation, Role

SESSION_KEY = "organisation_id"


class _SuperuserMembership:
    """A superuser with no membership acts as an administrator of the organisation it picked."""

    def __init__(self, organisation: Organisation):
        self.organisation = organisation
        self.role = Role.ADMIN
        self.user = None

    def __bool__(self) -> bool:
        return True

    def get_role_display(self) -> str:
        return Role.ADMIN.label


def membership_list(*, user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name_th")
    )


def membership_for_request(request):
    user = request.user
    if not user.is_authenticated:
        return None
    wanted = request.session.get(SESSION_KEY)
    memberships = list(membership_list(user=user))
    for membership in memberships:
        if membership.organisation_id == wanted:
            return membership
    if memberships:
        return memberships[0]
    if user.is_superuser:
        orgs = Organisation.objects.order_by("pk")
        organisation = orgs.filter(pk=wanted).first() if wanted else None
        organisation = organisation or orgs.first()
        return _SuperuserMembership(organisation) if organisation else None
    return None


def organisation_public_default() -> Organisation | None:
    """The organisation a visitor who is not logged in sees (a deployment usually serves one)."""
    return Organisation.objects.order_by("pk").first()
