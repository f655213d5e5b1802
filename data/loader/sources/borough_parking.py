"""`borough-parking`: each borough's share of households without off-street parking (a measure peer boroughs are
chosen on, issue 17 item 4) -> borough_denominators, measure ``no_offstreet``, period 1 January of its year.

One row per borough: the borough's GSS code or its name, the share (0-1, or a percentage: a ``%`` sign, a column
named percent/pct, or any figure above 1 makes the file's figures percentages; ``--unit`` decides instead) and the
year the figure describes (a column, or ``--year``). Rows for an unknown borough, with no share, a share over 100 %
or below 0, no year, or a second row for a borough and year are quarantined with their reason; a borough the
file does not cover is counted in the summary (peer boroughs then leave the measure out: views/peers.py).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pandas as pd
from sqlalchemy.engine import Connection

from data.loader.sources import denominators
from data.loader.sources.base import Parsed, SourceError, option_parser, parse_options
from data.loader.sources.fetch import read_text
from data.loader.sources.runner import run_source
from data.loader.sources.tabular import ROW, column, norm, numbers, raw_rows, read_csv

SOURCE = "borough-parking"
MEASURE = "no_offstreet"
BOROUGHS = Path(__file__).resolve().parents[2] / "reference" / "london_boroughs.csv"
SHARE_COLUMNS = ("no_offstreet", "share", "share_without_offstreet_parking", "without_offstreet_parking",
                 "households_without_offstreet_parking", "percent", "pct", "value")
_PERCENT_NAME = re.compile(r"percent|pct|%", re.IGNORECASE)


def _parser():
    p = option_parser(SOURCE)
    p.add_argument("--year", type=int, help="the year the figures describe, when the file has no year column")
    p.add_argument("--unit", choices=("auto", "share", "percent"), default="auto",
                   help="figures are shares 0-1 or percentages (default: told from the file)")
    return p


def borough_codes() -> dict[str, str]:
    """Every London borough's GSS code, and its name (letters and digits only, '&' as 'and'), -> its code."""
    ref = pd.read_csv(BOROUGHS, dtype=str)
    names = {_name_key(n): c for c, n in zip(ref["gss_code"], ref["name"], strict=True)}
    return {c: c for c in ref["gss_code"]} | names | {_name_key("City"): "E09000001"}


def _name_key(name: str) -> str:
    return norm(str(name).replace("&", " and ").removeprefix("London Borough of "))


def _percent(opts, col: str, text: pd.Series, values: pd.Series) -> bool:
    """Percentages when told so, when the column is named so or a figure has a % sign, or when most figures are
    above 1 (so one hostile 150 among shares is a bad row, not a reason to read every share as a percentage)."""
    if opts.unit != "auto":
        return opts.unit == "percent"
    return bool(_PERCENT_NAME.search(col) or text.str.contains("%", regex=False).any() or values.median() > 1)


def parse(location: str, opts, context=None) -> Parsed:
    """Share-per-borough CSV -> borough_denominators rows (measure no_offstreet); bad rows quarantined."""
    parsed = Parsed(SOURCE, location)
    raw = read_csv(read_text(location, opts.timeout), parsed)
    where = column(raw, "gss_code", "la_code", "code", "area_code", "lad_code") or column(raw, "borough", "name",
                                                                                          "area", "la_name")
    share_col, year_col = column(raw, *SHARE_COLUMNS), column(raw, "year", "source_year", "period")
    if where is None or share_col is None or not (year_col or opts.year):
        raise SourceError("not a share of households without off-street parking per borough: expected a "
                          "borough code or name, a share (no_offstreet, share or percent) and a year column "
                          "(or --year)")
    text = raw[share_col].fillna("").str.strip()
    values = numbers(text.str.rstrip("%"))
    values = values / 100 if _percent(opts, share_col, text, values) else values
    years = numbers(raw[year_col].str.strip().str[:4]) if year_col else pd.Series(float(opts.year), index=raw.index)
    codes = raw[where].fillna("").str.strip()
    known = borough_codes()
    gss = codes.map(lambda v: known.get(v.upper()) or known.get(_name_key(v)))
    frame = pd.DataFrame({"gss_code": gss, "year": years, "value": values}, index=raw.index)
    reason = pd.Series(None, index=raw.index, dtype=object)
    reason[codes.eq("")] = "no borough"
    reason[reason.isna() & gss.isna()] = "unknown borough: " + codes[reason.isna() & gss.isna()]
    reason[reason.isna() & values.isna()] = "share missing or not a number"
    reason[reason.isna() & (values > 1)] = "share over 100%"
    reason[reason.isna() & (values < 0)] = "negative share"
    reason[reason.isna() & ~years.between(1900, 2100)] = "year missing or not a year"
    ok = reason.isna()
    reason[ok & frame[ok].duplicated(["gss_code", "year"]).reindex(raw.index, fill_value=False)] = \
        "duplicate borough and year"
    original = raw_rows(raw)
    for i in reason.dropna().index:
        parsed.bad(int(raw.at[i, ROW]), original(i), reason[i])
    good = frame[reason.isna()]
    missing = len(set(known.values()) - set(good["gss_code"]))
    if missing:
        parsed.notes["London boroughs without a figure in the file"] += missing
    parsed.tables["borough_denominators"] = pd.DataFrame({
        "gss_code": good["gss_code"], "measure": MEASURE,
        "period": pd.to_datetime(good["year"].astype(int).astype(str) + "-01-01").dt.date,
        "value": good["value"], "source": PurePosixPath(str(location)).name}).reset_index(drop=True)
    return parsed


def load(engine, location: str, options=None) -> int | None:
    """`python -m data.loader load borough-parking FILE_OR_URL [--year YYYY] [--unit share|percent]`."""
    parser = _parser()
    opts = parse_options(parser, options or {})
    return run_source(engine, SOURCE, location, opts, parser, parse, _write, rebuild_rollups=False)


def _write(conn: Connection, parsed: Parsed) -> None:
    denominators.write(conn, parsed)  # replace the stored values of these (borough, measure, period) keys
