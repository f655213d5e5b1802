"""What the session adapters (sessions-csv, ocpi-cdrs) share: row checks and the idempotent write."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from data import schema
from data.loader import rollups
from data.loader.session_load import SessionsLoad
from data.loader.sources.base import Parsed
from data.loader.sources.staging import Staged
from data.loader.sources.tabular import Seen

MAX_KWH = 500.0  # more than any one session can draw (350 kW for well over an hour)
MAX_HOURS = 7 * 24.0  # a plug-in longer than a week is a lost end time, not a session
COLUMNS = ["device_id", "started_at", "ended_at", "kwh"]


def known_devices(context) -> set[str] | None:
    """Device ids in the store (a ready set passes through; None means do not check)."""
    if context is None or isinstance(context, (set, frozenset)):
        return context
    d = schema.devices
    return {row[0] for row in context.execute(select(d.c.device_id))}


def check(parsed: Parsed, frame: pd.DataFrame, raw, devices: set[str] | None, seen: Seen | None = None
          ) -> pd.DataFrame:
    """Quarantine bad sessions (dates, kWh, order, duplicates, unknown devices); return the rest. ``seen``: the
    keys of a file's earlier chunks, so a duplicate of a row in another chunk is found (None: one frame)."""
    start, end, kwh = frame["started_at"], frame["ended_at"], frame["kwh"]
    hours = (end - start).dt.total_seconds() / 3600
    rules = [
        (frame["device_id"].fillna("").eq(""), "missing device id"),
        (start.isna(), "start is not a date (e.g. 0000-00-00 or blank)"),
        (end.isna(), "end is not a date (e.g. 0000-00-00, blank or still charging)"),
        (hours < 0, "end before start"),
        (hours > MAX_HOURS, f"plugged in for more than {MAX_HOURS:g} hours"),
        (kwh.isna(), "kWh missing or not a number"),
        (kwh < 0, "negative kWh"),
        (kwh > MAX_KWH, f"absurd kWh: over {MAX_KWH:g} in one session"),
    ]
    reason = pd.Series(None, index=frame.index, dtype=object)
    for mask, text in rules:
        reason[mask.fillna(False) & reason.isna()] = text
    keys = frame[["device_id", "started_at"]]
    # only rows with a device and a start can be the first of a later duplicate (the rest already have a reason)
    dup = reason.isna() & (keys.duplicated().to_numpy() if seen is None else
                           seen.repeated(keys, frame["device_id"].fillna("").ne("") & start.notna()))
    reason[dup] = "duplicate session: same device and start"
    if devices is not None:
        unknown = reason.isna() & ~frame["device_id"].isin(devices)
        reason[unknown] = "session of an unknown device: " + frame.loc[unknown, "device_id"].astype(str)
    bad = reason.dropna()
    for idx, row, why in zip(bad.index, frame.loc[bad.index, "_row"], bad, strict=True):
        parsed.bad(int(row), raw(idx), why)
    return frame.loc[reason.isna(), COLUMNS].reset_index(drop=True)


class SessionsSink:
    """A file's good sessions as its chunks are checked: staged (``Staged``), with their devices and time span
    kept for the write (devices: at most the store's, since sessions of unknown devices are bad rows)."""

    def __init__(self, conn: Connection | None):
        self.staged = Staged(schema.sessions, COLUMNS, conn)
        self.devices: set[str] = set()
        self.lo = self.hi = None

    def add(self, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        self.staged.add(frame)
        self.devices.update(frame["device_id"].unique())
        lo, hi = frame["started_at"].min(), frame["started_at"].max()
        self.lo = lo if self.lo is None else min(lo, self.lo)
        self.hi = hi if self.hi is None else max(hi, self.hi)

    def __len__(self) -> int:
        return len(self.staged)


def write_sessions(conn: Connection, parsed: Parsed) -> None:
    """Replace the store's sessions of these devices over this file's time span, insert, update rollups.
    ``parsed.tables["sessions"]``: a frame, or a ``SessionsSink`` whose rows were staged chunk by chunk."""
    sink = parsed.tables["sessions"]
    if not isinstance(sink, SessionsSink):
        frame, sink = sink, SessionsSink(None)
        sink.add(frame)
    if not len(sink):
        rollups.rebuild(conn)  # as the runner would: the rollups' day window may depend on nothing else
        return
    s = schema.sessions
    lo, hi = sink.lo.to_pydatetime(), sink.hi.to_pydatetime()
    load = SessionsLoad(conn, lo, hi, rows_expected=len(sink))
    ids = sorted(sink.devices)
    for start in range(0, len(ids), 5000):  # within SQLite's bound-variable limit
        conn.execute(s.delete().where(s.c.device_id.in_(ids[start:start + 5000]),
                                      s.c.started_at >= lo, s.c.started_at <= hi))
    load.existing()
    for chunk in sink.staged.chunks():
        load.add(chunk.assign(source=parsed.source))
    sink.staged.drop()
    load.finish()
