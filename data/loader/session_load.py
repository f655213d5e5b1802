"""Sessions into the store with their rollups built in the same pass, inside the caller's refresh.

The path the session adapters and ``bench.ingest`` share. A load covers the calendar months its
sessions start in ([m0, m1)). Each chunk is bulk-inserted and folded into a rollup ``Accumulator``
while it is still in memory; sessions already stored in those months are read back once (only those
months, not the whole store). ``finish`` then writes the rollups exactly as ``rollups.rebuild`` would:

* nothing stored outside [m0, m1): the accumulator has seen every session, so it replaces the rollups;
* otherwise, if the sessions' span (what bounds ``rollup_daily``) did not change: only the rollup rows
  of those months are deleted and rewritten;
* otherwise (the load moved the span): a full ``rollups.rebuild``, correct but slow.

For a big load the unique (device, start) index is dropped and built once at the end (far faster than
maintaining it row by row); a duplicate then fails the index build and so the whole refresh.
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import exists, func, or_, select
from sqlalchemy.engine import Connection

from data import schema
from data.loader import rollups, store

log = logging.getLogger(__name__)

DROP_INDEX_ROWS = 200_000  # below this, keeping the index is cheaper than rebuilding it


def _month(ts: pd.Timestamp, ahead: int = 0) -> date:
    return (ts.to_period("M") + ahead).to_timestamp().date()


def sessions_span(conn: Connection) -> tuple | None:
    """First and last start of the sessions the rollups count (devices with a borough): rebuild's window."""
    s, d = schema.sessions, schema.devices
    lo, hi = conn.execute(select(func.min(s.c.started_at), func.max(s.c.started_at))
                          .select_from(s.join(d, d.c.device_id == s.c.device_id))
                          .where(d.c.gss_code.is_not(None))).one()
    return None if lo is None else (pd.Timestamp(lo).date(), pd.Timestamp(hi).date())


class SessionsLoad:
    """One load of sessions starting in [first, last]; call ``existing`` after deleting what it replaces."""

    def __init__(self, conn: Connection, first: datetime, last: datetime, rows_expected: int = 0):
        self.conn = conn
        self.m0, self.m1 = _month(pd.Timestamp(first)), _month(pd.Timestamp(last), 1)
        self.old_span = sessions_span(conn)
        self.acc = rollups.Accumulator(conn)
        self.rows = 0
        self.index = None
        if rows_expected >= DROP_INDEX_ROWS and rows_expected >= store.table_count(conn, schema.sessions):
            self.index = next(i for i in schema.sessions.indexes if i.name == "ux_sessions_device_start")
            self.index.drop(bind=conn)

    def existing(self) -> int:
        """Fold in the sessions already stored in the load's months (call after the caller's delete)."""
        n = 0
        for chunk in rollups.scan_sessions(self.conn, start=self.m0, end=self.m1):
            self.acc.add(chunk)
            n += len(chunk)
        return n

    def add(self, frame: pd.DataFrame) -> int:
        """Insert one chunk (sessions columns; all starting in [first, last]) and fold it into the rollups."""
        n = store.bulk_insert(self.conn, schema.sessions, frame)
        self.acc.add(frame)
        self.rows += n
        return n

    def _stored_outside(self) -> bool:
        s = schema.sessions
        where = or_(s.c.started_at < datetime.combine(self.m0, datetime.min.time()),
                    s.c.started_at >= datetime.combine(self.m1, datetime.min.time()))
        return bool(self.conn.execute(select(exists().where(where))).scalar())

    def finish(self) -> dict[str, int]:
        """Build the dropped index, then write the rollups (see the module docstring for which way)."""
        t0 = time.perf_counter()
        if self.index is not None:
            self.index.create(bind=self.conn)
            log.info("sessions: unique index built in %.1f s", time.perf_counter() - t0)
        if not self._stored_outside():
            return self.acc.write(self.conn)
        span = sessions_span(self.conn)
        if span == self.old_span and span is not None:
            start, end = max(self.m0, span[0]), min(self.m1 - timedelta(days=1), span[1])
            if start <= end:
                return self.acc.write(self.conn, start, end, months=(self.m0, self.m1))
        log.info("sessions: the load moved the sessions' span %s -> %s: full rollup rebuild", self.old_span, span)
        return rollups.rebuild(self.conn)
