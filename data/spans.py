"""What the store's data covers (``data_spans``, written by the loader) and what the page makes of it.

``spans(bind)`` reads the table; everything else here is pure, taking that frame:

* ``bounds(spans)``: the first and last day any loaded data describes (the date picker's limits);
* ``default_period(spans, page_kind)``: the most recent year of the data the page is about, inside those
  bounds, never ending at today unless the data does;
* ``clamp_period(spans, start, end)``: a requested period (a shared link) kept as asked when the data
  covers it, else cut to the bounds;
* ``provenance(spans)`` / ``loaded_text(spans)``: the sources with the data's own dates, and separately
  when they were loaded, for the header, captions and exports.

Kinds: ``devices``, ``official_counts``, ``sessions``, ``population``, ``plugin_vehicles``, ``boundaries``
and ``status`` (live status, when a status source is loaded).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection, Engine

from data import schema

COLUMNS = ["kind", "source", "data_date", "span_start", "span_end", "rows", "loaded_at", "run_id"]
KINDS = ("devices", "official_counts", "sessions", "population", "plugin_vehicles", "status", "boundaries")
# What a page is about -> the kinds whose latest year it opens on, first match wins.
PAGE_KINDS = {"usage": ("sessions",), "sessions": ("sessions",), "devices": ("devices", "official_counts"),
              "official": ("official_counts", "devices"), "official_counts": ("official_counts", "devices"),
              "status": ("status", "devices")}
SEP = " · "


def spans(bind: Engine | Connection) -> pd.DataFrame:
    """Every span row (dates as ``datetime.date``, ``loaded_at`` as a naive UTC timestamp), kinds in KINDS order."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return spans(conn)
    if not inspect(bind).has_table(schema.data_spans.name):
        return pd.DataFrame(columns=COLUMNS)  # a store not migrated since spans existed
    t = schema.data_spans
    rows = bind.execute(select(*(t.c[c] for c in COLUMNS))).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=COLUMNS)
    for col in ("data_date", "span_start", "span_end"):
        frame[col] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[col]]
    frame["loaded_at"] = pd.to_datetime(frame["loaded_at"])
    order = {k: i for i, k in enumerate(KINDS)}
    frame["_o"] = frame["kind"].map(order).fillna(len(KINDS))
    return frame.sort_values(["_o", "source"]).drop(columns="_o").reset_index(drop=True)


def _dated(frame: pd.DataFrame, kinds=None) -> pd.DataFrame:
    if kinds is not None:
        frame = frame[frame["kind"].isin(kinds)]
    return frame[frame["span_end"].notna() & (frame["rows"] > 0)]


def bounds(frame: pd.DataFrame) -> tuple[date, date] | None:
    """First and last day described by any loaded data (the union of the spans), or None when none is dated."""
    dated = _dated(frame)
    if dated.empty:
        return None
    starts = [d for d in dated["span_start"] if d is not None]
    return min(starts) if starts else min(dated["span_end"]), max(dated["span_end"])


def default_period(frame: pd.DataFrame, page_kind: str) -> tuple[date, date] | None:
    """The most recent year (365 days) of the data ``page_kind`` is about (see PAGE_KINDS), shorter when that
    data covers less. With none of that data loaded, the most recent year of all the data; None on a store
    with no dated data."""
    if bounds(frame) is None:
        return None
    about = next((d for k in PAGE_KINDS.get(page_kind, (page_kind,)) if not (d := _dated(frame, [k])).empty),
                 _dated(frame))
    first, end = bounds(about)
    return max(end - timedelta(days=364), first), end


def clamp_period(frame: pd.DataFrame, start: date, end: date) -> tuple[date, date] | None:
    """``start``..``end`` cut to the data's bounds (kept as asked when inside them); None with no dated data."""
    limits = bounds(frame)
    if limits is None:
        return None
    lo, hi = max(start, limits[0]), min(end, limits[1])
    return (lo, hi) if lo <= hi else limits


def _month(d: date) -> str:
    return d.strftime("%b %Y")


def label(row) -> str | None:
    """One span as the provenance phrase for its kind and source, with the data's own date."""
    kind, source, when = row["kind"], row["source"], row["data_date"]
    if when is None:
        return None
    if kind == "devices":
        name = {"ncr": "registry snapshot", "ocpi-locations": "OCPI locations", "demo": "demo devices"}
        return f"{name.get(source, source + ' devices')} {when.day} {when.strftime('%b %Y')}"
    if kind == "official_counts":
        return f"DfT EV charging statistics, {_month(when)}"
    if kind == "population":
        return f"ONS mid-{when.year} population" if source != "demo" else f"demo population (mid-{when.year})"
    if kind == "plugin_vehicles":
        return f"DfT plug-in vehicle licensing, {when.year} Q{(when.month - 1) // 3 + 1}"
    if kind == "sessions":
        start = row["span_start"]
        what = "demo sessions" if source == "demo" else f"sessions ({source})"
        return f"{what} {_month(start)} to {_month(when)}" if start and _month(start) != _month(when) \
            else f"{what} {_month(when)}"
    if kind == "status":
        return f"live status {when.day} {when.strftime('%b %Y')}"
    return None  # boundaries: no date of their own worth naming


def provenance(frame: pd.DataFrame, kinds=None) -> str:
    """'DfT EV charging statistics, Oct 2025 · ONS mid-2023 population · registry snapshot 20 Nov 2020'."""
    rows = frame if kinds is None else frame[frame["kind"].isin(kinds)]
    rows = rows[rows["rows"] > 0]
    return SEP.join(p for p in (label(r) for _, r in rows.iterrows()) if p)


def loaded_text(frame: pd.DataFrame, kinds=None) -> str:
    """'loaded 2 Dec 2026': when the newest of these data was loaded ('' when none is)."""
    rows = frame if kinds is None else frame[frame["kind"].isin(kinds)]
    if rows.empty or rows["loaded_at"].isna().all():
        return ""
    when = rows["loaded_at"].max()
    return f"loaded {when.day} {when.strftime('%b %Y')}"


def kinds_loaded(frame: pd.DataFrame) -> set[str]:
    """The kinds of data the store holds rows of (what metrics and denominators may be offered from)."""
    return set(frame.loc[frame["rows"] > 0, "kind"])


def _json(col: str, value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if col == "loaded_at":
        return pd.Timestamp(value).isoformat(sep=" ", timespec="seconds")
    if col in ("data_date", "span_start", "span_end"):
        return value.isoformat()
    return int(value) if col in ("rows", "run_id") else value


def as_records(frame: pd.DataFrame) -> list[dict]:
    """The spans as JSON-ready dicts (ISO dates), for ``status --json``."""
    return [{c: _json(c, r[c]) for c in COLUMNS} for _, r in frame.iterrows()]
