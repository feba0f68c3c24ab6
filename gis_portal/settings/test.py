"""pytest profile: the real PostGIS (same cluster as local, database test_<name>), fast hashing."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret-7c1e5b9a3d2f4e6a8b0c1d2e3f4a5b6c")
os.environ.setdefault("GIS_PORTAL_DEMO_ACCOUNTS", "true")

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests render templates without running collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# Several people (or CI and a developer) may run the suite against one cluster at once: each picks its own DB.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("GIS_PORTAL_TEST_DB") or None}
STATIC_ROOT = None  # nothing is collected in tests; WhiteNoise serves from the finders
WHITENOISE_USE_FINDERS = True
