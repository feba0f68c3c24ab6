from django.core.management.base import CommandError

from apps.organisations.models import Organisation


def organisation(slug: str | None) -> Organisation:
    if slug:
        try:
            return Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation with slug {slug!r}.") from None
    orgs = list(Organisation.objects.all()[:2])
    if len(orgs) != 1:
        raise CommandError("Name the organisation with --org (there is not exactly one).")
    return orgs[0]
