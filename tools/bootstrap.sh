#!/usr/bin/env bash
# Install what `make test` / `make demo` need on Debian (12 and later), idempotently:
# apt packages (QGIS 3.22 LTR, xvfb, CJK fonts, Qt translation tools) and a venv made from
# Debian's /usr/bin/python3 with --system-site-packages (so PyQGIS is importable) holding the
# pinned Python test dependencies from tools/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

# postgresql + postgresql-postgis: the release's default PostgreSQL and its PostGIS (15 on
# Debian 12, 17 on trixie) for the tests' throw-away PostGIS server (a one map may live in PostGIS).
# The same list builds the QGIS 3.40/3.44 roots of `make test-matrix` (--apt-packages prints it).
APT_PACKAGES=(qgis python3-qgis qgis-providers xvfb xauth fonts-noto-cjk pyqt5-dev-tools
              qttools5-dev-tools python3-venv zip unzip make postgresql postgresql-postgis
              poppler-utils fonts-wqy-microhei)
# poppler-utils: tests read exported PDFs back (pdftotext, pdffonts, pdftoppm);
# fonts-wqy-microhei: the exports' font (searchable Chinese text in PDFs, see plugin/core/export/__init__.py).
APT_PACKAGES+=(python3-pyproj)   # sample generators: expected ellipsoidal areas computed without QGIS
APT_PACKAGES+=(e2fsprogs)   # chattr: tests make a folder read-only to root (tests/test_readonly_outputs.py)
APT_PACKAGES+=(python3-psycopg2)   # overlap rules as SQL when plan and one map share a PostGIS database (python3-qgis depends on it)
if [ "${1:-}" = "--apt-packages" ]; then echo "${APT_PACKAGES[*]}"; exit 0; fi
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
  echo "bootstrap: creating $VENV from /usr/bin/python3 (system site packages for PyQGIS)"
  /usr/bin/python3 -m venv --system-site-packages "$VENV"
fi
stamp="$VENV/.requirements-installed"
if [ ! -f "$stamp" ] || ! cmp -s tools/requirements.txt "$stamp"; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r tools/requirements.txt
  cp tools/requirements.txt "$stamp"
fi
