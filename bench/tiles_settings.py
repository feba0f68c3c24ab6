"""Settings for the gunicorn that bench/tiles.py starts: the local profile with DEBUG forced off (a DEBUG
server keeps every query in memory) and quiet logs."""

import os

os.environ["DJANGO_DEBUG"] = "false"

from gis_portal.settings.local import *  # noqa: F403

DEBUG = False
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
