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
    path = config.SHARED_DATA_DIR
    if not (path / "SOURCES.md").exists():
        missing(f"real data folder {path} is absent")
    return path
