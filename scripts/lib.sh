# Shared by scripts/up and scripts/test: make this checkout ready to run, reusing whatever is already in place.
# Every step is idempotent and keyed on the file it depends on, so a second run takes seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY_VERSION=3.11
PG_MAJOR="${PG_MAJOR:-15}"
export PG_MAJOR

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# Debian packages (bookworm names). --no-install-recommends keeps systemd, cups, avahi… out (setup-findings P1).
APT_PACKAGES=(
  "postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-postgis-3" postgresql-contrib
  gdal-bin proj-bin
  libpango-1.0-0 libpangoft2-1.0-0 fonts-thai-tlwg poppler-utils
  chromium
  "python$PY_VERSION" "python$PY_VERSION-venv" python3-venv
  gettext ca-certificates docker-compose
)

ensure_system_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  local SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "Need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo)
  fi
  # The package would create and start a system-wide cluster on 5432; we run our own (setup-findings P2).
  "${SUDO[@]}" mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | "${SUDO[@]}" tee /etc/postgresql-common/createcluster.d/gis-portal.conf >/dev/null
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_venv() {
  local stamp=".venv/.lock-$(hash_of requirements.lock)"
  [ -f "$stamp" ] && return 0
  say "Python packages (.venv from requirements.lock)"
  # Debian's interpreter, not a pyenv one under /root: other users (and the postgres user) can run it (P15).
  [ -x .venv/bin/python ] || "/usr/bin/python$PY_VERSION" -m venv .venv
  export PIP_CONFIG_FILE=/dev/null  # only PyPI, whatever local mirrors this machine's pip.conf names
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock
  rm -f .venv/.lock-*; touch "$stamp"
}

ensure_npm() {
  local stamp="node_modules/.lock-$(hash_of package-lock.json)"
  [ -f "$stamp" ] && return 0
  say "Front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
}

ensure_database() {
  if [ -n "${DATABASE_URL:-}" ]; then
    say "Using DATABASE_URL (no local cluster started)"
    return 0
  fi
  scripts/pg.sh init
  DATABASE_URL="$(scripts/pg.sh url)"
  export DATABASE_URL
}

ensure_translations() {
  local po mo
  for po in locale/*/LC_MESSAGES/django.po; do
    [ -f "$po" ] || continue
    mo="${po%.po}.mo"
    if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then msgfmt --check -o "$mo" "$po"; fi
  done
}

bootstrap() {
  ensure_system_packages
  ensure_venv
  ensure_npm
  ensure_database
  ensure_translations
}
