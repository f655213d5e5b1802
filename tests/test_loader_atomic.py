"""The swap seen from other processes: a concurrent reader never sees a mix or an empty store, and
SIGKILL at any point of a refresh leaves the store exactly as before (real SQLite WAL and PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from data.db import make_engine
from data.loader.demo import build_demo
from data.loader.refresh import refresh_lock

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# A demo refresh that announces each bulk insert and pauses after it (long after the one named ``hold``),
# so the test can act mid-refresh.
WORKER = """
import sys, time
from data.db import make_engine
from data.loader import demo, store
url, seed, pause, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
insert = store.bulk_insert
def announced(conn, table, df):
    n = insert(conn, table, df)
    print("inserted", table.name, flush=True)
    time.sleep(60 if table.name == hold else pause)
    return n
store.bulk_insert = announced
demo.build_demo(make_engine(url), "small", seed)
print("done", flush=True)
"""

SNAPSHOT_SQL = [
    "SELECT value FROM store_meta WHERE key = 'data_version'",
    "SELECT COUNT(*) FROM devices",
    "SELECT COUNT(*) FROM sessions",
    "SELECT COALESCE(SUM(sessions), 0) FROM rollup_daily",
    "SELECT COUNT(*) FROM rollup_device_month",
]

# Polls the store in one read snapshot per sample until the stop file appears; one JSON line each,
# to a file (a pipe nobody reads would fill up and stall the reader inside its transaction).
READER = """
import json, sys, os, time
from sqlalchemy import text
from data.db import make_engine
url, stop, out, sqls = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
eng = make_engine(url)
with open(out, "w") as fh:
    while not os.path.exists(stop):
        with eng.connect() as conn:
            if eng.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN")  # one snapshot for all the statements below
            else:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            fh.write(json.dumps([str(conn.execute(text(q)).scalar()) for q in sqls]) + "\\n")
            conn.rollback()
        fh.flush()
        time.sleep(0.005)
"""


def snapshot(engine) -> list[str]:
    with engine.connect() as conn:
        return [str(conn.execute(text(q)).scalar()) for q in SNAPSHOT_SQL]


@pytest.fixture
def seeded(store_url):
    engine = make_engine(store_url)
    build_demo(engine, "small", seed=1)
    yield engine
    engine.dispose()


def _worker(store_url: str, seed: int, pause: float, hold: str = "") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WORKER, store_url, str(seed), str(pause), hold], cwd=ROOT,
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def test_concurrent_reader_sees_old_or_new_never_a_mix(seeded, store_url, tmp_path):
    before = snapshot(seeded)
    stop = tmp_path / "stop"
    samples = tmp_path / "samples.jsonl"
    reader = subprocess.Popen([sys.executable, "-c", READER, store_url, str(stop), str(samples),
                               json.dumps(SNAPSHOT_SQL)], cwd=ROOT, env=ENV, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # let the reader start sampling the old store
    worker = _worker(store_url, seed=2, pause=0.4)
    lines = worker.communicate(timeout=180)[0].splitlines()
    after = snapshot(seeded)
    time.sleep(0.5)
    stop.touch()
    err = reader.communicate(timeout=60)[1]
    seen = [json.loads(line) for line in samples.read_text().splitlines()]
    assert worker.returncode == 0 and lines[-1] == "done"
    assert reader.returncode == 0, err
    assert before != after and int(after[0]) == int(before[0]) + 1
    assert len(seen) > 10 and seen[0] == before and seen[-1] == after
    assert all(s in (before, after) for s in seen), [s for s in seen if s not in (before, after)][:3]


@pytest.mark.parametrize("kill_after", ["devices", "sessions", "rollup_daily"])
def test_sigkill_mid_refresh_leaves_the_store_unchanged(seeded, store_url, kill_after):
    before = snapshot(seeded)
    worker = _worker(store_url, seed=2, pause=0.0, hold=kill_after)
    for line in worker.stdout:
        if line.strip() == f"inserted {kill_after}":
            break
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    time.sleep(0.5)  # PostgreSQL notices the dead client and aborts its transaction
    assert snapshot(seeded) == before
    with refresh_lock(seeded):  # the dead process's lock went with it
        pass
    with seeded.connect() as conn:
        statuses = [r[0] for r in conn.execute(text("SELECT status FROM load_runs ORDER BY run_id"))]
    assert statuses == ["ok", "running"]  # the killed run stays visible; the next run marks it failed
