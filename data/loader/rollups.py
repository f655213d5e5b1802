"""Rebuild the rollup tables the dashboard reads, from raw sessions + devices, in the caller's transaction.

Rules (the dashboard relies on them):
* a session counts on the day / month / hour of week (Mon=0) of its ``started_at`` (UTC);
* ``plugged_hours`` = sum of (ended_at - started_at) in hours;
* devices without ``gss_code`` are left out; operator null -> 'Unknown'; power_band null -> 'unknown';
* ``rollup_daily`` has a row for every (day, gss_code, power_band, location_type, operator) with at
  least one device in service that day (installed_on <= day, removed_on null or > day; a null
  installed_on counts as installed), zero-session days included, plus any row that has sessions.
  Days run over the sessions' span, or the last 365 days when there are no sessions, unless given.

Session aggregates are SQL GROUP BYs (INSERT ... SELECT, nothing crosses into Python except the
daily grain); devices in service are an event cumsum in numpy, which is small (combos x days).
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from data import schema
from data.loader import store

log = logging.getLogger(__name__)

KEYS = ["gss_code", "power_band", "location_type", "operator"]

_SQLITE = {
    "day": "date(s.started_at)",
    "month": "strftime('%Y-%m-01', s.started_at)",
    "dow": "((CAST(strftime('%w', s.started_at) AS INTEGER) + 6) % 7)",
    "hour": "CAST(strftime('%H', s.started_at) AS INTEGER)",
    "hours": "((julianday(s.ended_at) - julianday(s.started_at)) * 24.0)",
}
_POSTGRES = {
    "day": "CAST(s.started_at AS DATE)",
    "month": "CAST(date_trunc('month', s.started_at) AS DATE)",
    "dow": "(CAST(EXTRACT(ISODOW FROM s.started_at) AS INTEGER) - 1)",
    "hour": "CAST(EXTRACT(HOUR FROM s.started_at) AS INTEGER)",
    "hours": "(EXTRACT(EPOCH FROM (s.ended_at - s.started_at)) / 3600.0)",
}
_DIMS = ("d.gss_code, COALESCE(d.power_band, 'unknown'), d.location_type, "
         "COALESCE(d.operator, 'Unknown')")
_FROM = "FROM sessions s JOIN devices d ON d.device_id = s.device_id WHERE d.gss_code IS NOT NULL"


def _expr(conn: Connection) -> dict[str, str]:
    return _POSTGRES if store.is_postgres(conn) else _SQLITE


def rebuild(conn: Connection, start: date | None = None, end: date | None = None) -> dict[str, int]:
    """Replace all three rollups from the store's sessions and devices; returns row counts."""
    counts = {}
    for name, step in (("rollup_device_month", _device_month), ("rollup_hour_of_week", _hour_of_week),
                       ("rollup_daily", lambda c: _daily(c, start, end))):
        t0 = time.perf_counter()
        conn.execute(schema.metadata.tables[name].delete())
        counts[name] = step(conn)
        log.info("rollups: %s rebuilt, %d rows in %.1f s", name, counts[name], time.perf_counter() - t0)
    return counts


def _device_month(conn: Connection) -> int:
    e = _expr(conn)
    sql = (f"INSERT INTO rollup_device_month (device_id, month, sessions, kwh, plugged_hours) "  # noqa: S608
           f"SELECT s.device_id, {e['month']}, COUNT(*), SUM(s.kwh), SUM({e['hours']}) "
           f"FROM sessions s GROUP BY s.device_id, {e['month']}")
    return conn.execute(text(sql)).rowcount


def _hour_of_week(conn: Connection) -> int:
    e = _expr(conn)
    sql = (f"INSERT INTO rollup_hour_of_week (month, gss_code, power_band, location_type, operator, "
           f"dow, hour, sessions, kwh) "
           f"SELECT {e['month']}, {_DIMS}, {e['dow']}, {e['hour']}, COUNT(*), SUM(s.kwh) {_FROM} "
           f"GROUP BY {e['month']}, {_DIMS}, {e['dow']}, {e['hour']}")
    return conn.execute(text(sql)).rowcount


def _session_days(conn: Connection) -> pd.DataFrame:
    e = _expr(conn)
    sql = (f"SELECT {e['day']} AS day, {_DIMS}, COUNT(*) AS sessions, SUM(s.kwh) AS kwh, "
           f"SUM({e['hours']}) AS plugged_hours {_FROM} GROUP BY {e['day']}, {_DIMS}")
    df = pd.DataFrame(conn.execute(text(sql)).fetchall(),
                      columns=["day", *KEYS, "sessions", "kwh", "plugged_hours"])
    df["day"] = pd.to_datetime(df["day"])
    return df


def _window(sess: pd.DataFrame, start: date | None, end: date | None) -> pd.DatetimeIndex:
    if sess.empty:
        last = pd.Timestamp(end or date.today())
        first = pd.Timestamp(start or (last - timedelta(days=364)))
    else:
        first = pd.Timestamp(start) if start else sess["day"].min()
        last = pd.Timestamp(end) if end else sess["day"].max()
    return pd.date_range(first, last, freq="D")


def devices_in_service(conn: Connection, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Rows (day, gss_code, power_band, location_type, operator, devices_in_service) with n > 0."""
    d = schema.devices
    dev = pd.DataFrame(conn.execute(select(d.c.gss_code, d.c.power_band, d.c.location_type, d.c.operator,
                                           d.c.installed_on, d.c.removed_on)
                                    .where(d.c.gss_code.is_not(None))).fetchall(),
                       columns=[*KEYS, "installed_on", "removed_on"])
    if dev.empty or len(days) == 0:
        # typed "day", so the merge with an empty sessions frame in _daily does not fail
        return pd.DataFrame(columns=["day", *KEYS, "devices_in_service"]).astype({"day": "datetime64[s]"})
    dev["power_band"] = dev["power_band"].fillna("unknown")
    dev["operator"] = dev["operator"].fillna("Unknown")
    n = len(days)
    first = days[0].to_datetime64().astype("datetime64[D]")
    inst = pd.to_datetime(dev["installed_on"]).to_numpy("datetime64[D]")
    rem = pd.to_datetime(dev["removed_on"]).to_numpy("datetime64[D]")
    lo = np.where(np.isnat(inst), 0, (inst - first).astype("int64")).clip(0, n)
    hi = np.where(np.isnat(rem), n, (rem - first).astype("int64")).clip(0, n)
    combo = dev.groupby(KEYS, sort=True, dropna=False).ngroup().to_numpy()
    grid = np.zeros((combo.max() + 1, n + 1), dtype=np.int32)
    ok = lo < hi
    np.add.at(grid, (combo[ok], lo[ok]), 1)
    np.add.at(grid, (combo[ok], hi[ok]), -1)
    grid = grid.cumsum(axis=1)[:, :n]
    ci, di = np.nonzero(grid)
    keys = dev.groupby(KEYS, sort=True, dropna=False).size().reset_index()[KEYS]
    out = keys.iloc[ci].reset_index(drop=True)
    out.insert(0, "day", days[di])
    out["devices_in_service"] = grid[ci, di]
    return out


def _daily(conn: Connection, start: date | None, end: date | None) -> int:
    sess = _session_days(conn)
    days = _window(sess, start, end)
    sess = sess[(sess["day"] >= days[0]) & (sess["day"] <= days[-1])] if len(days) else sess.iloc[:0]
    dis = devices_in_service(conn, days)
    df = dis.merge(sess, on=["day", *KEYS], how="outer")
    df["devices_in_service"] = df["devices_in_service"].fillna(0).astype("int64")
    df["sessions"] = df["sessions"].fillna(0).astype("int64")
    df[["kwh", "plugged_hours"]] = df[["kwh", "plugged_hours"]].fillna(0.0).astype("float64")
    df["day"] = pd.to_datetime(df["day"]).dt.date
    return store.bulk_insert(conn, schema.rollup_daily, df)
