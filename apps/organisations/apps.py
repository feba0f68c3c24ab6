from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from .roles import role_groups_sync

    role_groups_sync()


class OrganisationsConfig(AppConfig):
    name = "apps.organisations"
    label = "organisations"

    def ready(self):
        # Permissions only exist after migrate has run, so the role groups are refreshed then.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="organisations_sync_roles")
