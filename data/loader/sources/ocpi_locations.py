"""`ocpi-locations`: OCPI 2.2.1 Location objects; each EVSE is one device, its connectors its own."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Connection

from data.loader.sources.base import Parsed, SourceError, option_parser, parse_options
from data.loader.sources.devices import (
    MAX_KW,
    keep_london,
    note_unknown_power,
    power_band,
    screen,
    write_devices,
)
from data.loader.sources.ocpi import add_options, records
from data.loader.sources.runner import run_source

SOURCE = "ocpi-locations"
PARKING = {"ON_STREET": "on-street", "ALONG_MOTORWAY": "en-route", "PARKING_GARAGE": "destination",
           "PARKING_LOT": "destination", "UNDERGROUND_GARAGE": "destination", "ON_DRIVEWAY": "other"}
PHASES = {"AC_3_PHASE": 3, "AC_2_PHASE": 2, "AC_2_PHASE_SPLIT": 2}


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


def _evse_rows(n: int, loc: dict) -> tuple[list[dict], list[dict]]:
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
                cons.append({"device_id": uid, "connector_no": i, "connector_type": con.get("standard"),
                             "rated_kw": connector_kw(con)})
    return devices, cons


def parse(location: str, opts, context: Connection | None = None) -> Parsed:
    """OCPI Locations -> London devices (one per EVSE) and connectors; bad EVSEs quarantined."""
    parsed = Parsed(SOURCE, location)
    return parse_records(parsed, records(location, parsed, opts), context)


def parse_records(parsed: Parsed, recs: list[tuple[int, dict]], context) -> Parsed:
    """(record number, Location) pairs already read -> ``parsed``'s devices and connectors tables."""
    devices, cons = [], []
    for n, loc in recs:
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
        d, c = _evse_rows(n, loc)
        devices += d
        cons += c
    parsed.rows_in += len(devices)
    frame = pd.DataFrame(devices, columns=["_row", "device_id", "name", "latitude", "longitude", "operator",
                                           "network", "location_type", "status", "removed_on", "source",
                                           "_raw"])
    frame[["latitude", "longitude"]] = frame[["latitude", "longitude"]].astype(float)
    cons = pd.DataFrame(cons, columns=["device_id", "connector_no", "connector_type", "rated_kw"])

    def raw(i):
        return frame.at[i, "_raw"]

    keep = screen(parsed, frame, raw, context, "EVSE without uid")
    frame = frame[keep].drop(columns=["_row", "_raw"])
    frame["max_kw"] = cons.groupby("device_id")["rated_kw"].max().reindex(frame["device_id"]).to_numpy()
    frame["power_band"] = power_band(frame["max_kw"].astype(float))
    frame = keep_london(parsed, frame, context) if len(frame) else frame.assign(gss_code=None)
    note_unknown_power(parsed, frame, "no connector power in the feed")
    parsed.tables["devices"] = frame.reset_index(drop=True)
    parsed.tables["connectors"] = cons[cons["device_id"].isin(set(frame["device_id"]))].drop_duplicates(
        ["device_id", "connector_no"])
    return parsed


def load(engine, location: str, options=None) -> int | None:
    """`python -m data.loader load ocpi-locations FILE_OR_URL [--replace]`."""
    parser = _parser()
    opts = parse_options(parser, options or {})
    return run_source(engine, SOURCE, location, opts, parser, parse,
                      lambda conn, parsed: write_devices(conn, parsed, SOURCE, opts.replace))
