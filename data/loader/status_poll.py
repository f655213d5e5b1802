"""One poll of one OCPI Locations feed: fetch (paged, ``date_from`` after the first), then one transaction.

The transaction holds everything the poll found: new devices (through the ocpi-locations adapter, borough
by point in polygon), one ``status_changes`` row per EVSE whose status differs from its last row, the
feed's coverage span, its cursor (this poll's start, the next poll's ``date_from``) and counters, and the
``data_version:status`` bump. A SIGKILL before the commit loses the whole poll and nothing else: the next
run asks again from the same cursor. A failed fetch (down, slow, an error status, an HTML page, garbage
JSON, an incomplete listing) writes only the failure counters; the gap it leaves is "no data".

``last_updated`` rules (counted on the feed row): after the poll's start -> the poll's start (future);
before the cursor on a change -> the cursor (stale: the change was not there at the last poll); not after
the device's previous change -> one second after it (order kept).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from data import schema
from data.loader.sources import ocpi, ocpi_locations
from data.loader.sources.base import Parsed
from data.loader.sources.devices import write_devices
from data.loader.watch_feeds import Feed

log = logging.getLogger(__name__)
SOURCE = "status"
ONE_SECOND = timedelta(seconds=1)


@dataclass
class Fetched:
    """What one fetch returned: Location records, or the one-line error."""

    started: datetime
    records: list[tuple[int, dict]] = field(default_factory=list)
    error: str | None = None


def iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def delta_url(url: str, cursor: datetime | None) -> str:
    """The feed URL with OCPI's ``date_from`` (inclusive) set to the cursor, if any."""
    if cursor is None:
        return url
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query)) | {"date_from": iso(cursor)}
    return urlunsplit(parts._replace(query=urlencode(query)))


def fetch(feed: Feed, cursor: datetime | None, started: datetime) -> Fetched:
    """Every Location changed since the cursor (all of them on the first poll); never raises."""
    opts = SimpleNamespace(timeout=feed.timeout, token=feed.token)
    try:
        # read to the end here: a feed's fault surfaces inside this try
        return Fetched(started, list(ocpi.records(delta_url(feed.url, cursor), Parsed(SOURCE, feed.url), opts)))
    except Exception as exc:  # noqa: BLE001 - any failure of one feed is that feed's error, never the watcher's
        return Fetched(started, error=f"{exc.__class__.__name__}: {exc}".splitlines()[0][:500])


def _utc(value) -> datetime | None:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    if pd.isna(ts):
        return None
    return (ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo else ts).to_pydatetime()


def evse_statuses(records: list[tuple[int, dict]], counts: dict) -> dict[str, tuple[str, datetime | None]]:
    """uid -> (OCPI status, last_updated) over published Locations; bad EVSEs counted in ``counts``."""
    out = {}
    for _, loc in records:
        if loc.get("publish") is False or not isinstance(loc.get("evses") or [], list):
            continue
        for evse in loc.get("evses") or []:
            uid = str(evse.get("uid") or "").strip() if isinstance(evse, dict) else ""
            status = str(evse.get("status") or "").upper() if uid else ""
            if status not in schema.STATUSES:
                counts["bad_evses"] += 1
                continue
            out[uid] = (status, _utc(evse.get("last_updated") or loc.get("last_updated")))
    return out


class DeviceState:
    """Each device's last stored (status, from_time), read once and kept in step with each commit."""

    def __init__(self, conn: Connection):
        c = schema.status_changes
        last = select(c.c.device_id, func.max(c.c.from_time).label("t")).group_by(c.c.device_id).subquery()
        rows = conn.execute(select(c.c.device_id, c.c.status, c.c.from_time).join(
            last, (last.c.device_id == c.c.device_id) & (last.c.t == c.c.from_time))).all()
        self.last = {d: (s, t) for d, s, t in rows}
        d = schema.devices
        self.known = set(conn.execute(select(d.c.device_id)).scalars())
        self.outside: set[str] = set()  # uids the adapter did not load (outside London, bad): not retried

    def changes(self, feed: str, statuses: dict, started: datetime, cursor: datetime | None,
                counts: dict) -> list[dict]:
        """The rows to append: only EVSEs (of known devices) whose status differs from their last row."""
        rows = []
        for uid, (status, updated) in statuses.items():
            prev = self.last.get(uid)
            if uid not in self.known or (prev and prev[0] == status):
                continue
            when = updated or started
            if when > started:
                counts["future_updates"] += 1
                when = started
            if cursor is not None and when < cursor:
                counts["stale_updates"] += 1
                when = cursor
            if prev and when <= prev[1]:
                when = prev[1] + ONE_SECOND
            rows.append({"device_id": uid, "from_time": when, "status": status, "feed": feed})
        return rows


def new_devices(conn: Connection, records: list, statuses: dict, state: DeviceState) -> int:
    """Load the Locations holding EVSEs never seen, through the ocpi-locations adapter; returns devices added."""
    fresh = {uid for uid in statuses if uid not in state.known and uid not in state.outside}
    if not fresh:
        return 0
    locs = [(n, loc) for n, loc in records
            if any(isinstance(e, dict) and str(e.get("uid") or "").strip() in fresh for e in loc.get("evses") or [])]
    parsed = ocpi_locations.parse_records(Parsed(ocpi_locations.SOURCE, "watch"), locs, conn)
    devices = parsed.tables["devices"]
    devices = devices[devices["device_id"].isin(fresh)]
    parsed.tables["devices"] = devices
    write_devices(conn, parsed, ocpi_locations.SOURCE, replace=False)
    for row, _, reason in parsed.quarantined:
        log.warning("watch: location record %s not loaded: %s", row, reason)
    state.known |= set(devices["device_id"])
    state.outside |= fresh - set(devices["device_id"])
    return len(devices)
