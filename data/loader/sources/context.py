"""`targets` and `events`: the published targets the tracker measures against, and the dated events drawn
on every time series. Both are small CSVs (defaults in data/reference/); a load replaces the rows whose key
it carries, so an officer's file of local events adds to the defaults instead of wiping them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from sqlalchemy import tuple_
from sqlalchemy.engine import Connection

from data import schema
from data.loader.sources.base import Parsed, option_parser, parse_options
from data.loader.sources.fetch import read_text
from data.loader.sources.runner import run_source
from data.loader.sources.tabular import ROW, datetimes, numbers, raw_rows, read_csv, require
from data.loader.store import bulk_insert
from data.vocabulary import EVENT_KINDS, LONDON_CODE, TARGET_MEASURES

REFERENCE = Path(__file__).resolve().parents[2] / "reference"
DEFAULT_FILES = {"targets": REFERENCE / "targets.csv", "events": REFERENCE / "events.csv"}
_GSS = re.compile(r"^E(09|12)\d{6}$")
TEXT_LIMIT = 160


def _text(raw: pd.DataFrame, col: str | None) -> pd.Series:
    if col is None:
        return pd.Series("", index=raw.index, dtype=object)
    return raw[col].fillna("").astype(str).str.strip()


def _dates(raw: pd.DataFrame, col: str) -> pd.Series:
    return datetimes(raw[col], tz="UTC").dt.date


def _targets(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    cols = require(raw, "a targets table", name=("name",), measure=("measure",), value=("value", "target"),
                   target_date=("target_date", "date", "by"), source=("source",))
    opt = {c: next((x for x in raw.columns if x.lower() == c), None) for c in ("low", "high", "scope", "source_url")}
    frame = pd.DataFrame({"name": _text(raw, cols["name"]), "measure": _text(raw, cols["measure"]),
                          "value": numbers(raw[cols["value"]]), "target_date": _dates(raw, cols["target_date"]),
                          "scope": _text(raw, opt["scope"]).replace("", LONDON_CODE),
                          "source": _text(raw, cols["source"]), "source_url": _text(raw, opt["source_url"])})
    for bound in ("low", "high"):
        frame[bound] = numbers(raw[opt[bound]]) if opt[bound] else float("nan")
    reason = pd.Series(None, index=raw.index, dtype=object)
    reason[frame["name"].eq("")] = "no name"
    reason[reason.isna() & ~frame["measure"].isin(list(TARGET_MEASURES))] = \
        f"unknown measure: expected one of {', '.join(TARGET_MEASURES)}"
    reason[reason.isna() & ~(frame["value"] > 0)] = "value is not a positive number"
    reason[reason.isna() & frame["target_date"].isna()] = "target_date is not a date"
    reason[reason.isna() & ~frame["scope"].str.match(_GSS)] = "scope is not London (E12000007) or a borough code"
    reason[reason.isna() & frame["source"].eq("")] = "no source: every target must cite one"
    reason[reason.isna() & (frame["low"] > frame["high"])] = "low is above high"
    reason[reason.isna() & frame["name"].duplicated()] = "duplicate name"
    frame["source_url"] = frame["source_url"].replace("", None)
    return frame, reason


def _events(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    cols = require(raw, "an events table", date=("date",), title=("title", "event"), source=("source",))
    opt = {c: next((x for x in raw.columns if x.lower() == c), None) for c in ("detail", "scope", "kind")}
    frame = pd.DataFrame({"date": _dates(raw, cols["date"]), "title": _text(raw, cols["title"]),
                          "detail": _text(raw, opt["detail"]), "gss_code": _text(raw, opt["scope"]),
                          "kind": _text(raw, opt["kind"]).str.lower().replace("", "local"),
                          "source": _text(raw, cols["source"])})
    reason = pd.Series(None, index=raw.index, dtype=object)
    reason[frame["date"].isna()] = "date is not a date"
    reason[reason.isna() & frame["title"].eq("")] = "no title"
    reason[reason.isna() & (frame["title"].str.len() > TEXT_LIMIT)] = f"title longer than {TEXT_LIMIT} characters"
    reason[reason.isna() & ~(frame["gss_code"].eq("") | frame["gss_code"].str.match(r"^E09\d{6}$"))] = \
        "scope is not a borough GSS code (leave it empty for all London)"
    reason[reason.isna() & ~frame["kind"].isin(EVENT_KINDS)] = f"unknown kind: expected one of {', '.join(EVENT_KINDS)}"
    reason[reason.isna() & frame["source"].eq("")] = "no source: every event must cite one"
    reason[reason.isna() & frame.duplicated(["date", "title"])] = "duplicate date and title"
    frame["gss_code"] = frame["gss_code"].replace("", None)
    return frame, reason


PARSERS = {"targets": _targets, "events": _events}
KEYS = {"targets": ("name",), "events": ("date", "title")}


def parse(location: str, opts, context=None, source: str = "targets") -> Parsed:
    """CSV -> the source's table; bad rows quarantined with their reason."""
    parsed = Parsed(source, location)
    raw = read_csv(read_text(location, opts.timeout), parsed)
    frame, reason = PARSERS[source](raw)
    original = raw_rows(raw)
    for i in reason.dropna().index:
        parsed.bad(int(raw.at[i, ROW]), original(i), reason[i])
    parsed.tables[source] = frame[reason.isna()].reset_index(drop=True)
    return parsed


def _writer(source: str):
    def write(conn: Connection, parsed: Parsed) -> None:
        """Replace the stored rows with these keys, then insert (other rows stay)."""
        table, new = getattr(schema, source), parsed.tables[source]
        key_cols = [table.c[k] for k in KEYS[source]]
        keys = list(zip(*(new[k] for k in KEYS[source]), strict=True))
        for start in range(0, len(keys), 300):
            conn.execute(table.delete().where(tuple_(*key_cols).in_(keys[start:start + 300])))
        bulk_insert(conn, table, new)
    return write


def loader(source: str):
    """The registry entry for ``targets`` or ``events``."""
    def load(engine, location: str, options=None) -> int | None:
        parser = option_parser(source)
        opts = parse_options(parser, options or {})
        return run_source(engine, source, location, opts, parser,
                          lambda loc, o, ctx: parse(loc, o, ctx, source), _writer(source), rebuild_rollups=False)
    load.__doc__ = f"`python -m data.loader load {source} FILE_OR_URL`."
    return load
