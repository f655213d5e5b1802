"""Loader benchmark: sessions/s into SQLite and PostgreSQL (raw insert + rollups), time to build the
demo London from nothing, and the loader's peak memory at ``--scale full``. Prints; never asserts.

    python -m bench.ingest                 # everything (full scale on SQLite only: several minutes)
    python -m bench.ingest --skip-full     # insert rates and the london build only
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text

from data import schema
from data.db import make_engine
from data.loader import demo, demo_devices, demo_sessions, pg_copy, rollups, store
from data.loader.refresh import refresh
from data.loader.session_load import SessionsLoad

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"  # the local server (trust auth), as the tests
log = logging.getLogger("bench.ingest")


@contextmanager
def fresh_store(dialect: str):
    """A new empty SQLite file or PostgreSQL database, removed afterwards."""
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite"
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"evbench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def london_sessions(seed: int) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """The demo London's devices and its sessions, generated up front so only the store is timed."""
    ref, growth = demo_devices.reference()
    dev = demo_devices.make_devices(np.random.default_rng([seed, 0]), ref, growth, 1.0, {})
    sc = demo.SCALES["london"]
    chunks = list(demo_sessions.generate(seed, dev, np.datetime64(sc.start), np.datetime64(sc.end)))
    return dev, chunks


def ingest_rate(dialect: str, dev: pd.DataFrame, chunks: list[pd.DataFrame]) -> dict:
    """One refresh through the adapters' path (``SessionsLoad``), then a separate full rollup rebuild."""
    n = sum(len(c) for c in chunks)
    first = min(c["started_at"].min() for c in chunks)
    last = max(c["started_at"].max() for c in chunks)
    with fresh_store(dialect) as url:
        engine = make_engine(url)
        store.migrate(engine)
        with refresh(engine, "bench", dialect) as run:
            store.bulk_insert(run.conn, schema.devices, dev)
            t0 = time.perf_counter()
            load = SessionsLoad(run.conn, first, last, rows_expected=n)
            load.existing()
            for c in chunks:
                load.add(c)
            t1 = time.perf_counter()
            load.finish()
            t2 = time.perf_counter()
        t3 = time.perf_counter()
        with refresh(engine, "bench-rebuild", dialect) as run:
            rollups.rebuild(run.conn)  # what a devices load pays: every session read back from the store
        t4 = time.perf_counter()
        engine.dispose()
    return {"dialect": dialect, "sessions": n, "insert_s": round(t1 - t0, 1), "index_rollups_s": round(t2 - t1, 1),
            "commit_s": round(t3 - t2, 1), "raw_insert_rows_per_s": round(n / (t1 - t0)),
            "insert_plus_rollups_rows_per_s": round(n / (t3 - t0)), "full_rebuild_s": round(t4 - t3, 1)}


def store_ceiling(dialect: str, chunks: list[pd.DataFrame]) -> dict:
    """What the store alone costs: the sessions' rows already converted (SQLite: the tuples ``executemany``
    binds; PostgreSQL: the binary COPY bytes), written into a fresh store's ``sessions`` with its unique index
    dropped and built after, in one transaction, and committed. No rollups, no conversion: the fastest any
    loader could store these sessions through this driver on this machine, so an upper bound for
    "insert + rollups"."""
    n = sum(len(c) for c in chunks)
    table = schema.sessions
    cols = list(chunks[0].columns)
    with fresh_store(dialect) as url:
        engine = make_engine(url)
        store.migrate(engine)
        with engine.begin() as conn:
            store.begin_write(conn)  # the index drop too (pysqlite would run it outside the transaction)
            index = next(i for i in table.indexes if i.name == "ux_sessions_device_start")
            index.drop(bind=conn)
            if dialect == "sqlite":
                ready = [list(rows) for c in chunks for rows in store.plain_rows(table, c)]
                t0 = time.perf_counter()
                store.executemany(conn, table, cols, ready)
            else:
                types = [table.c[k].type for k in cols]
                ready = [pg_copy.encode(c.iloc[i:i + store.COPY_CHUNK_ROWS], types)
                         for c in chunks for i in range(0, len(c), store.COPY_CHUNK_ROWS)]
                t0 = time.perf_counter()
                store.copy_binary(conn, table, cols, ready)
            t1 = time.perf_counter()
            index.create(bind=conn)
            t2 = time.perf_counter()
        t3 = time.perf_counter()
        stored = store.table_count(engine, table)
        engine.dispose()
    return {"dialect": dialect, "sessions": n, "stored": stored, "insert_s": round(t1 - t0, 1),
            "index_s": round(t2 - t1, 1), "commit_s": round(t3 - t2, 1), "ceiling_rows_per_s": round(n / (t3 - t0))}


def _watch_peak(proc: subprocess.Popen) -> int:
    """The child's own high-water RSS (VmHWM, kB), polled until it exits.

    Not getrusage: a forked child's ru_maxrss starts from the parent's high-water mark (Linux keeps it
    across exec), and this parent holds the generated sessions.
    """
    peak = 0
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
            peak = max(peak, int(line.split()[1]))
        except (OSError, StopIteration):
            pass
        time.sleep(0.1)
    return peak


def run_demo(url: str, scale: str) -> dict:
    """``python -m data.loader demo --scale SCALE`` into ``url`` in a child: wall time, its own peak RSS,
    the sessions stored and its log (stderr)."""
    with tempfile.TemporaryFile("w+") as log_file:
        t0 = time.perf_counter()
        # stderr (logs and progress bars) to a file: a pipe read only at the end would fill and stall the child
        proc = subprocess.Popen([sys.executable, "-m", "data.loader", "--database-url", url, "demo", "--scale", scale],
                                cwd=ROOT,  # -m from the repository root: the project is importable
                                stdout=subprocess.DEVNULL, stderr=log_file, text=True)
        peak_kb = _watch_peak(proc)
        wall = time.perf_counter() - t0
        log_file.seek(0)
        out = log_file.read()
    if proc.returncode != 0:
        raise RuntimeError(out[-2000:])
    engine = make_engine(url)
    sessions = store.table_count(engine, schema.sessions)
    engine.dispose()
    return {"wall": wall, "sessions": sessions, "peak_rss_mb": round(peak_kb / 1024), "log": out}


def demo_build(dialect: str, scale: str) -> dict:
    """A demo build from nothing on a fresh store of ``dialect``."""
    with fresh_store(dialect) as url:
        run = run_demo(url, scale)
    return {"dialect": dialect, "scale": scale, "wall_s": round(run["wall"], 1), "sessions": run["sessions"],
            "peak_rss_mb": run["peak_rss_mb"]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.splitlines()[0])
    p.add_argument("--skip-full", action="store_true", help="skip --scale full (the slow part)")
    p.add_argument("--full-dialect", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--dialects", default="sqlite,postgres")
    p.add_argument("--seed", type=int, default=2022)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    dialects = args.dialects.split(",")
    results: dict = {"cpus": os.cpu_count(), "ingest": [], "demo": []}
    t = time.perf_counter()
    dev, chunks = london_sessions(args.seed)
    print(f"generated {sum(len(c) for c in chunks):,} london sessions in {time.perf_counter() - t:.1f} s (not timed below)")
    for d in dialects:
        r = ingest_rate(d, dev, chunks)
        results["ingest"].append(r)
        print(f"ingest {d:8s}: {r['sessions']:,} sessions: insert {r['raw_insert_rows_per_s']:,}/s "
              f"({r['insert_s']} s, rollups fed), index + rollup write {r['index_rollups_s']} s, commit "
              f"{r['commit_s']} s -> {r['insert_plus_rollups_rows_per_s']:,} sessions/s insert+rollups; "
              f"(full rebuild from the store, separately: {r['full_rebuild_s']} s)")
    for d in dialects:
        r = store_ceiling(d, chunks)
        results.setdefault("ceiling", []).append(r)
        print(f"ceiling {d:7s}: the same sessions already converted, no rollups: insert {r['insert_s']} s, unique "
              f"index {r['index_s']} s, commit {r['commit_s']} s -> {r['ceiling_rows_per_s']:,} sessions/s at most")
    del dev, chunks
    for d in dialects:
        r = demo_build(d, "london")
        results["demo"].append(r)
        print(f"demo london from nothing on {d}: {r['wall_s']} s ({r['sessions']:,} sessions), "
              f"peak RSS {r['peak_rss_mb']} MB")
    if not args.skip_full:
        r = demo_build(args.full_dialect, "full")
        results["demo"].append(r)
        print(f"demo full from nothing on {args.full_dialect}: {r['wall_s']} s ({r['sessions']:,} sessions), "
              f"peak RSS {r['peak_rss_mb']} MB")
    save("ingest", results)
    return 0


def save(kind: str, results: dict) -> Path:
    """``bench/results/KIND-<time>.json`` (git-ignored), said on stdout."""
    out = ROOT / "bench" / "results" / f"{kind}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written {out.relative_to(ROOT)}")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
