#!/usr/bin/env bash
# Install the app into .venv and run it on the embedded SQLite store (demo data seeded on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
exec .venv/bin/python app.py
