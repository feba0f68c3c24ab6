from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user(username: str | None):
    users = get_user_model().objects.order_by("pk")
    found = users.filter(username=username).first() if username else users.filter(is_superuser=True).first()
    if found is None:
        raise CommandError("name the user the import is recorded for with --user USERNAME")
    return found
