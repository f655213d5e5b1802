"""`ocpi-cdrs`: OCPI 2.2.1 CDRs and Sessions -> charging sessions of known devices (EVSE uid)."""

from __future__ import annotations

from itertools import chain, islice

import pandas as pd
from sqlalchemy.engine import Connection

from data.loader.sources import ocpi
from data.loader.sources.base import Parsed, SourceError, option_parser, parse_options
from data.loader.sources.ocpi import Record, add_options, records
from data.loader.sources.runner import run_source
from data.loader.sources.sessions import SessionsSink, check, known_devices, write_sessions
from data.loader.sources.tabular import Seen, datetimes, numbers

SOURCE = "ocpi-cdrs"


def _row(n: int, obj: dict) -> dict:
    where = obj.get("cdr_location") if isinstance(obj.get("cdr_location"), dict) else {}
    kwh = obj.get("total_energy", obj.get("kwh"))
    return {"_row": n, "device_id": str(where.get("evse_uid") or obj.get("evse_uid") or "").strip(),
            "start": obj.get("start_date_time"), "end": obj.get("end_date_time"),
            "kwh": None if kwh is None else str(kwh)}


def parse(location: str, opts, context: Connection | set | None = None, chunk_records: int | None = None) -> Parsed:
    """CDR/Session objects -> sessions; bad ones quarantined with their record number. Read object by object and
    checked and staged ``chunk_records`` (default ``ocpi.CHUNK_RECORDS``) at a time (into the refresh's
    transaction when ``context`` is its connection), as ``sessions-csv`` does: memory does not grow with the
    file, and the result is the same as one chunk's (duplicates across chunks included)."""
    parsed = Parsed(SOURCE, location)
    devices = known_devices(context)
    sink = SessionsSink(context if isinstance(context, Connection) else None)
    seen = Seen()
    objs = records(location, parsed, opts)
    head = list(islice(objs, 50))
    if head and not any("start_date_time" in o for _, o in head):
        raise SourceError("not OCPI CDRs or Sessions (no start_date_time): expected objects with "
                          "start_date_time, end_date_time, total_energy/kwh and an EVSE uid")
    for batch in ocpi.chunks(chain(head, objs), chunk_records or ocpi.CHUNK_RECORDS):
        sink.add(_chunk(parsed, batch, devices, seen))
    parsed.tables["sessions"] = sink
    return parsed


def _chunk(parsed: Parsed, batch: list[Record], devices: set[str] | None, seen: Seen) -> pd.DataFrame:
    """One chunk of objects -> its good sessions (the rest quarantined)."""
    # a session still charging is not finished, not bad: it loads once it has ended
    objs = [(n, o) for n, o in batch if o.get("end_date_time") or o.get("status") not in ("ACTIVE", "PENDING")]
    if len(objs) < len(batch):
        parsed.notes["sessions still active (no end yet) skipped"] += len(batch) - len(objs)
    parsed.rows_in += len(objs)
    raw = pd.DataFrame([_row(n, o) for n, o in objs], columns=["_row", "device_id", "start", "end", "kwh"])
    frame = pd.DataFrame({"device_id": raw["device_id"], "_row": raw["_row"],
                          "started_at": datetimes(raw["start"].astype("string"), tz="UTC"),
                          "ended_at": datetimes(raw["end"].astype("string"), tz="UTC"),
                          "kwh": numbers(raw["kwh"].astype("string"))})
    return check(parsed, frame, lambda i: objs[i][1], devices, seen)


def load(engine, location: str, options=None) -> int | None:
    """`python -m data.loader load ocpi-cdrs FILE_OR_URL`."""
    parser = option_parser(SOURCE)
    add_options(parser)
    opts = parse_options(parser, options or {})
    return run_source(engine, SOURCE, location, opts, parser, parse, write_sessions,
                      rebuild_rollups=False)  # write_sessions updates them
