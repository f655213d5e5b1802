"""CSV text to a frame of strings with row numbers; number and date cleaning shared by adapters."""

from __future__ import annotations

import csv
import re
from array import array
from collections.abc import Iterable, Iterator
from typing import TextIO

import numpy as np
import pandas as pd

from data.loader.sources.base import Parsed, SourceError

CHUNK_ROWS = 100_000
MAX_FIELD = 10_000  # characters; a longer field is a broken row, not data
ROW = "_row"  # spreadsheet row number of each record (the header is row 1)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
csv.field_size_limit(64 * 1024 * 1024)


def norm(name: str) -> str:
    """A column name reduced to lowercase letters and digits, for tolerant matching."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in (h.strip().lstrip("\ufeff") for h in header):
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(f"{name}.{n}" if n else name)
    return out


def read_csv(source: str | TextIO, parsed: Parsed) -> pd.DataFrame:
    """Rows of a CSV (text, or a stream from ``fetch.open_text``) as strings in one frame; ragged rows
    quarantined; a truncated or malformed file fails. ``csv_chunks`` gives the same rows a chunk at a time."""
    parts = list(csv_chunks(source, parsed))
    return pd.concat(parts) if len(parts) > 1 else parts[0]


def csv_chunks(source: str | TextIO, parsed: Parsed, chunk_rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
    """Rows of a CSV as frames of strings of at most ``chunk_rows`` rows (the last may be empty; there is always
    one), row labels running on across chunks, each row's spreadsheet number in ``_row``; ragged rows and
    over-long fields quarantined as they come; a truncated or malformed file fails (after the chunks before
    the fault: read the whole file before writing anything that is not rolled back)."""
    lines = _Lines(_text_lines(source) if isinstance(source, str) else source)
    first, probe = lines.first_line(), lines.first_text()
    if probe[:1] in ("{", "["):
        raise SourceError("this is JSON (GeoJSON or OCPI?), not a CSV file; expected a CSV with column names")
    # Excel's "Unicode text" and "Text (tab delimited)" separate fields with tabs
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    start = 0
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise SourceError("the file has no header row; expected a CSV with column names")
        header = _unique(header)
        rows, numbers = [], array("q")
        for record_no, row in enumerate(reader, start=2):
            if len(rows) >= chunk_rows:
                yield _frame(rows, header, numbers, start)
                start += len(rows)
                rows, numbers = [], array("q")
            if not any(v.strip() for v in row):
                continue
            parsed.rows_in += 1
            if len(row) != len(header):
                _ragged(parsed, lines, record_no, row, len(header))
                continue
            if max(map(len, row)) > MAX_FIELD:
                parsed.bad(record_no, row, f"field too long: over {MAX_FIELD} characters")
                continue
            rows.append(row)
            numbers.append(record_no)
    except csv.Error as exc:
        raise SourceError(f"malformed CSV near line {reader.line_num}: {exc} "
                          "(an unclosed quote or a truncated file?)") from exc
    if not parsed.rows_in:
        raise SourceError("the file has a header but no data rows; expected at least one row")
    yield _frame(rows, header, numbers, start)


def _frame(rows: list[list[str]], header: list[str], numbers: array, start: int) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=header, dtype=object, index=pd.RangeIndex(start, start + len(rows)))
    frame[ROW] = np.frombuffer(numbers, dtype=np.int64) if numbers else []
    return frame


def _text_lines(text: str) -> Iterator[str]:
    """The text's lines with their ends (\\n, \\r\\n or \\r), one at a time: io.StringIO would first copy the
    whole text into a buffer of four bytes per character."""
    for match in _LINE.finditer(text):
        yield match.group()


class _Lines:
    """Lines with one line of look-ahead, so a ragged row can be told to be the file's cut-off last line."""

    def __init__(self, lines: Iterable[str]):
        self._it = iter(lines)
        self._head: list[str] = []  # lines read ahead to find the first text
        self.last = ""

    def first_line(self) -> str:
        self._fill(1)
        return self._head[0] if self._head else ""

    def first_text(self) -> str:
        """The text from the first line that is not blank (lines read ahead for it are given back)."""
        while not (self._head and self._head[-1].strip()):
            if not self._fill(len(self._head) + 1):
                break
        return self._head[-1].lstrip() if self._head else ""

    def _fill(self, n: int) -> bool:
        while len(self._head) < n:
            line = next(self._it, None)
            if line is None:
                return False
            self._head.append(line)
        return True

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if not self._fill(1):
            raise StopIteration
        self.last = self._head.pop(0)
        return self.last

    def at_cut_end(self) -> bool:
        """True when the last line given is the file's last and has no line end."""
        return not self._fill(1) and not self.last.endswith(("\n", "\r"))


def _ragged(parsed: Parsed, lines: _Lines, record_no: int, row: list[str], width: int) -> None:
    """A row with the wrong number of fields: a truncated last line fails the file, else quarantine."""
    if lines.at_cut_end() and len(row) < width:
        raise SourceError(f"truncated file: the last row has {len(row)} of {width} fields "
                          "and no line end (an interrupted download?)")
    parsed.bad(record_no, row, f"column-shifted row: {len(row)} fields, expected {width}")


class Seen:
    """Keys of a file read in chunks: ``repeated`` marks each row whose key an earlier row had, in this chunk or
    an earlier one, as pandas' ``duplicated`` does over the whole file. Earlier chunks' keys are kept as two
    64-bit hashes (16 bytes a key; sorted by the first, so lookups compare machine integers); two different
    keys share both with a chance of about n^2 / 2^129."""

    def __init__(self):
        self.first = np.empty(0, dtype=np.uint64)
        self.second = np.empty(0, dtype=np.uint64)

    def __len__(self) -> int:
        return len(self.first)

    def repeated(self, frame: pd.DataFrame, remember: pd.Series | None = None) -> np.ndarray:
        """``frame``'s key columns; only rows where ``remember`` holds (default all) are kept for later chunks
        and looked up among earlier chunks' (the caller knows no other row can matter there)."""
        within = frame.duplicated().to_numpy()
        out = within.copy()
        mask = np.ones(len(frame), bool) if remember is None else remember.to_numpy(dtype=bool)
        if not mask.any():
            return out
        part = frame[mask]
        k1 = pd.util.hash_pandas_object(part, index=False).to_numpy()
        k2 = pd.util.hash_pandas_object(part, index=False, hash_key="seen-keys-second").to_numpy()
        lo, hi = np.searchsorted(self.first, k1, "left"), np.searchsorted(self.first, k1, "right")
        found = (hi > lo) & (self.second[np.minimum(lo, len(self) - 1)] == k2) if len(self) else hi > lo
        for i in np.flatnonzero((hi - lo > 1) & ~found):  # first hashes shared by two keys: look at them all
            found[i] = bool((self.second[lo[i]:hi[i]] == k2[i]).any())
        out[mask] |= found
        new = ~found & ~within[mask]
        order = np.argsort(k1[new], kind="stable")
        n1, n2 = k1[new][order], k2[new][order]
        at = np.searchsorted(self.first, n1)
        self.first, self.second = np.insert(self.first, at, n1), np.insert(self.second, at, n2)
        return out


def raw_rows(frame: pd.DataFrame):
    """A fast ``label -> original row values`` for quarantining (label lookups per row are slow)."""
    header = [c for c in frame.columns if c != ROW]
    values = frame[header].to_numpy(dtype=object)
    position = pd.Series(range(len(frame)), index=frame.index)
    return lambda label: values[position[label]].tolist()


def column(frame: pd.DataFrame, *candidates: str) -> str | None:
    """The frame's column matching one of the candidate names (case and punctuation ignored)."""
    by_norm = {norm(c): c for c in frame.columns}
    for cand in candidates:
        if norm(cand) in by_norm:
            return by_norm[norm(cand)]
    return None


def require(frame: pd.DataFrame, what: str, **fields: tuple[str, ...]) -> dict[str, str]:
    """Map field -> column for required fields; any missing one is a one-line SourceError."""
    found = {f: column(frame, *cands) for f, cands in fields.items()}
    missing = [cands[0] for f, cands in fields.items() if found[f] is None]
    if missing:
        cols = ", ".join(c for c in frame.columns if c != ROW)[:300]
        raise SourceError(f"not {what}: missing required column(s) {', '.join(missing)} "
                          f"(found: {cols})")
    return found


def numbers(values: pd.Series) -> pd.Series:
    """Text to float: blanks are NaN; '1,234.5' thousands separators are understood."""
    text = values.astype("string").str.strip().str.replace("\u00a0", "", regex=False)
    text = text.where(~text.str.match(_THOUSANDS).fillna(False), text.str.replace(",", "", regex=False))
    return pd.to_numeric(text, errors="coerce").astype(float)


def datetimes(values: pd.Series, tz: str = "Europe/London", dayfirst: bool = True) -> pd.Series:
    """Text to naive UTC timestamps: ISO first, then day-first; naive times are local to tz (a repeated
    autumn hour read as standard time, a skipped spring time shifted forward)."""
    utc, local = parse_times(values, dayfirst)
    return local_to_utc(utc, local, tz)


def parse_times(values: pd.Series, dayfirst: bool = True) -> tuple[pd.Series, pd.Series]:
    """Text to (naive UTC times where the text carries a zone or offset, naive local wall times elsewhere)."""
    text = values.astype("string").str.strip()
    iso = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True).dt.tz_localize(None)
    zoned = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True).fillna(False).to_numpy(dtype=bool)
    utc, local = iso.where(zoned), iso.where(~zoned)
    rest = iso.isna() & text.notna() & (text != "")
    if rest.any():
        other = pd.to_datetime(text[rest], errors="coerce", format="mixed", dayfirst=dayfirst)
        if getattr(other.dt, "tz", None) is not None:
            utc[rest] = other.dt.tz_convert("UTC").dt.tz_localize(None)
        else:
            local[rest] = other
    return utc, local


def local_to_utc(utc: pd.Series, local: pd.Series, tz: str, ambiguous=False,
                 nonexistent: str = "shift_forward") -> pd.Series:
    """``parse_times``' pair as naive UTC; ``ambiguous`` True/False reads a repeated hour as summer/standard
    time (or "NaT"), ``nonexistent`` is pandas' rule for a skipped spring time."""
    out = utc.copy()
    has = local.notna()
    if has.any():
        rule = ambiguous[has.to_numpy()] if isinstance(ambiguous, np.ndarray) else ambiguous
        out[has] = (local[has].dt.tz_localize(tz, ambiguous=rule, nonexistent=nonexistent)
                    .dt.tz_convert("UTC").dt.tz_localize(None))
    return out


def in_uk(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """True where a point lies in the UK's bounding box (mainland, islands and Northern Ireland)."""
    return lat.between(49.8, 60.9) & lon.between(-8.7, 1.8)


def finite(values: pd.Series) -> pd.Series:
    return pd.Series(np.isfinite(values.to_numpy(dtype=float)), index=values.index)
