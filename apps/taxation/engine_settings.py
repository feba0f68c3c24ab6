"""The engine's UNCONFIRMED choices as one Django setting, GIS_PORTAL_TAX_ENGINE (JSON in the env)."""

from dataclasses import fields

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .domain import EngineSettings

_NAMES = {f.name for f in fields(EngineSettings)}


def engine_settings() -> EngineSettings:
    """EngineSettings with the deployment's overrides; defaults are what land-building-tax.md recommends."""
    overrides = dict(getattr(settings, "GIS_PORTAL_TAX_ENGINE", {}) or {})
    unknown = set(overrides) - _NAMES
    if unknown:
        raise ImproperlyConfigured(f"GIS_PORTAL_TAX_ENGINE has unknown options: {sorted(unknown)}")
    return EngineSettings(**overrides)
