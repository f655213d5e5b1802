#!/usr/bin/env bash
# Install everything the tests need (Python packages into .venv, axe-core from npm, Debian's chromium
# and chromium-driver when missing and we are root), then run ruff and every test.
set -euo pipefail
cd "$(dirname "$0")/.."

missing_apt=""
for pkg in chromium chromium-driver; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing_apt="$missing_apt $pkg"
done
if [ -n "$missing_apt" ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "== installing Debian packages:$missing_apt"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing_apt >/dev/null
  else
    echo "== missing Debian packages:$missing_apt (run as root or: sudo apt-get install$missing_apt); browser tests will skip"
  fi
fi

if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error  # axe-core, injected into the page by the accessibility test
else
  echo "== npm not found: the axe-core accessibility test will skip (fail under CI)"
fi

python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
.venv/bin/ruff check .
if [ "${CI:-}" = "true" ] || [ "${AUDIT:-}" = "1" ]; then
  # Before pytest, so that pytest's summary stays the last line; fails on a known vulnerability.
  .venv/bin/python scripts/audit.py
fi
.venv/bin/python -m pytest "$@"
