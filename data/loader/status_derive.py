"""From status history to minutes per device per hour, inferred sessions and their rollups.

Every device's time is split into the classes of ``schema.STATUS_MINUTES``: in use (CHARGING), available,
reserved, blocked, not working (INOPERATIVE, OUTOFORDER), unknown, off (PLANNED, REMOVED) and no data
(outside its feed's coverage: before the first poll, across a failed poll, after the last good one, or
before the device's first status). PCPR 2023 reg 7: working = in use + available + reserved; ineligible =
blocked + unknown; reliability = working / (working + not working).

Each maximal run of "in use" is an inferred session (source "status", kWh NULL: not known). A run still
going at the end of the window is left for a later derivation, which starts no later than its start.

``derive`` (the watcher, once an hour, or ``python -m data.loader derive-status``) rewrites the window
from the last settled point to the last whole hour, in one refresh: ``status_daily`` (with its rollups and the
running totals per device), the status sessions and the session rollups (through ``SessionsLoad``, as the
session adapters do).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection, Engine

from data import schema
from data.loader import status_rollups, store
from data.loader.refresh import refresh
from data.loader.session_load import SessionsLoad

log = logging.getLogger(__name__)
CLASSES = schema.STATUS_MINUTES
CLASS_OF = {"CHARGING": "in_use", "AVAILABLE": "available", "RESERVED": "reserved", "BLOCKED": "blocked",
            "INOPERATIVE": "not_working", "OUTOFORDER": "not_working", "UNKNOWN": "unknown", "PLANNED": "off",
            "REMOVED": "off"}
_CODE = {s: CLASSES.index(c) for s, c in CLASS_OF.items()}
NO_DATA, IN_USE = CLASSES.index("no_data"), CLASSES.index("in_use")
SESSION_LOOKBACK = timedelta(days=1)
META_KEY = "status_derived_until"
CHUNK_DEVICES = 5_000


def _secs(ts) -> np.ndarray:
    return pd.to_datetime(pd.Series(ts), format="ISO8601").to_numpy("datetime64[s]").view(np.int64)


def _rows(conn: Connection, stmt) -> list[tuple]:
    """The driver's plain tuples (SQLite's datetimes as ISO text, parsed by pandas at once later): building
    SQLAlchemy Rows and handing them to pandas cost most of a 40,000-device day's derivation."""
    return conn.execute(stmt).cursor.fetchall()


def read_history(conn: Connection, start: datetime, end: datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Changes from start to end plus each device's last one before start; every coverage span in the window."""
    c, v = schema.status_changes, schema.status_coverage
    before = (select(c.c.device_id, func.max(c.c.from_time).label("t")).where(c.c.from_time < start)
              .group_by(c.c.device_id).subquery())
    cols = (c.c.device_id, c.c.from_time, c.c.status, c.c.feed)
    names = ["device_id", "from_time", "status", "feed"]
    rows = _rows(conn, select(*cols).join(before, and_(before.c.device_id == c.c.device_id,
                                                       before.c.t == c.c.from_time)))
    rows += _rows(conn, select(*cols).where(c.c.from_time >= start, c.c.from_time < end))
    spans = _rows(conn, select(v.c.feed, v.c.from_time, v.c.to_time).where(v.c.to_time > start, v.c.from_time < end))
    changes = pd.DataFrame(rows, columns=names)
    changes["from_time"] = pd.to_datetime(changes["from_time"], format="ISO8601")
    # Device then time: segments() relies on it where several changes before the window are clamped to its start.
    changes = changes.sort_values(["device_id", "from_time"], kind="stable", ignore_index=True)
    return changes, pd.DataFrame(spans, columns=["feed", "from_time", "to_time"])


def segments(changes: pd.DataFrame, spans: pd.DataFrame, start: datetime, end: datetime,
             hourly: bool) -> pd.DataFrame:
    """Each device's [start, end) cut into (device, t, seconds, class) pieces, split at hours if ``hourly``."""
    t0, t1 = _secs([start])[0], _secs([end])[0]
    if changes.empty:
        return _frame(np.array([], dtype=object), t0, t1, *(np.array([], np.int64),) * 4)
    ids, dev = np.unique(changes["device_id"].to_numpy(str), return_inverse=True)
    feed_of = pd.Series(changes["feed"].to_numpy(), index=dev).groupby(level=0).last()  # the latest feed
    ev = [(dev, np.maximum(_secs(changes["from_time"]), t0), changes["status"].map(_CODE).to_numpy(), np.nan)]
    for feed, g in spans.groupby("feed"):
        on = np.flatnonzero(feed_of.to_numpy() == feed)
        a, b = np.maximum(_secs(g["from_time"]), t0), np.minimum(_secs(g["to_time"]), t1)
        for edge, flag in ((a, 1.0), (b, 0.0)):
            ev.append((np.repeat(on, len(edge)), np.tile(edge, len(on)), -1, flag))
    if hourly:
        hours = np.arange((t0 // 3600 + 1) * 3600, t1, 3600)
        ev.append((np.repeat(np.arange(len(ids)), len(hours)), np.tile(hours, len(ids)), -1, np.nan))
    ev.append((np.arange(len(ids)), np.full(len(ids), t0), -1, 0.0))  # uncovered until a span says so
    d = np.concatenate([np.broadcast_to(e[0], len(e[1])) for e in ev])
    t = np.concatenate([e[1] for e in ev])
    st = np.concatenate([np.broadcast_to(np.asarray(e[2], float), len(e[1])) for e in ev])
    cov = np.concatenate([np.broadcast_to(np.float64(e[3]), len(e[1])) for e in ev])
    first = np.zeros(len(t), np.int8)
    first[-len(ids):] = -1  # at one instant the initial "uncovered" comes before a span's start
    order = np.lexsort((first, t, d))
    d, t, st, cov = d[order], t[order], st[order], cov[order]
    status, covered = _carry(d, np.where(st >= 0, st, np.nan)), _carry(d, cov)
    nxt = np.append(t[1:], t1)
    nxt[np.flatnonzero(d[1:] != d[:-1])] = t1  # each device's last piece runs to the end
    cls = np.where((covered == 1) & ~np.isnan(status), np.nan_to_num(status, nan=NO_DATA), NO_DATA).astype(int)
    keep = (nxt > t) & (t < t1)
    return _frame(ids, t0, t1, d[keep], t[keep], (nxt - t)[keep], cls[keep])


def _frame(ids, t0, t1, dev, t, secs, cls) -> pd.DataFrame:
    """Segments: device index (into ``attrs["ids"]``), start, seconds, class; the window in ``attrs``."""
    out = pd.DataFrame({"dev": dev, "t": t, "secs": secs, "cls": cls})
    out.attrs.update(ids=ids, t0=t0, t1=t1)
    return out


def _carry(dev: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Forward-fill ``values`` (NaN = none) within each device's rows (sorted by device)."""
    idx = np.where(~np.isnan(values), np.arange(len(values)), -1)
    idx = np.maximum.accumulate(idx)
    ok = (idx >= 0) & (dev[np.maximum(idx, 0)] == dev)
    return np.where(ok, values[np.maximum(idx, 0)], np.nan)


def minutes(seg: pd.DataFrame, bucket: int = 3600) -> pd.DataFrame:
    """Segments (split at hours) -> one row per device per hour (``bucket`` 3600) or day (86400): minutes in
    each class, summed with one bincount over packed (device, bucket, class) keys."""
    ids, t0, t1 = seg.attrs["ids"], seg.attrs["t0"], seg.attrs["t1"]
    b0 = t0 // bucket * bucket
    nb, nc = max(int(-(-(t1 - b0) // bucket)), 0), len(CLASSES)
    key = (seg["dev"].to_numpy() * nb + (seg["t"].to_numpy() - b0) // bucket) * nc + seg["cls"].to_numpy()
    sums = np.bincount(key, weights=seg["secs"].to_numpy() / 60, minlength=len(ids) * nb * nc).reshape(-1, nc)
    out = pd.DataFrame(sums, columns=list(CLASSES))
    out.insert(0, "device_id", np.repeat(ids, nb))
    out.insert(1, "hour" if bucket == 3600 else "day",
               pd.to_datetime(np.tile(b0 + np.arange(nb, dtype=np.int64) * bucket, len(ids)), unit="s"))
    return out


def device_hours(conn: Connection, start: datetime, end: datetime) -> pd.DataFrame:
    """Minutes per class for every device with status history, per hour of [start, end) (whole hours)."""
    changes, spans = read_history(conn, start, end)
    return minutes(segments(changes, spans, start, end, hourly=True))


def inferred_sessions(seg: pd.DataFrame, end: datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(closed sessions, runs still open at ``end``) from unsplit or hourly segments, as device/start/end."""
    inuse = seg["cls"].to_numpy() == IN_USE
    dev = seg["dev"].to_numpy()
    first = inuse & ~np.r_[False, inuse[:-1] & (dev[1:] == dev[:-1])]
    run = np.cumsum(first)[inuse]
    t, stop = seg["t"].to_numpy()[inuse], (seg["t"] + seg["secs"]).to_numpy()[inuse]
    runs = pd.DataFrame({"dev": dev[inuse], "run": run, "s": t, "e": stop}).groupby("run").agg(
        dev=("dev", "first"), started_at=("s", "min"), ended_at=("e", "max"))
    runs.insert(0, "device_id", seg.attrs["ids"][runs.pop("dev").to_numpy()])
    for col in ("started_at", "ended_at"):
        runs[col] = pd.to_datetime(runs[col], unit="s")
    open_ = runs["ended_at"] >= pd.Timestamp(end)
    return runs[~open_].reset_index(drop=True), runs[open_].reset_index(drop=True)


def write_window(conn: Connection, start: datetime, end: datetime) -> datetime:
    """Rewrite status_daily for [start, end) and the status sessions starting in it; returns the settled point."""
    changes, spans = read_history(conn, start - SESSION_LOOKBACK, end)
    daily, closed, open_ = _derive(changes, spans, start, end)
    d = schema.status_daily
    conn.execute(d.delete().where(d.c.day >= start.date(), d.c.day < (end - timedelta(microseconds=1)).date()
                                  + timedelta(days=1)))
    store.bulk_insert(conn, d, daily.assign(day=daily["day"].dt.date))
    if len(daily):
        status_rollups.write_rollups(conn, daily["day"].min().date(), daily["day"].max().date())
    status_rollups.write_cumulative(conn, start.date())  # the running totals of those days and every later one
    _write_sessions(conn, closed, start, end)
    settled = min([end, *open_["started_at"].dt.to_pydatetime()])
    log.info("status: %d device-days, %d sessions for %s..%s; settled to %s", len(daily), len(closed), start, end,
             settled)
    return settled


def _derive(changes: pd.DataFrame, spans: pd.DataFrame, start: datetime, end: datetime) -> tuple:
    """(minutes per device per day, closed sessions starting in the window, open runs), device slice by slice
    (bounds the segments' memory: 40,000 devices x 24 hours)."""
    days, closed, open_ = [], [_no_runs()], [_no_runs()]
    for part in _by_devices(changes, CHUNK_DEVICES):
        days.append(minutes(segments(part, spans, start, end, hourly=True), bucket=86_400))
        c, o = inferred_sessions(segments(part, spans, start - SESSION_LOOKBACK, end, hourly=False), end)
        closed.append(c[c["started_at"] >= pd.Timestamp(start)])
        open_.append(o)
    days = days or [minutes(segments(changes, spans, start, end, hourly=True), bucket=86_400)]
    return tuple(pd.concat(x, ignore_index=True) for x in (days, closed, open_))


def _by_devices(changes: pd.DataFrame, n: int):
    """``changes`` (sorted by device) in slices of ``n`` devices."""
    ids = changes["device_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], int)
    for i in range(0, len(starts), n):
        yield changes.iloc[starts[i]:starts[i + n] if i + n < len(starts) else len(ids)]


def _no_runs() -> pd.DataFrame:
    return pd.DataFrame({"device_id": pd.Series([], dtype=object), "started_at": pd.Series([], dtype="datetime64[ns]"),
                         "ended_at": pd.Series([], dtype="datetime64[ns]")})


def _write_sessions(conn: Connection, sessions: pd.DataFrame, start: datetime, end: datetime) -> None:
    s = schema.sessions
    where = (s.c.source == "status", s.c.started_at >= start, s.c.started_at < end)
    if sessions.empty and not conn.execute(select(func.count()).where(*where)).scalar():
        return
    load = SessionsLoad(conn, start, end - timedelta(microseconds=1))
    conn.execute(s.delete().where(*where))
    load.existing()
    if len(sessions):
        load.add(sessions.assign(kwh=np.nan, source="status"))
    load.finish()


def derive(engine: Engine, now: datetime) -> datetime | None:
    """Derive from the last settled point to the last whole hour before ``now``, in one refresh."""
    end = pd.Timestamp(now).floor("h").to_pydatetime()
    with engine.connect() as conn:
        done = store._get_meta(conn, META_KEY)  # noqa: SLF001 - the store's own key/value table
        v = schema.status_coverage
        first = conn.execute(select(func.min(v.c.from_time))).scalar()
        f = schema.status_feeds
        cursors = [c for c in conn.execute(select(f.c.cursor)).scalars() if c is not None]
    if first is None:
        return None
    start = pd.Timestamp(done or first).floor("D").to_pydatetime()
    if end <= start:
        return None
    with refresh(engine, "status-derive", f"{start}..{end}") as run:
        settled = write_window(run.conn, start, end)
        live = [c for c in cursors if end - c < timedelta(days=1)]  # a live feed's tail may still be covered
        settled = min([settled, *(pd.Timestamp(c).floor("h").to_pydatetime() for c in live)])
        store._set_meta(run.conn, META_KEY, settled.isoformat())  # noqa: SLF001
        store.bump_data_version(run.conn, "status")
    return settled
