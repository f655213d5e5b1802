"""`population` and `plugin-vehicles`: borough denominators over time -> borough_denominators."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import pandas as pd
from sqlalchemy import tuple_
from sqlalchemy.engine import Connection

from data import schema
from data.loader.sources.base import Parsed, SourceError, option_parser, parse_options
from data.loader.sources.fetch import read_text
from data.loader.sources.runner import run_source
from data.loader.sources.tabular import ROW, column, datetimes, numbers, read_csv
from data.loader.store import bulk_insert

MEASURES = {"population": "population", "plugin-vehicles": "plugin_vehicles"}
VALUE_COLUMNS = {"population": ("population", "all ages", "value", "count"),
                 "plugin-vehicles": ("plugin_vehicles", "plugin_vehicles_approx", "ulev", "value", "count")}
_WIDE_YEAR = re.compile(r"(?:pop\w*?|population\w*?)(\d{4})", re.IGNORECASE)


def _long(raw: pd.DataFrame, source: str, given_year: int | None = None) -> pd.DataFrame:
    """(row, period, value-text) from a long table: a year [+ quarter] or a date column."""
    value = column(raw, *VALUE_COLUMNS[source])
    year, quarter, when = column(raw, "year"), column(raw, "quarter"), column(raw, "date", "period")
    if value is None or not (year or when or given_year):
        raise SourceError(f"not {source} figures per borough: expected gss_code and either "
                          f"{VALUE_COLUMNS[source][0]} with year [quarter] or date, or columns like "
                          "pop_mid2020")
    if when:
        period = datetimes(raw[when], tz="UTC").dt.normalize()
    else:
        month = (numbers(raw[quarter]) - 1) * 3 + 1 if quarter else 1
        years = numbers(raw[year]) if year else given_year  # ONS tables name the year only in the title
        period = pd.to_datetime(pd.DataFrame({"year": years, "month": month, "day": 1}, index=raw.index),
                                errors="coerce")
    return pd.DataFrame({ROW: raw[ROW], "period": period, "text": raw[value]})


def _wide(raw: pd.DataFrame) -> pd.DataFrame:
    """(row, period, value-text) from columns such as pop_mid2018_implied (one per year)."""
    parts = []
    for col in raw.columns:
        match = _WIDE_YEAR.search(col)
        if match:
            parts.append(pd.DataFrame({ROW: raw[ROW], "period": pd.Timestamp(int(match.group(1)), 1, 1),
                                       "text": raw[col]}))
    return pd.concat(parts) if parts else pd.DataFrame()


def parse(location: str, opts, context=None, source: str = "population") -> Parsed:
    """Denominator CSV -> borough_denominators rows (London boroughs only); bad rows quarantined."""
    parsed = Parsed(source, location)
    raw = read_csv(read_text(location, opts.timeout), parsed)
    code = column(raw, "gss_code", "la_code", "code", "lad_code", "area_code")
    if code is None:
        raise SourceError(f"not {source} figures per borough: no gss_code column")
    table = (_wide(raw) if source == "population" else pd.DataFrame())
    table = table if not table.empty else _long(raw, source, getattr(opts, "year", None))
    rows = raw.set_index(ROW)
    table["gss_code"] = table[ROW].map(rows[code].str.strip())
    table["value"] = numbers(table["text"])
    london = table["gss_code"].str.startswith("E09")
    if (~london).any():
        parsed.notes["rows for areas other than London boroughs skipped"] += int((~london).sum())
    table = table[london]
    reason = pd.Series(None, index=table.index, dtype=object)
    reason[table["period"].isna()] = "period is not a date or year"
    reason[reason.isna() & table["value"].isna()] = "value is not a number"
    reason[reason.isna() & (table["value"] < 0)] = "negative value"
    reason[reason.isna() & table.duplicated(["gss_code", "period"])] = "duplicate borough and period"
    for i in reason.dropna().index:
        parsed.bad(int(table.at[i, ROW]), rows.loc[int(table.at[i, ROW])].tolist(), reason[i])
    good = table[reason.isna()]
    parsed.tables["borough_denominators"] = pd.DataFrame({
        "gss_code": good["gss_code"], "measure": MEASURES[source], "period": good["period"].dt.date,
        "value": good["value"], "source": PurePosixPath(str(location)).name}).reset_index(drop=True)
    return parsed


def write(conn: Connection, parsed: Parsed) -> None:
    """Replace the stored values of these (borough, measure, period) keys."""
    t = schema.borough_denominators
    new = parsed.tables["borough_denominators"]
    keys = list(zip(new["gss_code"], new["measure"], new["period"], strict=True))
    for start in range(0, len(keys), 300):
        conn.execute(t.delete().where(tuple_(t.c.gss_code, t.c.measure, t.c.period).in_(keys[start:start + 300])))
    bulk_insert(conn, t, new)


def loader(source: str):
    """The registry entry for one denominator source."""
    def load(engine, location: str, options=None) -> int | None:
        parser = option_parser(source)
        parser.add_argument("--year", type=int, help="the year the figures describe, when no column says")
        opts = parse_options(parser, options or {})
        return run_source(engine, source, location, opts, parser,
                          lambda loc, o, ctx: parse(loc, o, ctx, source), write, rebuild_rollups=False)
    load.__doc__ = f"`python -m data.loader load {source} FILE_OR_URL`."
    return load
