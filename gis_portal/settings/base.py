"""Settings shared by every profile. Every knob comes from the environment (cookiecutter-django style).

Profiles: ``local`` (the demo/dev server started by scripts/up), ``test`` (pytest), ``production``.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# With no DATABASE_URL the project-local cluster of scripts/pg.sh is used (see README).
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgis://gis_portal:gis_portal@127.0.0.1:55432/gis_portal")
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "simple_history",
    "apps.core",
    "apps.organisations",
    "apps.registry",
    "apps.assets",
    "apps.valuation",
    "apps.taxation",
    "apps.maps",
    "apps.imports",
    "apps.billing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.organisations.middleware.OrganisationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "gis_portal.urls"
WSGI_APPLICATION = "gis_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "apps.organisations.context_processors.organisation",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Thai first; English on request (?language=en via the language switcher, or the browser's Accept-Language).
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Bangkok"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from npm (package.json), never from a CDN: the office link may be down.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/sarabun", NODE_MODULES / "@fontsource" / "sarabun" / "files"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/vectorgrid", NODE_MODULES / "leaflet.vectorgrid" / "dist"),
    ("vendor/geoman", NODE_MODULES / "@geoman-io" / "leaflet-geoman-free" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gis_portal API",
    "DESCRIPTION": "Tax map and municipal registry of Thai local governments.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The browser speaks EPSG:4326 only (django-leaflet's map_srid); the default view is Sai Thong.
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (16.736, 103.17),
    "DEFAULT_ZOOM": 13,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 20,
    "TILES": [],
    "RESET_VIEW": False,
}

# Debian 12 ships GDAL 3.6; Django warns that GDAL < 3.9 cannot block file/network access when it parses
# SRS strings (gis.W001). We never pass a user-supplied SRS string to GDAL: only EPSG codes from a fixed list.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# The tax engine's UNCONFIRMED choices (apps/taxation/domain/settings.py EngineSettings), e.g.
# GIS_PORTAL_TAX_ENGINE='{"rounding_quantum_satang": 100}'. Empty: the defaults land-building-tax.md advises.
GIS_PORTAL_TAX_ENGINE = env.json("GIS_PORTAL_TAX_ENGINE", default={})

# Topology on every parcel save (apps/registry/topology.py): the overlap allowed with a neighbour, and the
# narrowest new gap an edit may leave next to one. An orthophoto GeoTIFF path turns on that basemap.
GIS_PORTAL_TOPOLOGY_OVERLAP_TOLERANCE_M2 = env.float("GIS_PORTAL_TOPOLOGY_OVERLAP_TOLERANCE_M2", default=1.0)
GIS_PORTAL_TOPOLOGY_SLIVER_WIDTH_M = env.float("GIS_PORTAL_TOPOLOGY_SLIVER_WIDTH_M", default=1.0)
GIS_PORTAL_ORTHOPHOTO = env.str("GIS_PORTAL_ORTHOPHOTO", default="")

# Surveyors' files (apps/imports). Indian 1975 → WGS 84: PROJ's default (EPSG:1812) lands ~190 m from the
# parameters Land Department parcels match; default: the 1304-style shift (tax-map-and-registry.md §6.3).
# Three values are a translation, seven a position-vector Helmert. UNCONFIRMED: check against control points.
GIS_PORTAL_INDIAN1975_TOWGS84 = env("GIS_PORTAL_INDIAN1975_TOWGS84", default="210,814,289")
GIS_PORTAL_IMPORT_MAX_UPLOAD_BYTES = env.int("GIS_PORTAL_IMPORT_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
GIS_PORTAL_IMPORT_MAX_UNZIPPED_BYTES = env.int("GIS_PORTAL_IMPORT_MAX_UNZIPPED_BYTES", default=1024**3)
GIS_PORTAL_IMPORT_MAX_ZIP_MEMBERS = env.int("GIS_PORTAL_IMPORT_MAX_ZIP_MEMBERS", default=500)
GIS_PORTAL_IMPORT_MAX_ZIP_RATIO = env.int("GIS_PORTAL_IMPORT_MAX_ZIP_RATIO", default=200)
# Paper of the printed tax map sheet (apps/imports/sheets.py): A3 (the DOL 50 cm frame in 4 quarters) or A1.
GIS_PORTAL_SHEET_PAPER = env.str("GIS_PORTAL_SHEET_PAPER", default="A3")
# Imports run in a thread of the web process; set false and run `manage.py run_import_jobs` as a service.
GIS_PORTAL_IMPORT_RUN_IN_THREAD = env.bool("GIS_PORTAL_IMPORT_RUN_IN_THREAD", default=True)

# Collection (apps/billing/conf.py). Defaults follow land-building-tax.md §11; UNCONFIRMED ones are marked.
BILLING_INSTALLMENT_REMAINDER = env("BILLING_INSTALLMENT_REMAINDER", default="last")  # thirds: remainder last
BILLING_MONTH_COUNTING = env("BILLING_MONTH_COUNTING", default="calendar_months")  # s.70 "started month"
# e-LAAS revenue codes (municipal-services.md §2.3): UNCONFIRMED for penalty and surcharge.
BILLING_ELAAS_REVENUE_CODES = env.json(
    "BILLING_ELAAS_REVENUE_CODES", default={"tax": "41100001", "penalty": "", "surcharge": ""}
)
BILLING_WARNING_PAY_WITHIN_DAYS = env.int("BILLING_WARNING_PAY_WITHIN_DAYS", default=30)
BILLING_OBJECTION_REMINDER_DAYS = env.int("BILLING_OBJECTION_REMINDER_DAYS", default=10)

# Demo accounts (seed_demo) exist only where this is true; production forces it off.
GIS_PORTAL_DEMO_ACCOUNTS = env.bool("GIS_PORTAL_DEMO_ACCOUNTS", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
