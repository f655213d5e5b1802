"""Shared fixtures: real SQLite files, a fresh real PostgreSQL database, real Redis, shared data.

With CI=true a test that needs a missing service fails; elsewhere it skips with the reason.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import config

# The tests run offline: no basemap unless a test sets TILE_URL itself (unset would mean OpenStreetMap's tiles).
os.environ.setdefault("TILE_URL", "")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def missing(reason: str):
    """Fail in CI, skip elsewhere."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"evtest_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "missing"
        admin.dispose()
        missing(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc.__class__.__name__}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request) -> str:
    """The same test on a real SQLite file and on a real PostgreSQL database."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def redis_url() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        missing(f"Redis at {REDIS_TEST_URL} is not reachable: {exc.__class__.__name__}")
    # No flushdb: several test runs may share this Redis; tests use their own key prefixes.
    return REDIS_TEST_URL


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public files in ../shared/data (never copied into the repository)."""
    path = config.settings().shared_data_dir
    if not (path / "SOURCES.md").exists():
        missing(f"real data folder {path} is absent")
    return path


# --- dashboard (issue 4): stores seeded by the real demo loader, headless Chromium for dash_duo ---

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
BROWSER_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--window-size=1280,900")


def pytest_setup_options():
    """dash[testing]'s hook: Debian's headless Chromium for dash_duo."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in BROWSER_FLAGS:
        options.add_argument(flag)
    options.binary_location = CHROMIUM
    return options


def run_loader(url: str, *args: str) -> None:
    """Run the real loader CLI against ``url`` (so the dashboard's tests test the loader too)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "data.loader", "--database-url", url, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"loader {args} failed:\n{proc.stderr[-2000:]}"


@pytest.fixture
def demo_store(store_url: str) -> str:
    """A store (SQLite and PostgreSQL) holding the small deterministic demo London."""
    run_loader(store_url, "demo", "--scale", "small", "--seed", "7")
    return store_url


@pytest.fixture
def demo_sqlite(sqlite_url: str) -> str:
    """A SQLite store with the small demo London."""
    run_loader(sqlite_url, "demo", "--scale", "small", "--seed", "7")
    return sqlite_url


@pytest.fixture
def demo_with_boundaries(demo_sqlite: str, shared_data: Path) -> str:
    """The small demo plus real borough boundaries (so the choropleth and map clicks exist)."""
    run_loader(demo_sqlite, "load", "boundaries", str(shared_data / "london_boroughs_simplified.geojson"))
    return demo_sqlite


@pytest.fixture
def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
