"""The demo / development profile used by scripts/up: safe defaults, demo accounts on."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-only-not-secret-2a6f0c3e9b1d47e8a5c2f9d0b7e6a1c4")
os.environ.setdefault("GIS_PORTAL_DEMO_ACCOUNTS", "true")

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
