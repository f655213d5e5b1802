"""`ocpi-locations`: OCPI 2.2.1 Location objects; each EVSE is one device, its connectors its own."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy.engine import Connection

from data import geo
from data.loader.sources.base import Parsed, SourceError, option_parser, parse_options
from data.loader.sources.devices import (
    MAX_KW,
    index_from,
    keep_london,
    note_unknown_power,
    power_band,
    screen,
    write_devices,
)
from data.loader.sources.ocpi import CHUNK_RECORDS, add_options, chunks, records
from data.loader.sources.runner import run_source
from data.loader.sources.tabular import Seen

SOURCE = "ocpi-locations"
PARKING = {"ON_STREET": "on-street", "ALONG_MOTORWAY": "en-route", "PARKING_GARAGE": "destination",
           "PARKING_LOT": "destination", "UNDERGROUND_GARAGE": "destination", "ON_DRIVEWAY": "other"}
PHASES = {"AC_3_PHASE": 3, "AC_2_PHASE": 2, "AC_2_PHASE_SPLIT": 2}
CONNECTOR_COLUMNS = ["device_id", "connector_no", "connector_type", "rated_kw"]


def _parser():
    p = option_parser(SOURCE)
    p.add_argument("--replace", action="store_true", help="first remove every device an earlier ocpi load added")
    add_options(p)
    return p


def _float(value) -> float | None:
    try:
        number = float(str(value).replace(",", "")) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is None or abs(number) != float("inf") else None


def connector_kw(con: dict) -> float | None:
    """max_electric_power (W), else voltage x amperage (x phases for 3-phase AC), in kW."""
    watts = _float(con.get("max_electric_power"))
    if watts is None:
        volts, amps = _float(con.get("max_voltage")), _float(con.get("max_amperage"))
        if volts is None or amps is None:
            return None
        watts = volts * amps * PHASES.get(str(con.get("power_type")), 1)
    kw = watts / 1000
    return kw if 0 <= kw <= MAX_KW else None


def _name(obj) -> str | None:
    return obj.get("name") if isinstance(obj, dict) else None


def _evse_rows(n: int, loc: dict, first: int) -> tuple[list[dict], list[dict]]:
    """The Location's EVSEs as device rows and their connectors (``_evse``: the EVSE's row, from ``first``)."""
    coords = loc.get("coordinates") or {}
    operator = _name(loc.get("operator")) or _name(loc.get("owner")) or loc.get("party_id")
    kind = PARKING.get(str(loc.get("parking_type") or loc.get("type") or "").upper(), "other")
    devices, cons = [], []
    for evse in loc.get("evses") or []:
        if not isinstance(evse, dict):
            continue
        own = evse.get("coordinates") or coords
        uid = str(evse.get("uid") or "").strip()
        status = str(evse.get("status") or "").lower() or None
        devices.append({"_row": n, "device_id": uid, "name": loc.get("name"),
                        "latitude": _float(own.get("latitude")), "longitude": _float(own.get("longitude")),
                        "operator": operator, "network": _name(loc.get("suboperator")) or loc.get("party_id"),
                        "location_type": kind, "status": status,
                        "removed_on": pd.Timestamp(evse.get("last_updated", "NaT")).tz_localize(None).normalize()
                        if status == "removed" and evse.get("last_updated") else None,
                        "source": SOURCE, "_raw": {"location": loc.get("id"), "evse": evse}})
        for i, con in enumerate(evse.get("connectors") or [], start=1):
            if isinstance(con, dict):
                cons.append({"_evse": first + len(devices) - 1, "device_id": uid, "connector_no": i,
                             "connector_type": con.get("standard"), "rated_kw": connector_kw(con)})
    return devices, cons


def parse(location: str, opts, context: Connection | None = None, chunk_records: int | None = None) -> Parsed:
    """OCPI Locations -> London devices (one per EVSE) and connectors; bad EVSEs quarantined. Read object by
    object and checked ``chunk_records`` Locations at a time, so memory follows London's devices, not the file."""
    parsed = Parsed(SOURCE, location)
    return parse_records(parsed, records(location, parsed, opts), context, chunk_records)


def parse_records(parsed: Parsed, recs: Iterable[tuple[int, dict]], context, chunk_records: int | None = None
                  ) -> Parsed:
    """(record number, Location) pairs -> ``parsed``'s devices and connectors tables, checked a chunk at a time
    (the same result as one chunk's: an EVSE uid repeated in a later chunk is still a duplicate)."""
    seen, parts = Seen(), []
    for batch in chunks(recs, chunk_records or CHUNK_RECORDS):
        devices, cons = _rows(parsed, batch)
        if devices and not isinstance(context, geo.BoroughIndex):
            context = index_from(context)  # once, not per chunk
        parts.append(_screened(parsed, devices, cons, context, seen))
    parts = [p for p in parts if len(p[0])] or parts[:1] or [_screened(parsed, [], [], context, seen)]
    frame = pd.concat([d for d, _ in parts], ignore_index=True)  # empty chunks left out: their dtypes differ
    note_unknown_power(parsed, frame, "no connector power in the feed")
    parsed.tables["devices"] = frame
    parsed.tables["connectors"] = pd.concat([c for _, c in parts], ignore_index=True).drop_duplicates(
        ["device_id", "connector_no"])
    return parsed


def _rows(parsed: Parsed, batch: list[tuple[int, dict]]) -> tuple[list[dict], list[dict]]:
    devices, cons = [], []
    for n, loc in batch:
        if "evses" not in loc and "coordinates" not in loc:
            raise SourceError(f"object {n} is not an OCPI Location (no coordinates or evses): "
                              "expected OCPI 2.2.1 Locations")
        if not isinstance(loc.get("evses") or [], list):
            parsed.rows_in += 1
            parsed.bad(n, loc, f"evses is not a list: {type(loc['evses']).__name__}")
            continue
        if loc.get("publish") is False:
            parsed.notes["unpublished locations (publish=false) not loaded"] += 1
            continue
        if not loc.get("evses"):
            parsed.notes["locations without EVSEs"] += 1
        d, c = _evse_rows(n, loc, len(devices))
        devices += d
        cons += c
    parsed.rows_in += len(devices)
    return devices, cons


def _screened(parsed: Parsed, devices: list[dict], cons: list[dict], context, seen: Seen
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A chunk's EVSE rows -> (its London devices, their connectors); bad rows quarantined."""
    frame = pd.DataFrame(devices, columns=["_row", "device_id", "name", "latitude", "longitude", "operator",
                                           "network", "location_type", "status", "removed_on", "source",
                                           "_raw"])
    frame[["latitude", "longitude"]] = frame[["latitude", "longitude"]].astype(float)
    frame["removed_on"] = frame["removed_on"].astype("datetime64[us]")  # one type whatever a chunk holds
    cons = pd.DataFrame(cons, columns=["_evse", *CONNECTOR_COLUMNS]).astype({"rated_kw": float})

    def raw(i):
        return frame.at[i, "_raw"]

    keep = screen(parsed, frame, raw, context, "EVSE without uid", seen)
    frame = frame[keep].drop(columns=["_row", "_raw"])
    # an EVSE's own connectors (not those of a quarantined EVSE with the same uid)
    frame["max_kw"] = cons.groupby("_evse")["rated_kw"].max().reindex(frame.index).to_numpy()
    frame["power_band"] = power_band(frame["max_kw"].astype(float))
    frame = keep_london(parsed, frame, context) if len(frame) else frame.assign(gss_code=None)
    return frame.reset_index(drop=True), cons[cons["_evse"].isin(frame.index)].drop(columns="_evse")


def load(engine, location: str, options=None) -> int | None:
    """`python -m data.loader load ocpi-locations FILE_OR_URL [--replace]`."""
    parser = _parser()
    opts = parse_options(parser, options or {})
    return run_source(engine, SOURCE, location, opts, parser, parse,
                      lambda conn, parsed: write_devices(conn, parsed, SOURCE, opts.replace))
