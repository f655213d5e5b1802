"""The scripted day's truth, computed minute by minute from the script alone (not from the watcher's code)."""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import select

from bench.ocpi_fake import Handler, Script, secs, serve
from data import schema
from data.loader import status_derive
from data.loader.watch import Watcher
from data.loader.watch_feeds import Feed
from tests.sources_util import load, new_store

FEED_TIMEOUT = 6.0  # s; the fake server's "timeout" fault answers after 6.3 s (a loaded machine took over 1 s)
CLASS = {"CHARGING": "in_use", "AVAILABLE": "available", "RESERVED": "reserved", "BLOCKED": "blocked",
         "INOPERATIVE": "not_working", "OUTOFORDER": "not_working", "UNKNOWN": "unknown"}
# Which polls fail, per feed: (hour, minute) -> fault. Feed "a" also publishes a location late (10:07).
FAULTS = {("a", 6, 0): "500", ("a", 8, 0): "timeout", ("a", 13, 0): "garbage", ("a", 16, 30): "html",
          ("b", 11, 0): "500", ("b", 14, 30): "garbage", ("b", 20, 0): "timeout"}


def feeds(base: str) -> list[Feed]:
    return [Feed(name, f"{base}/ocpi/{name}/locations", interval=900, timeout=FEED_TIMEOUT) for name in ("a", "b")]


def poll_times(script: Script) -> list[datetime]:
    return [script.day + timedelta(seconds=k * script.interval) for k in range(script.polls)]


def faults(script: Script) -> dict[tuple[str, datetime], str]:
    return {(f, script.day + timedelta(hours=h, minutes=m)): kind for (f, h, m), kind in FAULTS.items()}


def _good(script: Script, feed: str) -> np.ndarray:
    bad = faults(script)
    return np.array([(feed, t) not in bad for t in poll_times(script)])


def truth_minutes(script: Script) -> dict[str, np.ndarray]:
    """uid -> the class of each minute of the day ("no_data" outside coverage or before first seen)."""
    good = {f: _good(script, f) for f in ("a", "b")}
    per_poll = script.interval // 60
    out = {}
    for i, uid in enumerate(script.uid):
        g = good[script.feed[i]]
        covered = np.repeat(g[:-1] & g[1:], per_poll)
        known_from = _first_seen(script, i, g)
        mins = []
        for m in range(1440):
            t = secs(script.day) + 60 * m
            j = bisect.bisect_right(script.times[i], t) - 1
            ok = covered[m] and t >= known_from
            mins.append(CLASS[script.status[i][j]] if ok else "no_data")
        out[uid] = np.array(mins)
    return out


def _first_seen(script: Script, i: int, good: np.ndarray) -> int:
    """When the watcher first knows EVSE i: a late location's EVSEs from the cursor of the poll that saw it
    (or their last change, if later)."""
    if script.published[script.loc[i]] <= secs(script.day):
        return secs(script.day)
    polls = [secs(t) for t in poll_times(script)]
    k = next(k for k, p in enumerate(polls) if p >= script.published[script.loc[i]] and good[k])
    cursor = max(p for p, ok in zip(polls[:k], good[:k], strict=True) if ok)
    j = bisect.bisect_right(script.times[i], polls[k]) - 1
    return max(cursor, script.times[i][j])


def truth_hours(truth: dict[str, np.ndarray], day: datetime) -> pd.DataFrame:
    classes = ("in_use", "available", "reserved", "blocked", "not_working", "unknown", "off", "no_data")
    rows = []
    for uid, mins in truth.items():
        for h in range(24):
            part = mins[h * 60:(h + 1) * 60]
            rows.append({"device_id": uid, "hour": day + timedelta(hours=h),
                         **{c: float((part == c).sum()) for c in classes}})
    return pd.DataFrame(rows).sort_values(["device_id", "hour"]).reset_index(drop=True)


def truth_sessions(truth: dict[str, np.ndarray], day: datetime) -> list[tuple[str, datetime, datetime]]:
    """Every closed run of in-use minutes (a run reaching the end of the day is still open)."""
    out = []
    for uid, mins in truth.items():
        inuse = np.r_[False, mins == "in_use", False].astype(int)
        edges = np.flatnonzero(np.diff(inuse))
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            if b < 1440:
                out.append((uid, day + timedelta(minutes=int(a)), day + timedelta(minutes=int(b))))
    return sorted(out)


def london_store(url: str, shared_data, request=None):
    """A migrated store with the real borough boundaries; disposed at the test's end (before PostgreSQL's
    database is dropped) when given the test's ``request``."""
    engine = new_store(url)
    if request is not None:
        request.addfinalizer(engine.dispose)
    load(engine, "boundaries", shared_data / "london_boroughs_simplified.geojson")
    return engine


def run_day(engine, script, base, polls=None, derive_hours=(6, 12, 18, 24)):
    """Poll the scripted day (or the given poll indexes) in virtual time, deriving at the given hours."""
    watcher = Watcher(engine, feeds(base))
    for k, t in enumerate(poll_times(script)):
        if polls is not None and k not in polls:
            continue
        Handler.now = secs(t)
        watcher.clock = lambda t=t: t
        watcher.poll_all(t)
        if (t - script.day) / timedelta(hours=1) in derive_hours:
            status_derive.derive(engine, t)
    return watcher


def history(engine) -> list[tuple]:
    c = schema.status_changes
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(c).order_by(c.c.device_id, c.c.from_time))]


def filled_store(url: str, shared_data, script: Script, request, page: int = 40):
    """A store the watcher filled from the scripted day behind the fake server, with its faults."""
    httpd, base = serve(script, page=page)
    Handler.faults = faults(script)
    engine = london_store(url, shared_data, request)
    run_day(engine, script, base)
    httpd.shutdown()
    httpd.server_close()
    return engine
