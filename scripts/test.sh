#!/usr/bin/env bash
# Install the project and its test tools into .venv, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
.venv/bin/ruff check .
if [ "${CI:-}" = "true" ] || [ "${AUDIT:-}" = "1" ]; then
  # Before pytest, so that pytest's summary stays the last line; fails on a known vulnerability.
  .venv/bin/python scripts/audit.py
fi
.venv/bin/python -m pytest "$@"
