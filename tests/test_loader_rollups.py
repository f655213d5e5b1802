"""Rollups equal a direct pandas aggregate of the raw sessions (real SQLite and PostgreSQL)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from data.db import make_engine
from data.loader import derived, rollups
from data.loader.demo import build_demo
from data.loader.refresh import refresh


@pytest.fixture
def engine(store_url):
    eng = make_engine(store_url)
    build_demo(eng, "small", seed=11)
    yield eng
    eng.dispose()


def _read(engine, sql: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn)


def _raw(engine) -> pd.DataFrame:
    df = _read(engine, "SELECT s.device_id, s.started_at, s.ended_at, s.kwh, d.gss_code FROM sessions s "
                       "JOIN devices d ON d.device_id = s.device_id")
    for c in ("started_at", "ended_at"):
        df[c] = pd.to_datetime(df[c])
    df["day"] = df["started_at"].dt.normalize()
    df["month"] = df["started_at"].dt.to_period("M").dt.to_timestamp()
    return df


def _sorted(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return df.sort_values(keys).reset_index(drop=True)


def test_daily_sessions_and_kwh_per_borough_match_raw(engine):
    raw = _raw(engine)
    want = raw.groupby(["day", "gss_code"]).agg(sessions=("kwh", "size"), kwh=("kwh", "sum")).reset_index()
    got = _read(engine, "SELECT day, gss_code, sessions, kwh FROM rollup_daily")
    got["day"] = pd.to_datetime(got["day"])
    got = got.groupby(["day", "gss_code"]).sum().reset_index()
    got = got[got["sessions"] > 0]
    pd.testing.assert_frame_equal(_sorted(got, ["day", "gss_code"]), _sorted(want, ["day", "gss_code"]),
                                  check_dtype=False, rtol=1e-9)


def test_device_month_matches_raw(engine):
    raw = _raw(engine)
    raw["hours"] = (raw["ended_at"] - raw["started_at"]).dt.total_seconds() / 3600
    want = raw.groupby(["device_id", "month"]).agg(sessions=("kwh", "size"), kwh=("kwh", "sum"),
                                                   plugged_hours=("hours", "sum")).reset_index()
    got = _read(engine, "SELECT device_id, month, sessions, kwh, plugged_hours FROM rollup_device_month")
    got["month"] = pd.to_datetime(got["month"])
    pd.testing.assert_frame_equal(_sorted(got, ["device_id", "month"]), _sorted(want, ["device_id", "month"]),
                                  check_dtype=False, rtol=1e-9)


def test_hour_of_week_matches_raw(engine):
    raw = _raw(engine)
    raw["dow"], raw["hour"] = raw["started_at"].dt.day_of_week, raw["started_at"].dt.hour
    want = raw.groupby(["dow", "hour"]).agg(sessions=("kwh", "size"), kwh=("kwh", "sum")).reset_index()
    got = _read(engine, "SELECT dow, hour, SUM(sessions) AS sessions, SUM(kwh) AS kwh "
                        "FROM rollup_hour_of_week GROUP BY dow, hour")
    pd.testing.assert_frame_equal(_sorted(got, ["dow", "hour"]), _sorted(want, ["dow", "hour"]),
                                  check_dtype=False, rtol=1e-9)


def test_devices_in_service_every_day_even_without_sessions(engine):
    dev = _read(engine, "SELECT gss_code, installed_on, removed_on FROM devices")
    dev["installed_on"], dev["removed_on"] = pd.to_datetime(dev["installed_on"]), pd.to_datetime(dev["removed_on"])
    got = _read(engine, "SELECT day, gss_code, SUM(devices_in_service) AS n FROM rollup_daily GROUP BY day, gss_code")
    got["day"] = pd.to_datetime(got["day"])
    days = sorted(got["day"].unique())
    assert len(days) == 28  # the small scale's four weeks, every day present
    for day in (days[0], days[-1]):
        live = dev[(dev["installed_on"] <= day) & (dev["removed_on"].isna() | (dev["removed_on"] > day))]
        want = live.groupby("gss_code").size()
        have = got[got["day"] == day].set_index("gss_code")["n"]
        assert have.sort_index().to_dict() == want.sort_index().to_dict()
    zero = _read(engine, "SELECT COUNT(*) AS n FROM rollup_daily WHERE sessions = 0 AND devices_in_service > 0")
    assert zero["n"].item() > 0


def test_rebuild_from_the_store_equals_what_the_demo_accumulated(engine, monkeypatch):
    monkeypatch.setattr(rollups, "SCAN_ROWS", 1000)  # many chunks, partial sums compacted along the way
    monkeypatch.setattr(rollups, "COMPACT_EVERY", 3)
    tables = ("rollup_daily", "rollup_device_month", "rollup_hour_of_week")
    before = {t: _read(engine, f"SELECT * FROM {t}") for t in tables}
    with refresh(engine, "rebuild") as run:
        rollups.rebuild(run.conn)
    for t in tables:
        after = _read(engine, f"SELECT * FROM {t}")
        keys = [c for c in after.columns if c not in ("devices_in_service", "sessions", "kwh", "plugged_hours")]
        pd.testing.assert_frame_equal(_sorted(after, keys), _sorted(before[t], keys), rtol=1e-9)


def test_derived_tables_the_loader_sums_equal_sql_group_bys_of_the_fine_ones(engine):
    # The loader regroups its in-memory sums (numpy); migrate fills the same tables with INSERT ... SELECT.
    tables = [t.name for t in derived.TABLES]
    before = {t: _read(engine, f"SELECT * FROM {t}") for t in tables}
    assert all(len(before[t]) > 0 for t in tables)
    with refresh(engine, "derived by SQL") as run:
        derived.build_derived(run.conn)
    for t in tables:
        after = _read(engine, f"SELECT * FROM {t}")
        keys = [c for c in after.columns if c not in ("devices_in_service", "sessions", "kwh", "plugged_hours")]
        pd.testing.assert_frame_equal(_sorted(before[t], keys), _sorted(after, keys), check_dtype=False, rtol=1e-9)


def test_hand_made_store_rules(store_url):
    """Unknown operator, device without borough, overnight session, a removed device's last day."""
    import datetime as dt

    from data import schema
    from data.loader import store

    eng = make_engine(store_url)
    store.migrate(eng)
    with refresh(eng, "unit") as run:
        store.bulk_insert(run.conn, schema.devices, pd.DataFrame({
            "device_id": ["a", "b", "c"], "latitude": 51.5, "longitude": 0.0,
            "gss_code": ["E09000001", "E09000001", None], "operator": [None, "X", "Y"],
            "location_type": "on-street", "power_band": ["slow", "rapid", "slow"],
            "installed_on": [dt.date(2022, 1, 1), None, None], "removed_on": [None, dt.date(2022, 1, 3), None]}))
        store.bulk_insert(run.conn, schema.sessions, pd.DataFrame({
            "device_id": ["a", "a", "b", "c"],
            "started_at": pd.to_datetime(["2022-01-01 18:00:00", "2022-01-03 19:30:00", "2022-01-02 12:00:00",
                                          "2022-01-02 12:00:00"]),
            "ended_at": pd.to_datetime(["2022-01-01 21:00:00", "2022-01-04 01:30:00", "2022-01-02 12:30:00",
                                        "2022-01-02 13:00:00"]),
            "kwh": [10.0, 12.5, 20.0, 5.0]}))
        rollups.rebuild(run.conn)
    daily = _read(eng, "SELECT day, operator, devices_in_service, sessions, kwh, plugged_hours FROM rollup_daily")
    daily["day"] = pd.to_datetime(daily["day"]).dt.strftime("%m-%d")
    got = sorted(map(tuple, daily.itertuples(index=False)))
    assert got == [("01-01", "Unknown", 1, 1, 10.0, 3.0), ("01-01", "X", 1, 0, 0.0, 0.0),
                   ("01-02", "Unknown", 1, 0, 0.0, 0.0), ("01-02", "X", 1, 1, 20.0, 0.5),
                   ("01-03", "Unknown", 1, 1, 12.5, 6.0)]  # b removed on 01-03; c has no borough
    months = _read(eng, "SELECT device_id, sessions FROM rollup_device_month ORDER BY device_id")
    assert months.values.tolist() == [["a", 2], ["b", 1]]
    how = _read(eng, "SELECT dow, hour, sessions FROM rollup_hour_of_week ORDER BY dow, hour")
    assert how.values.tolist() == [[0, 19, 1], [5, 18, 1], [6, 12, 1]]  # 2022-01-01 was a Saturday
    eng.dispose()
