"""Each device's running totals (``status_cum_device``, issue 15's officer lists) against ``status_daily`` summed
per device (``status_queries.device_minutes``, the truth), on SQLite and PostgreSQL: a store derived over six days
in several hourly-style derivations, periods inside, across and outside the history, band and operator filters,
a past day derived again, rows missing from ``status_daily``, and ``migrate`` from schema 9."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from data import schema
from data import status_queries as q
from data.loader import status_derive, status_rollups, store
from tests.sources_util import new_store

D0 = datetime(2025, 3, 1)
DAYS = 6
BANDS = ("slow", "fast", "rapid", "ultra", "unknown")
OPERATORS = ("Operator A", "Operator B", None)
LATE = "T029"  # first seen on the fourth day


def _day(k: int) -> str:
    return (D0 + timedelta(days=k)).date().isoformat()


def _fill(engine) -> None:
    """30 devices, random statuses over six days on two feeds (feed "a" down for two hours of day 2)."""
    rng = np.random.default_rng(15)
    ids = [f"T{i:03d}" for i in range(30)]
    devices = [{"device_id": d, "latitude": 51.5, "longitude": -0.1, "location_type": "other",
                "gss_code": f"E0900000{1 + i % 3}" if i % 7 else None, "operator": OPERATORS[i % 3],
                "power_band": BANDS[i % 5]} for i, d in enumerate(ids)]
    changes = []
    for i, d in enumerate(ids):
        t = D0 + timedelta(days=3, hours=10) if d == LATE else D0 - timedelta(hours=int(rng.integers(1, 30)))
        while t < D0 + timedelta(days=DAYS):
            changes.append({"device_id": d, "from_time": t, "status": str(rng.choice(schema.STATUSES)),
                            "feed": "ab"[i % 2]})
            t += timedelta(minutes=int(rng.integers(20, 600)))
    end = D0 + timedelta(days=DAYS)
    spans = [{"feed": "a", "from_time": D0, "to_time": D0 + timedelta(days=2, hours=6)},
             {"feed": "a", "from_time": D0 + timedelta(days=2, hours=8), "to_time": end},
             {"feed": "b", "from_time": D0, "to_time": end}]
    with engine.begin() as conn:
        conn.execute(schema.devices.insert(), devices)
        conn.execute(schema.status_changes.insert(), changes)
        conn.execute(schema.status_coverage.insert(), spans)
    for now in (D0 + timedelta(hours=34), D0 + timedelta(days=3, hours=2), D0 + timedelta(days=5, hours=13), end):
        status_derive.derive(engine, now)  # each from the last settled point: partial days rewritten after


@pytest.fixture
def derived(store_url, request):
    engine = new_store(store_url)
    request.addfinalizer(engine.dispose)
    _fill(engine)
    return store_url, engine


def _cum(engine) -> pd.DataFrame:
    c = schema.status_cum_device
    with engine.connect() as conn:
        return pd.read_sql(select(c).order_by(c.c.day, c.c.device_id), conn)


def _rebuilt(engine) -> pd.DataFrame:
    """The running totals as a full rebuild writes them (in a transaction rolled back)."""
    c = schema.status_cum_device
    with engine.connect() as conn:
        trans = conn.begin()
        status_rollups.write_cumulative(conn)
        out = pd.read_sql(select(c).order_by(c.c.day, c.c.device_id), conn)
        trans.rollback()
    return out


PERIODS = [(0, DAYS - 1), (2, 2), (0, 0), (DAYS - 1, DAYS - 1), (-10, 1), (3, 20), (-3, 40), (1, 4),
           (10, 12), (-5, -1)]
FILTERS = [((), ()), (q.RAPID, ()), (("slow", "unknown"), ()), ((), ("Operator A",)), (("fast",), ("Operator B",))]


def _assert_lists_match_truth(db: str, periods=PERIODS, filters=FILTERS) -> int:
    """Every period x filter: the lists' per-device minutes (running totals) equal status_daily's sums."""
    rows = 0
    for a, b in periods:
        for bands, operators in filters:
            got = q.minutes(db, _day(a), _day(b), by="device", bands=bands, operators=operators)
            want = q.device_minutes(db, _day(a), _day(b), by="device", bands=bands, operators=operators)
            pd.testing.assert_frame_equal(got, want, check_dtype=False, check_index_type=False, atol=1e-6,
                                          obj=f"days {a}..{b} bands {bands} operators {operators}")
            rows += len(got)
    return rows


def test_sc001_running_totals_equal_status_daily(derived):
    """Several derivations (each rewriting its partial last day) leave the totals a full rebuild gives, with a row
    per device per day from its first; every period's per-device minutes equal status_daily's."""
    db, engine = derived
    cum = _cum(engine)
    with engine.connect() as conn:
        daily = pd.read_sql(select(schema.status_daily), conn)
    key = ["day", "device_id"]  # status_daily is complete here: a row per device per day from its first
    assert cum[key].values.tolist() == daily.sort_values(key)[key].values.tolist()
    assert len(cum) > 29 * DAYS
    rebuilt = _rebuilt(engine)
    pd.testing.assert_frame_equal(cum, rebuilt, check_exact=False, atol=1e-6)
    last = cum[cum["day"] == cum["day"].max()].set_index("device_id")[list(schema.STATUS_MINUTES)]
    pd.testing.assert_frame_equal(last, daily.groupby("device_id")[list(schema.STATUS_MINUTES)].sum(),
                                  check_exact=False, atol=1e-6)
    assert _assert_lists_match_truth(db) > 0
    whole = q.minutes(db, _day(0), _day(DAYS - 1), by="device")
    assert len(whole) == 30 and LATE in set(whole["device"])
    assert LATE not in set(q.minutes(db, _day(0), _day(1), by="device")["device"])  # rows from day 2 (a window)
    assert q.minutes(db, _day(10), _day(12), by="device").empty


def test_sc002_a_past_day_derived_again_updates_the_later_totals(derived):
    """Deriving day 1 again (a change found late) rewrites its status_daily rows and the running totals of that
    day and every later one; the lists follow."""
    db, engine = derived
    before = _cum(engine)
    at = D0 + timedelta(days=1, hours=12)
    with engine.begin() as conn:
        conn.execute(schema.status_changes.insert(), [{"device_id": "T000", "from_time": at, "status": "OUTOFORDER",
                                                       "feed": "a"}])
        status_derive.write_window(conn, D0 + timedelta(days=1), D0 + timedelta(days=2))
    after = _cum(engine)
    pd.testing.assert_frame_equal(after, _rebuilt(engine), check_exact=False, atol=1e-6)
    merged = before.merge(after, on=["day", "device_id"], suffixes=("_b", "_a"))
    t0 = merged[merged["device_id"] == "T000"].set_index("day")
    assert (t0["not_working_a"] > t0["not_working_b"] + 1).loc[date(2025, 3, 2):].all()  # that day and later
    assert (t0["not_working_a"] == t0["not_working_b"]).loc[:date(2025, 3, 1)].all()
    others = merged[merged["device_id"] != "T000"]
    assert np.allclose(others["in_use_a"], others["in_use_b"])
    _assert_lists_match_truth(db, [(0, DAYS - 1), (1, 1), (2, 4), (-1, 1)], FILTERS[:2])


def test_sc003_rows_missing_from_status_daily_lose_nothing(derived):
    """Were status_daily ever without a device's row on a day (a pruned history), the totals carry the day before:
    the lists still equal status_daily's sums, from a full rebuild and from a rewrite of the later days."""
    db, engine = derived
    d = schema.status_daily
    with engine.begin() as conn:
        conn.execute(d.delete().where(d.c.device_id == "T003", d.c.day == date(2025, 3, 3)))
        conn.execute(d.delete().where(d.c.device_id == "T004", d.c.day >= date(2025, 3, 5)))
        status_rollups.write_cumulative(conn, date(2025, 3, 3))  # from the first day whose rows changed
    _assert_lists_match_truth(db, [(0, DAYS - 1), (2, 2), (4, 5), (2, 4)], FILTERS[:1])
    assert "T004" in set(q.minutes(db, _day(0), _day(DAYS - 1), by="device")["device"])
    assert "T004" not in set(q.minutes(db, _day(4), _day(5), by="device")["device"])
    with engine.begin() as conn:
        status_rollups.write_cumulative(conn)
    _assert_lists_match_truth(db, [(0, DAYS - 1), (2, 2), (4, 5), (2, 4)], FILTERS[:1])


def test_sc004_migrate_fills_the_running_totals(derived):
    """A store of schema 9 (status_daily, no running totals) gets them from ``migrate``."""
    db, engine = derived
    expected = _cum(engine)
    with engine.begin() as conn:
        conn.execute(schema.status_cum_device.delete())
        store._set_meta(conn, "schema_version", "9")  # noqa: SLF001
    assert store.migrate(engine) == 10
    pd.testing.assert_frame_equal(_cum(engine), expected, check_exact=False, atol=1e-6)
    _assert_lists_match_truth(db, [(0, DAYS - 1), (3, 3)], FILTERS[:1])
