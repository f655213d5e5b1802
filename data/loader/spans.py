"""Write ``data_spans``: per kind of data and source, the dates the store's data covers and its own date.

Called inside a run's write transaction (``runner.run_source``, the demo), after the data is written, so
the spans commit or roll back with it. Each kind is measured from what the store now holds, not from the
file alone: a second registry file, a ``--replace`` or a demo that clears devices all leave the right rows.
Only the running source's row takes this run's id and time; other sources' rows of the same kind keep
theirs (their span and rows are re-measured: a boundary reload changes which devices are London's).

Data dates (what the data says about itself, never the day it was loaded):
  devices          the registry snapshot's date (``ncr --as-of``, else the newest dateUpdated/dateCreated in
                   the file); a source that gives none: the newest install date, else the load's day
  official_counts  the latest quarter (DfT counts devices as at the quarter's first day)
  sessions         the last day a session starts
  population       the mid-year (30 June) of the latest year
  plugin_vehicles  the end of the latest quarter (licensed vehicles at the quarter's end)
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from data import schema

log = logging.getLogger(__name__)

# The kinds each loader source changes (a boundary load moves devices in and out of London). A new kind (live
# status) adds its source here and a function to _MEASURE returning (span_start, span_end, rows, data_date).
KINDS_BY_SOURCE = {
    "boundaries": ("boundaries", "devices"),
    "ncr": ("devices",), "ocpi-locations": ("devices",),
    "dft-devices": ("official_counts",),
    "population": ("population",), "plugin-vehicles": ("plugin_vehicles",),
    "sessions-csv": ("sessions",), "ocpi-cdrs": ("sessions",),
    "demo": ("devices", "sessions"),
}
_PER_SOURCE = ("devices", "sessions")  # one row per source column value; other kinds: one row per kind
_TABLE_SOURCE = {"official_counts": "dft-devices", "population": "population",
                 "plugin_vehicles": "plugin-vehicles", "boundaries": "boundaries"}


def _day(value) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _devices(conn: Connection) -> dict[str, tuple]:
    d = schema.devices.c
    rows = conn.execute(select(d.source, func.min(d.installed_on), func.max(d.installed_on), func.count())
                        .where(d.gss_code.is_not(None)).group_by(d.source)).all()
    return {src or "unknown": (_day(lo), _day(hi), n, _day(hi)) for src, lo, hi, n in rows}


def _sessions(conn: Connection) -> dict[str, tuple]:
    s = schema.sessions.c
    rows = conn.execute(select(s.source, func.min(s.started_at), func.max(s.started_at), func.count())
                        .group_by(s.source)).all()
    return {src or "unknown": (_day(lo), _day(hi), n, _day(hi)) for src, lo, hi, n in rows}


def _official(conn: Connection) -> tuple | None:
    o = schema.official_device_stats.c
    lo, hi, n = conn.execute(select(func.min(o.quarter), func.max(o.quarter), func.count())).one()
    return None if not n else (_day(lo), _day(hi), n, _day(hi))


def _denominator(conn: Connection, measure: str) -> tuple | None:
    d = schema.borough_denominators.c
    lo, hi, n = conn.execute(select(func.min(d.period), func.max(d.period), func.count())
                             .where(d.measure == measure)).one()
    if not n:
        return None
    lo, hi = _day(lo), _day(hi)
    if measure == "population":  # a year's estimate, dated at its mid-year
        return date(lo.year, 1, 1), date(hi.year, 12, 31), n, date(hi.year, 6, 30)
    end = (pd.Timestamp(hi) + pd.offsets.QuarterEnd(0)).date()  # quarterly: to the end of the last quarter
    return lo, end, n, end


def _boundaries(conn: Connection) -> tuple | None:
    b = schema.boroughs.c
    n = conn.execute(select(func.count()).where(b.geometry.is_not(None))).scalar()
    return (None, None, n, None) if n else None


_MEASURE = {"devices": _devices, "sessions": _sessions, "official_counts": _official,
            "population": lambda c: _denominator(c, "population"),
            "plugin_vehicles": lambda c: _denominator(c, "plugin_vehicles"), "boundaries": _boundaries}


def _old(conn: Connection, kind: str) -> dict[str, dict]:
    t = schema.data_spans
    return {r["source"]: dict(r) for r in conn.execute(select(t).where(t.c.kind == kind)).mappings()}


def record(conn: Connection, run_id: int | None, source: str, data_date: date | None = None,
           replace: bool = False, kinds: tuple[str, ...] | None = None, measured: dict | None = None) -> list[dict]:
    """Re-measure the kinds ``source`` changes and rewrite their rows; returns the rows written.

    ``data_date`` is the file's own date when it states one (a registry snapshot); a second file of the same
    source keeps the newer of the two dates unless ``replace`` (the file is the whole snapshot). ``measured``:
    kind -> {source: (start, end, rows, date)} a caller already knows (the demo's sessions: no table scan).
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    t = schema.data_spans
    written = []
    for kind in kinds or KINDS_BY_SOURCE.get(source, ()):
        found = (measured or {}).get(kind)
        found = _MEASURE[kind](conn) if found is None else found
        if kind not in _PER_SOURCE:
            found = {} if found is None else {source: found}
        old = _old(conn, kind)
        conn.execute(t.delete().where(t.c.kind == kind))
        for src, (start, end, rows, fallback) in found.items():
            prev = old.get(src, {})
            mine = src == source or kind not in _PER_SOURCE
            own = data_date if mine and kind == "devices" else None
            if own is not None and prev.get("data_date") and not replace:
                own = max(own, prev["data_date"])
            when = own or (prev.get("data_date") if kind == "devices" else None) or fallback
            if kind == "devices":
                when = when or now.date()  # no date in the source at all: a live feed, as of its fetch
                end = max(end, when) if end else when  # a snapshot covers the days up to its date
            row = {"kind": kind, "source": src, "data_date": when, "span_start": start, "span_end": end,
                   "rows": int(rows), "loaded_at": now if mine or not prev else prev["loaded_at"],
                   "run_id": run_id if mine or not prev else prev["run_id"]}
            conn.execute(t.insert().values(**row))
            written.append(row)
    log.info("data spans: %s", "; ".join(f"{r['kind']}/{r['source']} {r['span_start']}..{r['span_end']} "
                                         f"as of {r['data_date']} ({r['rows']} rows)" for r in written))
    return written


def backfill(conn: Connection) -> list[dict]:
    """Spans for a store loaded before ``data_spans`` existed: every kind that holds data gets its row."""
    written = []
    for kind in _MEASURE:
        if _old(conn, kind):
            continue
        measured = _MEASURE[kind](conn)
        if kind in _PER_SOURCE:
            for src in measured or {}:
                written += record(conn, None, src, kinds=(kind,))
                break  # record() re-measures every source of the kind at once
        elif measured is not None:
            written += record(conn, None, _TABLE_SOURCE[kind], kinds=(kind,))
    return written
