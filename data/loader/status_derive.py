"""From status history to minutes per device per hour, inferred sessions and their rollups.

Every device's time is split into the classes of ``schema.STATUS_MINUTES``: in use (CHARGING), available,
reserved, blocked, not working (INOPERATIVE, OUTOFORDER), unknown, off (PLANNED, REMOVED) and no data
(outside its feed's coverage: before the first poll, across a failed poll, after the last good one, or
before the device's first status). PCPR 2023 reg 7: working = in use + available + reserved; ineligible =
blocked + unknown; reliability = working / (working + not working).

Each maximal run of "in use" is an inferred session (source "status", kWh NULL: not known). A run still
going at the end of the window is left for a later derivation, which starts no later than its start.

``derive`` (the watcher, once an hour, or ``python -m data.loader derive-status``) rewrites the window
from the last settled point to the last whole hour, in one refresh: ``status_daily``, the status sessions
and the session rollups (through ``SessionsLoad``, as the session adapters do).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection, Engine

from data import schema
from data.loader import store
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


def _secs(ts) -> np.ndarray:
    return pd.to_datetime(pd.Series(ts), format="mixed").to_numpy("datetime64[s]").view(np.int64)


def read_history(conn: Connection, start: datetime, end: datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Changes from start to end plus each device's last one before start; every coverage span in the window."""
    c, v = schema.status_changes, schema.status_coverage
    before = (select(c.c.device_id, func.max(c.c.from_time).label("t")).where(c.c.from_time < start)
              .group_by(c.c.device_id).subquery())
    cols = (c.c.device_id, c.c.from_time, c.c.status, c.c.feed)
    rows = conn.execute(select(*cols).join(before, and_(before.c.device_id == c.c.device_id,
                                                        before.c.t == c.c.from_time))).all()
    rows += conn.execute(select(*cols).where(c.c.from_time >= start, c.c.from_time < end)).all()
    changes = pd.DataFrame(rows, columns=["device_id", "from_time", "status", "feed"])
    spans = pd.DataFrame(conn.execute(select(v.c.feed, v.c.from_time, v.c.to_time)
                                      .where(v.c.to_time > start, v.c.from_time < end)).all(),
                         columns=["feed", "from_time", "to_time"])
    return changes, spans


def segments(changes: pd.DataFrame, spans: pd.DataFrame, start: datetime, end: datetime,
             hourly: bool) -> pd.DataFrame:
    """Each device's [start, end) cut into (device, t, seconds, class) pieces, split at hours if ``hourly``."""
    if changes.empty:
        return pd.DataFrame({"device_id": [], "t": [], "secs": [], "cls": []})
    t0, t1 = _secs([start])[0], _secs([end])[0]
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
    return pd.DataFrame({"device_id": ids[d[keep]], "t": t[keep], "secs": (nxt - t)[keep], "cls": cls[keep]})


def _carry(dev: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Forward-fill ``values`` (NaN = none) within each device's rows (sorted by device)."""
    idx = np.where(~np.isnan(values), np.arange(len(values)), -1)
    idx = np.maximum.accumulate(idx)
    ok = (idx >= 0) & (dev[np.maximum(idx, 0)] == dev)
    return np.where(ok, values[np.maximum(idx, 0)], np.nan)


def hourly_minutes(seg: pd.DataFrame) -> pd.DataFrame:
    """Hourly segments -> one row per device and hour: minutes in each class."""
    hour = seg["t"].to_numpy(np.int64) // 3600 * 3600
    out = (pd.DataFrame({"device_id": seg["device_id"], "hour": hour, "cls": seg["cls"], "min": seg["secs"] / 60})
           .pivot_table(index=["device_id", "hour"], columns="cls", values="min", aggfunc="sum", fill_value=0.0))
    out = out.reindex(columns=range(len(CLASSES)), fill_value=0.0)
    out.columns = list(CLASSES)
    out = out.reset_index()
    out["hour"] = pd.to_datetime(out["hour"], unit="s")
    return out


def device_hours(conn: Connection, start: datetime, end: datetime) -> pd.DataFrame:
    """Minutes per class for every device with status history, per hour of [start, end) (whole hours)."""
    changes, spans = read_history(conn, start, end)
    return hourly_minutes(segments(changes, spans, start, end, hourly=True))


def inferred_sessions(seg: pd.DataFrame, end: datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(closed sessions, runs still open at ``end``) from unsplit or hourly segments, as device/start/end."""
    inuse = seg["cls"].to_numpy() == IN_USE
    dev = seg["device_id"].to_numpy()
    first = inuse & ~np.r_[False, inuse[:-1] & (dev[1:] == dev[:-1])]
    run = np.cumsum(first)[inuse]
    t, stop = seg["t"].to_numpy()[inuse], (seg["t"] + seg["secs"]).to_numpy()[inuse]
    runs = pd.DataFrame({"device_id": dev[inuse], "run": run, "s": t, "e": stop}).groupby("run").agg(
        device_id=("device_id", "first"), started_at=("s", "min"), ended_at=("e", "max"))
    for col in ("started_at", "ended_at"):
        runs[col] = pd.to_datetime(runs[col], unit="s")
    open_ = runs["ended_at"] >= pd.Timestamp(end)
    return runs[~open_].reset_index(drop=True), runs[open_].reset_index(drop=True)


def write_window(conn: Connection, start: datetime, end: datetime) -> datetime:
    """Rewrite status_daily for [start, end) and the status sessions starting in it; returns the settled point."""
    changes, spans = read_history(conn, start - SESSION_LOOKBACK, end)
    hourly = hourly_minutes(segments(changes, spans, start, end, hourly=True))
    daily = hourly.assign(day=hourly["hour"].dt.normalize()).groupby(["day", "device_id"], as_index=False)[
        list(CLASSES)].sum()
    d = schema.status_daily
    conn.execute(d.delete().where(d.c.day >= start.date(), d.c.day < (end - timedelta(microseconds=1)).date()
                                  + timedelta(days=1)))
    store.bulk_insert(conn, d, daily.assign(day=daily["day"].dt.date))
    closed, open_ = inferred_sessions(segments(changes, spans, start - SESSION_LOOKBACK, end, hourly=False), end)
    closed = closed[closed["started_at"] >= pd.Timestamp(start)]
    _write_sessions(conn, closed, start, end)
    settled = min([end, *open_["started_at"].dt.to_pydatetime()])
    log.info("status: %d device-days, %d sessions for %s..%s; settled to %s", len(daily), len(closed), start, end,
             settled)
    return settled


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
