"""DfT's published table layout (a title, notes, then one column per quarter) made long for dft-devices."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from data.loader.sources.base import Parsed, SourceError
from data.loader.sources.tabular import ROW

_QUARTER = re.compile(r"^\s*([A-Za-z]{3})[a-z]*[-\s](\d{4}|\d{2})\b")
_THRESHOLD = re.compile(r"(\d+)\s*kW", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                        "nov", "dec"), start=1)}
NOT_APPLICABLE = {"[x]", "[z]", "[c]", ".", "..", "-"}


def _header_at(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows[:30]):
        if row and re.match(r"^\s*local authority\s*/\s*region code", row[0], re.IGNORECASE):
            return i
    return None


def is_wide(text: str) -> bool:
    """True for DfT's own CSV export of a table (quarters as columns under a title and notes)."""
    head = list(csv.reader(io.StringIO(text[:20_000], newline="")))
    return _header_at(head) is not None


def _measure(title: str, column: str, chosen: str | None) -> str:
    base = chosen or ("rapid_devices" if "rapid" in title.lower() else "total_devices")
    per = "per 100" in (title + " " + column).lower()
    return {"rapid_devices": "rapid_per_100k", "total_devices": "total_per_100k"}[base] if per else base


def _quarter(column: str) -> str | None:
    match = _QUARTER.match(column)
    if not match or match.group(1).lower() not in _MONTHS:
        return None
    year = int(match.group(2))
    return f"{year + 2000 if year < 100 else year:04d}-{_MONTHS[match.group(1).lower()]:02d}-01"


def to_long(text: str, parsed: Parsed, measure: str | None = None) -> pd.DataFrame:
    """One row per area x quarter (strings, as read_csv gives), keeping each value's spreadsheet row."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    at = _header_at(rows)
    header, title = rows[at], " ".join(rows[0][:1])
    quarters = {i: _quarter(h) for i, h in enumerate(header) if i >= 2 and _quarter(h)}
    if not quarters:
        raise SourceError("a DfT table without quarter columns (such as 'Oct-19'); expected the published "
                          "table layout or a long CSV with la_code, date and the figures")
    out = []
    for number, row in enumerate(rows[at + 1:], start=at + 2):
        if not row or not re.match(r"^[A-Z]\d{8}$", row[0].strip()):
            continue  # notes and blank lines below the table
        for i, quarter in quarters.items():
            value = row[i].strip() if i < len(row) else ""
            if value in NOT_APPLICABLE or value == "":
                continue  # DfT's markers for "not applicable" (e.g. an authority that did not exist yet)
            kw = _THRESHOLD.search(header[i])
            out.append({"la_code": row[0].strip(), "la_name": row[1].strip(), "date": quarter,
                        _measure(title, header[i], measure): value,
                        "rapid_threshold_kw": kw.group(1) if kw else "", ROW: number})
    parsed.rows_in += len(out)
    if not out:
        raise SourceError("the DfT table has no figures under its quarter columns")
    return pd.DataFrame(out).fillna("")
