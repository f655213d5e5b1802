"""SessionsLoad's rollups equal a full rebuild, on each of its three ways (real SQLite and PostgreSQL)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import inspect, text

from data import schema
from data.db import make_engine
from data.loader import derived, rollups, session_load
from data.loader.demo import build_demo
from data.loader.refresh import refresh

TABLES = ("rollup_daily", "rollup_device_month", "rollup_hour_of_week", *(t.name for t in derived.TABLES))


@pytest.fixture
def engine(store_url):
    eng = make_engine(store_url)
    build_demo(eng, "small", seed=5)  # 2022-12-04 .. 2022-12-31
    yield eng
    eng.dispose()


def _rollups(engine) -> dict[str, pd.DataFrame]:
    out = {}
    with engine.connect() as conn:
        for t in TABLES:
            df = pd.read_sql(text(f"SELECT * FROM {t}"), conn)  # noqa: S608 (fixed table names)
            keys = [c for c in df.columns if c not in ("devices_in_service", "sessions", "kwh", "plugged_hours")]
            out[t] = df.sort_values(keys).reset_index(drop=True)
    return out


def _load(engine, frame: pd.DataFrame, replace: bool = True) -> None:
    s = schema.sessions
    with refresh(engine, "unit") as run:
        lo, hi = frame["started_at"].min().to_pydatetime(), frame["started_at"].max().to_pydatetime()
        load = session_load.SessionsLoad(run.conn, lo, hi, rows_expected=len(frame))
        if replace:
            run.conn.execute(s.delete().where(s.c.device_id.in_(frame["device_id"].unique().tolist()),
                                              s.c.started_at >= lo, s.c.started_at <= hi))
        load.existing()
        load.add(frame)
        load.finish()


def _assert_equals_rebuild(engine) -> None:
    got = _rollups(engine)
    with refresh(engine, "rebuild") as run:
        rollups.rebuild(run.conn)
    want = _rollups(engine)
    for t in TABLES:
        pd.testing.assert_frame_equal(got[t], want[t], check_dtype=False, rtol=1e-9)


def _devices(engine, n: int) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(
            "SELECT device_id FROM devices WHERE gss_code IS NOT NULL AND installed_on < '2022-06-01' "
            "ORDER BY device_id")).fetchmany(n)]


def _sessions(devices: list[str], starts: list[str]) -> pd.DataFrame:
    rows = [(d, pd.Timestamp(s) + pd.Timedelta(minutes=i)) for i, d in enumerate(devices) for s in starts]
    df = pd.DataFrame(rows, columns=["device_id", "started_at"])
    df["ended_at"] = df["started_at"] + pd.Timedelta(hours=2)
    df["kwh"] = 11.5
    return df


def test_every_way_matches_a_full_rebuild(engine):
    dev = _devices(engine, 4)
    # Replaces sessions inside the only month stored: the accumulator sees everything.
    _load(engine, _sessions(dev, ["2022-12-10 08:00", "2022-12-12 20:00"]))
    _assert_equals_rebuild(engine)
    # November moves the span: full rebuild.
    _load(engine, _sessions(dev[:2], ["2022-11-03 09:00", "2022-11-28 10:00"]), replace=False)
    _assert_equals_rebuild(engine)
    # Inside December again, span unchanged, November stored: only December's rollup rows rewritten.
    _load(engine, _sessions(dev[1:], ["2022-12-15 07:00", "2022-12-20 18:30"]))
    _assert_equals_rebuild(engine)


def test_big_load_drops_and_rebuilds_the_unique_index(engine, monkeypatch):
    monkeypatch.setattr(session_load, "DROP_INDEX_ROWS", 1)
    with engine.connect() as conn:
        conn.execute(schema.sessions.delete())
        conn.commit()
    _load(engine, _sessions(_devices(engine, 3), ["2022-12-10 08:00"]))
    _assert_equals_rebuild(engine)
    with engine.connect() as conn:
        names = {i["name"] for i in inspect(conn).get_indexes("sessions")}
    assert "ux_sessions_device_start" in names
