"""`sessions-csv`: operator session exports (OZEV, Scottish councils, ACN-Data presets; --map)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Connection

from data.loader.sources import tabular
from data.loader.sources.base import Parsed, SourceError, option_parser, parse_options
from data.loader.sources.clock import session_times
from data.loader.sources.fetch import open_text
from data.loader.sources.runner import run_source
from data.loader.sources.sessions import SessionsSink, check, known_devices, write_sessions
from data.loader.sources.tabular import ROW, Seen, column, csv_chunks, numbers, raw_rows

SOURCE = "sessions-csv"
FIELDS = ("device", "start", "end", "kwh", "start_date", "start_time", "end_date", "end_time")
# Each preset lists, per field, the column names it is known by; a date+time pair may replace start/end.
PRESETS = {
    "ozev": {"device": ("CPID",), "start_date": ("StartDate",), "start_time": ("StartTime",),
             "end_date": ("EndDate",), "end_time": ("EndTime",), "kwh": ("Energy",)},
    "scottish": {"device": ("CP ID", "CPID", "Charge Point ID"), "start": ("Start", "Start DateTime"),
                 "end": ("End", "End DateTime"), "start_date": ("Start Date",),
                 "start_time": ("Start Time",), "end_date": ("End Date",), "end_time": ("End Time",),
                 "kwh": ("Consum(kWh)", "Total kWh", "Energy (kWh)", "kWh")},
    "acn": {"device": ("station_id", "stationID"), "start": ("connection_time_utc", "connectionTime"),
            "end": ("disconnect_time_utc", "disconnectTime"), "kwh": ("kwh_delivered", "kWhDelivered")},
}
MONTHLY = {"month", "sessions", "kwh"}


def _parser():
    p = option_parser(SOURCE)
    p.add_argument("--preset", choices=sorted(PRESETS), help="the export's format (default: detected)")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                   help=f"use COLUMN for FIELD (one of {', '.join(FIELDS)}); repeatable")
    p.add_argument("--timezone", default="Europe/London", help="zone of times given without one")
    p.add_argument("--month-first", action="store_true", help="dates like 05/01/2021 are month first")
    return p


def resolve(frame: pd.DataFrame, opts) -> dict[str, str]:
    """Field -> column from --map, the chosen preset, or the first preset that fits."""
    mapping = {}
    for item in opts.map:
        col, _, field = item.partition("=")
        if field not in FIELDS or column(frame, col) is None:
            raise SourceError(f"--map {item}: expected COLUMN=FIELD with an existing column and FIELD in "
                              f"{', '.join(FIELDS)}")
        mapping[field] = column(frame, col)
    presets = [opts.preset] if opts.preset else list(PRESETS)
    for name in presets:
        found = {f: column(frame, *cands) for f, cands in PRESETS[name].items()}
        found = {f: c for f, c in found.items() if c} | mapping
        if _complete(found):
            return found
    if _complete(mapping):
        return mapping
    names = {c.strip().lower() for c in frame.columns}
    if MONTHLY <= names:
        raise SourceError("this is a monthly per-charge-point summary (month, sessions, kwh), not one row "
                          "per charging session: sessions-csv needs each session's device, start, end "
                          "and kWh")
    raise SourceError("not a sessions export: expected a device id, start and end times and kWh per "
                      f"row (presets {', '.join(PRESETS)} or --map COLUMN=FIELD); found "
                      f"{', '.join(c for c in frame.columns if c != ROW)[:200]}")


def _complete(found: dict) -> bool:
    has = set(found)
    return {"device", "kwh"} <= has and all(
        f in has or {f"{f}_date", f"{f}_time"} <= has for f in ("start", "end"))


def _text(raw: pd.DataFrame, cols: dict, which: str) -> pd.Series:
    if which in cols:
        return raw[cols[which]]
    return raw[cols[f"{which}_date"]].str.strip() + " " + raw[cols[f"{which}_time"]].str.strip()


def parse(location: str, opts, context: Connection | set | None = None, chunk_rows: int | None = None) -> Parsed:
    """Session CSV -> sessions rows; bad rows quarantined with their spreadsheet row number. Read, checked and
    staged ``chunk_rows`` rows (default ``tabular.CHUNK_ROWS``) at a time (into the refresh's transaction when ``context`` is its connection),
    so memory does not grow with the file; the result is the same as one frame's (duplicates across chunks
    included)."""
    parsed = Parsed(SOURCE, location)
    devices = known_devices(context)
    sink = SessionsSink(context if isinstance(context, Connection) else None)
    pairs, dups = Seen(), Seen()
    with open_text(location, opts.timeout) as stream:
        cols = None
        for raw in csv_chunks(stream, parsed, chunk_rows or tabular.CHUNK_ROWS):
            cols = cols or resolve(raw, opts)
            device = raw[cols["device"]].str.strip()
            start, end = session_times(device, _text(raw, cols, "start"), _text(raw, cols, "end"), opts.timezone,
                                       not opts.month_first, parsed, pairs)
            frame = pd.DataFrame({"device_id": device, "_row": raw[ROW], "started_at": start, "ended_at": end,
                                  "kwh": numbers(raw[cols["kwh"]])})
            sink.add(check(parsed, frame, raw_rows(raw), devices, dups))
    parsed.tables["sessions"] = sink
    return parsed


def load(engine, location: str, options=None) -> int | None:
    """`python -m data.loader load sessions-csv FILE_OR_URL [--preset P] [--map COLUMN=FIELD]`."""
    parser = _parser()
    opts = parse_options(parser, options or {})
    return run_source(engine, SOURCE, location, opts, parser, parse, write_sessions,
                      rebuild_rollups=False)  # write_sessions updates them
