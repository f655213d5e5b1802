"""Engine creation for the store: SQLite (embedded default, WAL) or PostgreSQL."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

import config


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the app read a consistent snapshot while the loader writes.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create an engine for ``url`` (already normalised or a raw DATABASE_URL)."""
    url = config.normalise_database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    """One engine per URL per process (engines hold the connection pool)."""
    return make_engine(url)


def get_engine() -> Engine:
    """The engine named by DATABASE_URL, created on first use (never at import)."""
    return engine_for(config.settings().database_url)
