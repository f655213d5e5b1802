"""``load-all DIR``: recognise the public files in a folder, load boundaries first and then the rest.

Each file is told by its content (a CSV's header, a JSON document's keys), not its name, or named in an
optional ``load-all.toml`` in the folder::

    [files."ncpr_london_subset_2019-2020.csv"]
    source = "ncr"
    options = { as-of = "2020-12-31" }     # or a list: ["--as-of", "2020-12-31"]
    [files."acn_sessions.csv"]
    skip = "US workplace sessions, not London"

Every file is its own atomic run (``SOURCES[source]``), so one bad file fails alone and the rest still load.
Order: boundaries (one file: the largest, i.e. full resolution), registry files oldest snapshot first (a newer
one updates the devices they share), operator locations, DfT counts, population, plug-in vehicles, sessions
(their devices must be loaded). A sessions file none of whose devices is in the store is skipped with that
reason rather than refused row by row.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from data import schema
from data.loader.refresh import LockBusy, RefreshRefused
from data.loader.sources import SOURCES, dft_wide, ncr, sessions_csv
from data.loader.sources.base import Parsed, SourceError
from data.loader.sources.fetch import open_text
from data.loader.sources.tabular import Seen, csv_chunks, norm

log = logging.getLogger(__name__)

MANIFEST = "load-all.toml"
ORDER = ("boundaries", "ncr", "ocpi-locations", "dft-devices", "population", "plugin-vehicles", "sessions-csv",
         "ocpi-cdrs")
HEAD_BYTES = 64 * 1024


@dataclass
class Item:
    """One file: the source it goes to (None: skipped, with ``reason``) and that source's options."""

    path: Path
    source: str | None
    options: list[str] = field(default_factory=list)
    reason: str = ""
    status: str = "skipped"
    run_id: int | None = None
    rows_loaded: int | None = None
    rows_quarantined: int | None = None
    message: str = ""
    sort_key: tuple = ()


def _head(path: Path) -> str:
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff")


def _json_source(head: str) -> tuple[str | None, str]:
    if '"FeatureCollection"' in head:
        return "boundaries", ""
    if '"evses"' in head:
        return "ocpi-locations", ""
    if '"start_date_time"' in head:
        return "ocpi-cdrs", ""
    return None, "JSON that is neither borough boundaries (GeoJSON) nor OCPI locations or CDRs"


def _csv_source(head: str) -> tuple[str | None, str]:
    """The source a CSV header (or DfT's published table layout) belongs to, else why none does."""
    if dft_wide.is_wide(head):
        return "dft-devices", ""
    try:
        header = next(csv.reader(io.StringIO(head, newline="")), [])
    except csv.Error:
        return None, "not a CSV file the loader can read"
    cols = {norm(c) for c in header}
    if "chargedeviceid" in cols and cols & {"latitude", "lat"} and cols & {"longitude", "lon", "lng"}:
        return "ncr", ""
    if cols & {"lacode", "geography", "areacode"} and "date" in cols and any(
            c.startswith(("totaldevices", "rapiddevices", "rapidorabove")) for c in cols):
        return "dft-devices", ""
    has_code = bool(cols & {"gsscode", "lacode", "code", "ladcode", "areacode"})
    if has_code and any(c.startswith("plugin") or c == "ulev" for c in cols):
        return "plugin-vehicles", ""
    if has_code and any(c.startswith("pop") or c == "allages" for c in cols):
        return "population", ""
    if {"month", "sessions", "kwh"} <= cols:
        return None, ("monthly totals per charge point (month, sessions, kWh), not one row per session: "
                      "no source loads them")
    try:
        sessions_csv.resolve(_header_frame(header), argparse.Namespace(map=[], preset=None))
    except SourceError:
        return None, f"not a file any source recognises (columns: {', '.join(header)[:120]})"
    return "sessions-csv", ""


def _header_frame(header: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=[*header, "_row"])


def sniff(path: Path) -> tuple[str | None, str]:
    """(source, '') for a file a source loads, else (None, why it is skipped)."""
    suffix = path.suffix.lower()
    if suffix in (".md", ".txt", ".toml", ".pdf", ".ods", ".xlsx", ".xls", ".zip"):
        return None, f"not a data file the loader reads ({suffix}; save spreadsheets as CSV)"
    head = _head(path).lstrip()
    if "\x00" in head:
        return None, "a binary file, not CSV or JSON (a spreadsheet? save it as CSV)"
    if head[:1] in ("{", "["):
        return _json_source(head)
    return _csv_source(head)


def _manifest_options(value) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    argv = []
    for key, v in (value or {}).items():
        if v is True:
            argv.append(f"--{key}")
        elif v is not False:
            argv += [f"--{key}", str(v)]
    return argv


def read_manifest(folder: Path) -> dict[str, dict]:
    """File name -> its entry in ``load-all.toml`` (empty without one); a bad manifest is a SourceError."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    try:
        files = tomllib.loads(path.read_text(encoding="utf-8")).get("files", {})
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path}: not valid TOML ({exc})") from exc
    for name, entry in files.items():
        if not isinstance(entry, dict) or not (entry.get("skip") or entry.get("source") in SOURCES):
            raise SourceError(f"{path}: [files.\"{name}\"] needs source = one of {', '.join(sorted(SOURCES))}, "
                              "or skip = \"reason\"")
    return files


def _snapshot_key(item: Item) -> tuple:
    """Registry files oldest snapshot first: --as-of if given, else the file's newest dateUpdated/dateCreated."""
    if "--as-of" in item.options:
        return (item.options[item.options.index("--as-of") + 1],)
    try:
        with open_text(str(item.path)) as stream:  # a chunk at a time: registry exports are big
            dates = [ncr.snapshot_date(raw) for raw in csv_chunks(stream, Parsed("ncr", str(item.path)))]
        when = max((d for d in dates if d), default=None)
    except SourceError:
        when = None
    return (when.isoformat() if when else "",)


def plan(folder: Path) -> list[Item]:
    """Every file in ``folder`` with the source it goes to, in load order; skipped files last."""
    if not folder.is_dir():
        raise SourceError(f"{folder} is not a folder: expected a folder of downloaded public files")
    manifest = read_manifest(folder)
    items = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.name == MANIFEST:
            continue
        entry = manifest.get(path.name)
        if entry is not None:
            items.append(Item(path, None if entry.get("skip") else entry["source"],
                              _manifest_options(entry.get("options")), reason=str(entry.get("skip") or "")))
            continue
        source, reason = sniff(path)
        items.append(Item(path, source, reason=reason))
    borders = sorted((i for i in items if i.source == "boundaries"), key=lambda i: i.path.stat().st_size)
    for other in borders[:-1]:  # the largest is the full resolution: keep it
        other.source = None
        other.reason = f"another boundaries file is loaded ({borders[-1].path.name}); name one in {MANIFEST} to choose"
    for item in items:
        if item.source == "ncr":
            item.sort_key = _snapshot_key(item)
    return sorted(items, key=lambda i: (ORDER.index(i.source) if i.source in ORDER else len(ORDER), i.sort_key,
                                        i.path.name))


def _last_run_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(schema.load_runs.c.run_id))).scalar() or 0)


def _sessions_without_devices(engine: Engine, item: Item) -> str:
    """Why a sessions file is skipped (none of its devices is in the store), else ''."""
    opts = sessions_csv._parser().parse_args(item.options)
    seen, n, d = Seen(), 0, schema.devices
    with open_text(str(item.path)) as stream, engine.connect() as conn:  # a chunk at a time: exports are big
        for raw in csv_chunks(stream, Parsed(item.source, str(item.path))):
            device_col = sessions_csv.resolve(raw, opts)["device"]
            ids = raw[[device_col]].apply(lambda c: c.str.strip())
            new = ids[~seen.repeated(ids)][device_col].tolist()
            n += len(new)
            for start in range(0, len(new), 5000):
                if conn.execute(select(d.c.device_id).where(d.c.device_id.in_(new[start:start + 5000]))).first():
                    return ""
    return (f"sessions of {n:,} charge points ({device_col}) none of which is a device in the store "
            "(not London's, or their locations are not loaded yet)")


def _load(engine: Engine, item: Item) -> None:
    """Load one planned file as its own run and note what happened on the item."""
    if item.source == "sessions-csv" and (why := _sessions_without_devices(engine, item)):
        item.source, item.reason = None, why
        return
    before = _last_run_id(engine)
    try:
        item.run_id = SOURCES[item.source](engine, str(item.path), list(item.options))
        item.status = "ok"
    except RefreshRefused as exc:
        item.status, item.message = "refused", str(exc)
    except LockBusy:
        raise  # another refresh owns the store: stop here, not file after file
    except (SourceError, RuntimeError, ValueError, OSError) as exc:
        item.status, item.message = "failed", str(exc).splitlines()[0][:300]
    r = schema.load_runs
    with engine.connect() as conn:
        run = conn.execute(select(r).where(r.c.run_id > before, r.c.location == str(item.path))
                           .order_by(r.c.run_id.desc()).limit(1)).mappings().first()
    if run is not None:
        item.run_id, item.rows_loaded, item.rows_quarantined = run["run_id"], run["rows_loaded"], run["rows_quarantined"]
        item.message = item.message or (run["message"] or "")


def load_folder(engine: Engine, folder: Path) -> list[Item]:
    """Plan ``folder`` and load every file it places, each as its own atomic run; returns the items."""
    items = plan(folder)
    if not any(i.source for i in items):
        raise SourceError(f"no file in {folder} is one the loader recognises: expected boundaries GeoJSON, "
                          "registry, DfT, population or plug-in vehicle CSVs")
    for item in items:
        if item.source is not None:
            log.info("load-all: %s -> %s", item.path.name, item.source)
            _load(engine, item)
    return items


def summary(items: list[Item]) -> str:
    """One line per file: file -> source -> status, rows loaded / quarantined, and the run's own summary."""
    lines = []
    for i in items:
        if i.source is None:
            lines.append(f"{i.path.name} -> skipped: {i.reason}")
            continue
        counts = f"{i.rows_loaded or 0:,} loaded, {i.rows_quarantined or 0:,} quarantined"
        lines.append(f"{i.path.name} -> {i.source} -> {i.status} (run {i.run_id}): {counts}"
                     + (f"; {i.message}" if i.message else ""))
    ok = sum(i.status == "ok" for i in items)
    bad = sum(i.status in ("failed", "refused") for i in items)
    skipped = sum(i.source is None for i in items)
    lines.append(f"{ok} file(s) loaded, {bad} failed or refused, {skipped} skipped")
    return "\n".join(lines)
