"""Refresh primitives on real SQLite and PostgreSQL: the lock, refused and failed runs, the run log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from data import schema
from data.db import make_engine
from data.loader import store
from data.loader.refresh import LockBusy, RefreshRefused, refresh, refresh_lock

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def engine(store_url):
    eng = make_engine(store_url)
    store.migrate(eng)
    yield eng
    eng.dispose()


def _device(device_id: str) -> pd.DataFrame:
    return pd.DataFrame({"device_id": [device_id], "latitude": [51.5], "longitude": [-0.1],
                         "gss_code": ["E09000001"], "location_type": ["on-street"]})


def _runs(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(schema.load_runs).order_by(schema.load_runs.c.run_id)).mappings()]


def test_ok_run_commits_and_bumps_the_data_version(engine):
    with refresh(engine, "unit", "here") as run:
        store.bulk_insert(run.conn, schema.devices, _device("a"))
        run.quarantine(2, {"x": 1}, "bad x")
        run.count(rows_in=10, rows_loaded=9)
    assert store.table_count(engine, schema.devices) == 1
    assert store.get_data_version(engine) == 1
    (r,) = _runs(engine)
    assert (r["status"], r["rows_in"], r["rows_loaded"], r["rows_quarantined"]) == ("ok", 10, 9, 1)
    assert r["finished_at"] is not None and store.table_count(engine, schema.quarantine) == 1


def test_too_many_bad_rows_refuses_and_keeps_quarantine(engine):
    with pytest.raises(RefreshRefused, match="refused: 3 of 10 rows quarantined"):
        with refresh(engine, "unit", "bad.csv") as run:
            store.bulk_insert(run.conn, schema.devices, _device("a"))
            for i in range(3):
                run.quarantine(i, f"row {i}", "no latitude")
            run.count(rows_in=10, rows_loaded=7)
    assert store.table_count(engine, schema.devices) == 0
    assert store.get_data_version(engine) == 0
    (r,) = _runs(engine)
    assert (r["status"], r["rows_in"], r["rows_loaded"], r["rows_quarantined"]) == ("refused", 10, 7, 3)
    assert store.table_count(engine, schema.quarantine) == 3


def test_exception_rolls_back_and_logs_one_line(engine):
    with pytest.raises(ValueError):
        with refresh(engine, "unit") as run:
            store.bulk_insert(run.conn, schema.devices, _device("a"))
            raise ValueError("broken input\nsecond line")
    assert store.table_count(engine, schema.devices) == 0
    (r,) = _runs(engine)
    assert r["status"] == "failed" and r["message"] == "ValueError: broken input"


def test_second_refresh_in_process_is_refused_at_once(engine):
    with refresh_lock(engine):
        with pytest.raises(LockBusy, match="another refresh is running"):
            with refresh(engine, "unit"):
                pass
    with refresh(engine, "unit"):  # released afterwards
        pass


def test_second_refresh_process_exits_with_a_clear_message(engine, store_url):
    with refresh_lock(engine):
        proc = subprocess.run([sys.executable, "-m", "data.loader", "--database-url", store_url, "demo",
                               "--scale", "small"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 3, proc.stderr
    assert "refresh not started: another refresh is running on this store" in proc.stderr
    assert store.table_count(engine, schema.devices) == 0 and _runs(engine) == []


def test_a_dead_run_left_running_is_marked_failed_by_the_next(engine):
    with engine.begin() as conn:
        conn.execute(schema.load_runs.insert().values(source="x", started_at=pd.Timestamp("2022-01-01"),
                                                       status="running"))
    with refresh(engine, "unit"):
        pass
    first, second = _runs(engine)
    assert first["status"] == "failed" and "interrupted" in first["message"]
    assert second["status"] == "ok"
