"""The production profile passes Django's deployment checklist with no warnings and has no demo accounts."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, settings_module, extra_env=None):
    # The browser tests allow async-unsafe DB access in this process; the checked server must not inherit it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, "DJANGO_SETTINGS_MODULE": settings_module, **(extra_env or {})}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "p" * 20 + "-production-secret-for-the-check-only-1f9e8d7c6b5a4",
    "DJANGO_ALLOWED_HOSTS": "gis.saithong.go.th",
    "GIS_PORTAL_DEMO_ACCOUNTS": "true",  # production must ignore this
}


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        settings_module="gis_portal.settings.production",
        extra_env=PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage(
        "check", settings_module="gis_portal.settings.production", extra_env={**env, "DJANGO_SECRET_KEY": ""}
    )
    assert result.returncode != 0


def test_production_never_allows_demo_accounts():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.GIS_PORTAL_DEMO_ACCOUNTS, settings.DEBUG)"
    )
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "gis_portal.settings.production"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]
