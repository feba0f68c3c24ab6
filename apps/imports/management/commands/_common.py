from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from apps.organisations.models import Organisation


def organisation(slug: str | None) -> Organisation:
    orgs = Organisation.objects.order_by("pk")
    if slug:
        org = orgs.filter(slug=slug).first()
        if org is None:
            raise CommandError(f"no organisation with slug {slug!r}")
        return org
    if orgs.count() != 1:
        raise CommandError("several organisations exist: name one with --org SLUG")
    return orgs.first()


def user(username: str | None):
    users = get_user_model().objects.order_by("pk")
    found = users.filter(username=username).first() if username else users.filter(is_superuser=True).first()
    if found is None:
        raise CommandError("name the user the import is recorded for with --user USERNAME")
    return found
