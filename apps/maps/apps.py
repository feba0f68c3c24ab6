from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "apps.maps"
    label = "maps"

    def ready(self) -> None:
        # Load and validate layers/*.toml at start, so a bad file stops the server before the first request.
        from . import layers  # noqa: F401
