"""What every management command needs to know about organisations."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from .models import Organisation


def organisation_from_option(slug: str | None) -> Organisation:
    """The organisation named by ``--org SLUG``; with no option, the only one there is."""
    if slug:
        try:
            return Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist:
            raise CommandError(_("No organisation with the short name %(slug)s.") % {"slug": slug}) from None
    organisations = list(Organisation.objects.order_by("pk")[:2])
    if len(organisations) != 1:
        raise CommandError(_("Name the organisation with --org."))
    return organisations[0]
