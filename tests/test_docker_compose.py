"""docker-compose.yml cannot run here (no Docker engine); check it is well-formed and wired as documented."""

import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_has_postgis_and_app_wired_together():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, app = compose["services"]["db"], compose["services"]["app"]
    assert db["image"].startswith("postgis/postgis:15-")
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert "@db:5432/" in app["environment"]["DATABASE_URL"]
    assert "gunicorn gis_portal.wsgi" in app["command"]
    assert (ROOT / "Dockerfile").exists()


def test_docker_compose_validates_the_file():
    # Debian's docker-compose (installed by scripts/lib.sh) checks the compose schema with no engine.
    result = subprocess.run(
        [shutil.which("docker-compose") or "docker-compose", "config", "--quiet"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
