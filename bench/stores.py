"""Build or reuse the benchmark's store at a scale (SQLite file or PostgreSQL database), with its loader figures."""

from __future__ import annotations

import json
import logging
import re
import time

from sqlalchemy import create_engine, text

from bench.ingest import PG_ADMIN, ROOT, run_demo
from data.db import make_engine
from data.loader import store

log = logging.getLogger(__name__)
STORES = ROOT / "instance"


def store_url(scale: str, kind: str) -> str:
    """Where the benchmark keeps its store for this scale (kept between runs, git-ignored / own database)."""
    if kind == "sqlite":
        return f"sqlite:///{STORES / f'bench-{scale}.sqlite'}"
    return PG_ADMIN.rsplit("/", 1)[0] + f"/evbench_{scale}"


def _exists(url: str, kind: str) -> bool:
    if kind == "postgres":
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = url.rsplit("/", 1)[1]
        with admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if found is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        if found is None:
            return False
    elif not (STORES / url.rsplit("/", 1)[1]).exists():
        return False
    engine = make_engine(url)
    try:
        return store.get_data_version(engine) > 0
    finally:
        engine.dispose()


def build(url: str, scale: str) -> dict:
    """``python -m data.loader demo`` in a child: sessions/s, the rollup build time (from its log), peak RSS."""
    run = run_demo(url, scale)
    rollup = re.findall(r"rollups: .* written in ([\d.]+) s", run["log"])
    derived = re.findall(r"derived rollups: .* in ([\d.]+) s", run["log"])
    return {"scale": scale, "built_now": True, "wall_s": round(run["wall"], 1), "sessions": run["sessions"],
            "sessions_per_s": round(run["sessions"] / run["wall"]),
            "rollup_write_s": float(rollup[-1]) if rollup else None,
            "derived_rollups_s": float(derived[-1]) if derived else None, "peak_rss_mb": run["peak_rss_mb"]}


def ensure(scale: str, kind: str, rebuild: bool = False) -> tuple[str, dict]:
    """The store's URL and its loader figures: built now, or the figures recorded when it was built."""
    url = store_url(scale, kind)
    meta = STORES / f"bench-{scale}-{kind}.build.json"
    STORES.mkdir(exist_ok=True)
    present = _exists(url, kind)  # always called: it creates the PostgreSQL database when missing
    if not rebuild and present and meta.exists():
        figures = json.loads(meta.read_text())
        log.info("reusing the %s %s store built %s", scale, kind, figures.get("built_at"))
        return url, {**figures, "built_now": False}
    log.info("building the %s store at --scale %s (demo loader, in a child process)", kind, scale)
    figures = {**build(url, scale), "built_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    meta.write_text(json.dumps(figures, indent=2))
    return url, figures
