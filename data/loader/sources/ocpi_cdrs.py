"""`ocpi-cdrs`: OCPI 2.2.1 CDRs and Sessions -> charging sessions of known devices (EVSE uid)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Connection

from data.loader.sources.base import Parsed, SourceError, option_parser, parse_options
from data.loader.sources.ocpi import add_options, records
from data.loader.sources.runner import run_source
from data.loader.sources.sessions import check, known_devices, write_sessions
from data.loader.sources.tabular import datetimes, numbers

SOURCE = "ocpi-cdrs"


def _row(n: int, obj: dict) -> dict:
    where = obj.get("cdr_location") if isinstance(obj.get("cdr_location"), dict) else {}
    kwh = obj.get("total_energy", obj.get("kwh"))
    return {"_row": n, "device_id": str(where.get("evse_uid") or obj.get("evse_uid") or "").strip(),
            "start": obj.get("start_date_time"), "end": obj.get("end_date_time"),
            "kwh": None if kwh is None else str(kwh)}


def parse(location: str, opts, context: Connection | set | None = None) -> Parsed:
    """CDR/Session objects -> sessions; bad ones quarantined with their record number."""
    parsed = Parsed(SOURCE, location)
    objs = records(location, parsed, opts)
    if objs and not any("start_date_time" in o for _, o in objs[:50]):
        raise SourceError("not OCPI CDRs or Sessions (no start_date_time): expected objects with "
                          "start_date_time, end_date_time, total_energy/kwh and an EVSE uid")
    active = {n for n, o in objs if not o.get("end_date_time") and o.get("status") in ("ACTIVE", "PENDING")}
    if active:  # a session still charging is not finished, not bad: it loads once it has ended
        parsed.notes["sessions still active (no end yet) skipped"] += len(active)
        objs = [(n, o) for n, o in objs if n not in active]
    rows = [_row(n, o) for n, o in objs]
    parsed.rows_in += len(rows)
    raw = pd.DataFrame(rows, columns=["_row", "device_id", "start", "end", "kwh"])
    frame = pd.DataFrame({"device_id": raw["device_id"], "_row": raw["_row"],
                          "started_at": datetimes(raw["start"].astype("string"), tz="UTC"),
                          "ended_at": datetimes(raw["end"].astype("string"), tz="UTC"),
                          "kwh": numbers(raw["kwh"].astype("string"))})
    by_row = dict(objs)
    parsed.tables["sessions"] = check(parsed, frame, lambda i: by_row.get(int(frame.at[i, "_row"])),
                                      known_devices(context))
    return parsed


def load(engine, location: str, options=None) -> int | None:
    """`python -m data.loader load ocpi-cdrs FILE_OR_URL`."""
    parser = option_parser(SOURCE)
    add_options(parser)
    opts = parse_options(parser, options or {})
    return run_source(engine, SOURCE, location, opts, parser, parse, write_sessions,
                      rebuild_rollups=False)  # write_sessions updates them
