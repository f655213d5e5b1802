"""Helpers for the source-adapter tests: a migrated store, loading through the registry, snapshots."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import func, select

from data import schema
from data.db import make_engine
from data.loader import store
from data.loader.cli import main as cli_main
from data.loader.sources import SOURCES

HOSTILE = Path(__file__).parent / "hostile"
CONTENT_TABLES = ("boroughs", "borough_denominators", "devices", "connectors", "sessions", "rollup_daily",
                  "rollup_device_month", "rollup_hour_of_week", "official_device_stats")


def new_store(url: str):
    engine = make_engine(url)
    store.migrate(engine)
    return engine


def load(engine, source: str, location, *options: str):
    """Load through the same registry entry the CLI calls."""
    return SOURCES[source](engine, str(location), list(options))


def cli(url: str, *argv: str) -> int:
    """Run ``python -m data.loader`` in-process against ``url``; returns the exit code."""
    return cli_main(["--database-url", url, *map(str, argv)])


def snapshot(engine) -> dict:
    """Row counts of every content table plus the data version: equal snapshots = unchanged store."""
    with engine.connect() as conn:
        counts = {name: conn.execute(select(func.count()).select_from(schema.metadata.tables[name])).scalar()
                  for name in CONTENT_TABLES}
        devices = conn.execute(select(schema.devices.c.device_id, schema.devices.c.gss_code)
                               .order_by(schema.devices.c.device_id)).all()
    return {"counts": counts, "devices": devices, "data_version": store.get_data_version(engine)}


def last_run(engine) -> dict:
    t = schema.load_runs
    with engine.connect() as conn:
        return dict(conn.execute(select(t).order_by(t.c.run_id.desc()).limit(1)).mappings().one())


def quarantine_reasons(engine, run_id: int) -> dict[str, int]:
    """Quarantined rows of one run counted by reason (text before any ':' detail)."""
    q = schema.quarantine
    with engine.connect() as conn:
        rows = conn.execute(select(q.c.reason).where(q.c.run_id == run_id)).scalars().all()
    out: dict[str, int] = {}
    for reason in rows:
        key = reason.split(":", 1)[0]
        out[key] = out.get(key, 0) + 1
    return out


def quarantined_rows(engine, run_id: int) -> list[tuple[int, str]]:
    q = schema.quarantine
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(q.c.row_number, q.c.reason).where(q.c.run_id == run_id)
                                               .order_by(q.c.row_number)).all()]


def devices_by_borough(engine) -> dict[str, int]:
    d = schema.devices
    with engine.connect() as conn:
        return dict(conn.execute(select(d.c.gss_code, func.count()).where(d.c.gss_code.is_not(None))
                                 .group_by(d.c.gss_code)).all())


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` on 127.0.0.1 (a free port) in a thread; yields the base URL, shuts down after."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
