"""`dft-devices`: DfT public charging device statistics per local authority (or UK) per quarter."""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath

import pandas as pd
from sqlalchemy import select, tuple_
from sqlalchemy.engine import Connection

from data import schema
from data.loader.sources import dft_wide
from data.loader.sources.base import Parsed, SourceError, option_parser, parse_options
from data.loader.sources.fetch import read_text
from data.loader.sources.runner import run_source
from data.loader.sources.tabular import ROW, column, datetimes, numbers, raw_rows, read_csv
from data.loader.store import bulk_insert

SOURCE = "dft-devices"
# DfT counted "rapid" from 25 kW up to the July 2023 release and from 50 kW from October 2023.
RAPID_50KW_FROM = date(2023, 10, 1)
GEOGRAPHIES = {"united kingdom": "K02000001", "england": "E92000001", "london": "E12000007",
               "scotland": "S92000003", "wales": "W92000004", "northern ireland": "N92000002"}
MEASURES = {"total_devices": ("total_devices", "total devices", "devices"),
            "total_per_100k": ("total_devices_per_100k", "total_per_100k", "devices_per_100k"),
            "rapid_devices": ("rapid_devices", "rapid_or_above_devices_25kw_plus", "rapid_or_above_devices"),
            "rapid_per_100k": ("rapid_devices_per_100k", "rapid_per_100k"),
            "rapid_threshold_kw": ("rapid_threshold_kw",)}
KEY = ["la_code", "quarter"]


def _codes(raw: pd.DataFrame, parsed: Parsed) -> tuple[pd.Series, pd.Series]:
    code_col, name_col = column(raw, "la_code", "area_code", "code"), column(raw, "la_name", "name")
    geo_col = column(raw, "geography", "area")
    if code_col:
        names = raw[name_col] if name_col else pd.Series(None, index=raw.index, dtype=object)
        return raw[code_col].str.strip(), names
    if geo_col:
        return raw[geo_col].str.strip().str.lower().map(GEOGRAPHIES).fillna(""), raw[geo_col]
    raise SourceError("not DfT charging device statistics: expected la_code (or geography), date and "
                      "total_devices / rapid_devices columns")


def parse(location: str, opts, context: Connection | None = None) -> Parsed:
    """DfT CSV -> official_device_stats rows; bad rows quarantined."""
    parsed = Parsed(SOURCE, location)
    text = read_text(location, opts.timeout)
    raw = dft_wide.to_long(text, parsed, getattr(opts, "measure", None)) if dft_wide.is_wide(text) else read_csv(text, parsed)
    codes, names = _codes(raw, parsed)
    cols = {m: column(raw, *c) for m, c in MEASURES.items()}
    date_col = column(raw, "date", "quarter", "period")
    if date_col is None or not (cols["total_devices"] or cols["rapid_devices"]):
        raise SourceError("not DfT charging device statistics: expected a date column and "
                          "total_devices or rapid_devices")
    frame = pd.DataFrame({"la_code": codes, "la_name": names, "quarter": datetimes(raw[date_col], tz="UTC")
                          .dt.normalize(), "_row": raw[ROW]})
    for measure, col in cols.items():
        frame[measure] = numbers(raw[col]) if col else float("nan")
    reason = pd.Series(None, index=frame.index, dtype=object)
    reason[frame["la_code"].eq("")] = "unknown area: no la_code"
    reason[reason.isna() & frame["quarter"].isna()] = "date is not a date"
    for measure, col in cols.items():
        given = raw[col].str.strip().ne("") if col else False
        reason[reason.isna() & given & frame[measure].isna()] = f"{measure} is not a number"
        reason[reason.isna() & (frame[measure] < 0)] = f"negative {measure}"
    reason[reason.isna() & frame.duplicated(KEY)] = "duplicate area and quarter"
    original = raw_rows(raw)
    for i in reason.dropna().index:
        parsed.bad(int(frame.at[i, "_row"]), original(i), reason[i])
    frame = frame[reason.isna()].drop(columns="_row")
    derived = frame["quarter"].dt.date.map(lambda d: 50.0 if d >= RAPID_50KW_FROM else 25.0)
    frame["rapid_threshold_kw"] = frame["rapid_threshold_kw"].fillna(derived)
    frame["source"] = PurePosixPath(str(location)).name
    parsed.tables["official_device_stats"] = frame.reset_index(drop=True)
    return parsed


def write(conn: Connection, parsed: Parsed) -> None:
    """Upsert by (area, quarter), keeping stored figures this file does not carry (e.g. totals)."""
    t = schema.official_device_stats
    new = parsed.tables["official_device_stats"]
    keys = list(zip(new["la_code"], new["quarter"].dt.date, strict=True))
    old_rows = []
    for start in range(0, len(keys), 400):
        chunk = keys[start:start + 400]
        old_rows += conn.execute(select(t).where(tuple_(t.c.la_code, t.c.quarter).in_(chunk))).mappings().all()
        conn.execute(t.delete().where(tuple_(t.c.la_code, t.c.quarter).in_(chunk)))
    merged = new.assign(quarter=new["quarter"].dt.date).set_index(KEY)
    if old_rows:
        old = pd.DataFrame(old_rows).set_index(KEY)
        merged = merged.combine_first(old)[merged.columns]
    bulk_insert(conn, t, merged.reset_index())


def load(engine, location: str, options=None) -> int | None:
    """`python -m data.loader load dft-devices FILE_OR_URL`."""
    parser = _parser()
    opts = parse_options(parser, options or {})
    return run_source(engine, SOURCE, location, opts, parser, parse, write, rebuild_rollups=False)


def _parser():
    p = option_parser(SOURCE)
    p.add_argument("--measure", choices=["total_devices", "rapid_devices"],
                   help="for DfT's published table layout: what its quarter columns count (default: "
                        "from the table title)")
    return p
