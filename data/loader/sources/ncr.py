"""`ncr`: the National Chargepoint Registry CSV, full 158-column export or any reduced export."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy.engine import Connection

from data.loader.sources import tabular
from data.loader.sources.base import Parsed, option_parser, parse_options
from data.loader.sources.devices import (
    MAX_KW,
    index_from,
    keep_london,
    note_unknown_power,
    power_band,
    screen,
    write_devices,
)
from data.loader.sources.fetch import open_text
from data.loader.sources.runner import run_source
from data.loader.sources.tabular import ROW, Seen, column, csv_chunks, datetimes, numbers, raw_rows, require

SOURCE = "ncr"
LOCATION_TYPES = {
    "onstreet": "on-street", "onstreetparking": "on-street", "residential": "on-street",
    "servicestation": "en-route", "motorwayservices": "en-route", "fuelstation": "en-route",
    "publiccarpark": "destination", "retailcarpark": "destination", "parkrideside": "destination",
    "parkridesite": "destination", "hotelaccommodation": "destination", "leisurecentre": "destination",
    "educationalestablishment": "destination", "nhsproperty": "destination", "publicestate": "destination",
    "supermarket": "destination", "councilcarpark": "destination", "retail": "destination",
    "workplacecarpark": "other", "dealershipforecourt": "other", "privatehome": "other", "other": "other",
}
REQUIRED = {"device_id": ("chargeDeviceID",), "latitude": ("latitude", "lat"),
            "longitude": ("longitude", "lon", "lng")}


def _parser():
    p = option_parser(SOURCE)
    p.add_argument("--replace", action="store_true",
                   help="a complete snapshot: first remove every device an earlier ncr load added")
    p.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="the snapshot's date (default: the newest dateUpdated or dateCreated in the file)")
    return p


def _text(frame: pd.DataFrame, *names: str) -> pd.Series:
    col = column(frame, *names)
    if col is None:
        return pd.Series(None, index=frame.index, dtype=object)
    return frame[col].str.strip().replace("", None)


def location_type(frame: pd.DataFrame) -> pd.Series:
    """NCR locationType to on-street / destination / en-route / other (onStreetFlag breaks ties)."""
    kind = _text(frame, "locationType").fillna("").str.lower().str.replace(r"[^a-z]", "", regex=True)
    mapped = kind.map(LOCATION_TYPES).fillna("other")
    flag = _text(frame, "onStreetFlag").fillna("").str.lower().isin(["1", "true", "yes"])
    return mapped.mask(flag & mapped.eq("other"), "on-street")


def connectors(frame: pd.DataFrame, parsed: Parsed) -> pd.DataFrame:
    """connector1..8 Type / RatedOutputKW columns as one row per present connector."""
    parts = []
    for n in range(1, 9):
        kind, kw = _text(frame, f"connector{n}Type"), _text(frame, f"connector{n}RatedOutputKW")
        rated = numbers(kw)
        absurd = (rated < 0) | (rated > MAX_KW)
        if absurd.any():
            parsed.notes[f"connector ratings outside 0-{MAX_KW:g} kW left empty"] += int(absurd.sum())
        present = kind.notna() | kw.notna()
        parts.append(pd.DataFrame({"device_id": frame["device_id"], "connector_no": n,
                                   "connector_type": kind, "rated_kw": rated.mask(absurd)})[present])
    return pd.concat(parts, ignore_index=True)


def parse(location: str, opts, context: Connection | None = None, chunk_rows: int | None = None) -> Parsed:
    """NCR CSV -> devices in London (with borough) + connectors; bad rows quarantined. Read and checked
    ``chunk_rows`` rows (default ``tabular.CHUNK_ROWS``) at a time, so memory follows London's devices, not the
    file (a national export); the result is the same as one frame's (repeated ids across chunks included)."""
    parsed = Parsed(SOURCE, location)
    index = index_from(context)
    seen, found, parts, dates = Seen(), {"power": False}, [], []
    with open_text(location, opts.timeout) as stream:
        for raw in csv_chunks(stream, parsed, chunk_rows or tabular.CHUNK_ROWS):
            devices, cons, raw = _chunk(parsed, raw, index, seen, found)
            parts.append((devices, cons))
            dates.append(snapshot_date(raw))
    devices = pd.concat([d for d, _ in parts], ignore_index=True)
    note_unknown_power(parsed, devices, "no connector power given for the device" if found["power"]
                       else "no connector power in the file")
    parsed.data_date = getattr(opts, "as_of", None) or max((d for d in dates if d), default=None)
    parsed.tables["devices"] = devices
    parsed.tables["connectors"] = pd.concat([c for _, c in parts], ignore_index=True)
    return parsed


def _chunk(parsed: Parsed, raw: pd.DataFrame, index, seen: Seen, found: dict
           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One chunk of the file -> (its London devices, their connectors, its rows that passed the checks)."""
    cols = require(raw, "a National Chargepoint Registry export", **REQUIRED)
    frame = pd.DataFrame({"device_id": raw[cols["device_id"]].str.strip(), "_row": raw[ROW],
                          "latitude": numbers(raw[cols["latitude"]]),
                          "longitude": numbers(raw[cols["longitude"]])})
    keep = screen(parsed, frame, raw_rows(raw), index, "missing chargeDeviceID", seen)
    raw, frame = raw[keep], frame[keep]
    created = datetimes(raw[column(raw, "dateCreated")]) if column(raw, "dateCreated") else None
    devices = frame.drop(columns="_row").assign(
        name=_text(raw, "name", "reference"), operator=_text(raw, "deviceOwnerName").fillna(_text(raw, "deviceControllerName")),
        network=_text(raw, "deviceNetworks"), location_type=location_type(raw),
        access=_access(raw), status=_text(raw, "chargeDeviceStatus").str.lower(),
        installed_on=None if created is None else created.dt.normalize(),
        removed_on=_removed(raw), source=SOURCE)
    if created is not None:
        _note_bad_dates(parsed, raw, created)
    cons = connectors(devices.assign(**{c: raw[c] for c in raw.columns if c.startswith("connector")}), parsed)
    found["power"] = found["power"] or bool(cons["rated_kw"].notna().any())
    devices["max_kw"] = cons.groupby("device_id")["rated_kw"].max().reindex(devices["device_id"]).to_numpy()
    devices["power_band"] = power_band(devices["max_kw"])
    devices = keep_london(parsed, devices, index)
    return devices, cons[cons["device_id"].isin(set(devices["device_id"]))], raw


def snapshot_date(raw: pd.DataFrame) -> date | None:
    """The newest dateUpdated or dateCreated in the file (as written: no zone shift), the day the export was
    taken at the latest; a date after today is a typing error, not the snapshot's."""
    cols = [c for c in (column(raw, "dateUpdated"), column(raw, "dateCreated")) if c]
    stamps = pd.concat([datetimes(raw[c], tz="UTC") for c in cols]) if cols else pd.Series(dtype="datetime64[ns]")
    stamps = stamps[stamps.notna() & (stamps <= pd.Timestamp.now())]
    return stamps.max().date() if len(stamps) else None


def _note_bad_dates(parsed: Parsed, raw: pd.DataFrame, created: pd.Series) -> None:
    text = _text(raw, "dateCreated")
    bad = created.isna() & text.notna()
    if bad.any():
        parsed.notes["dateCreated not a date (e.g. 0000-00-00): install date left empty"] += int(bad.sum())


def _access(raw: pd.DataFrame) -> pd.Series:
    flag = _text(raw, "accessRestrictionFlag").fillna("").str.lower()
    return flag.map({"1": "restricted", "true": "restricted", "0": "public", "false": "public"})


def _removed(raw: pd.DataFrame) -> pd.Series:
    if column(raw, "dateDeleted") is None:
        return pd.Series(None, index=raw.index, dtype=object)
    return datetimes(raw[column(raw, "dateDeleted")]).dt.normalize()


def write(conn: Connection, parsed: Parsed, replace: bool = False) -> None:
    write_devices(conn, parsed, SOURCE, replace)


def load(engine, location: str, options=None) -> int | None:
    """`python -m data.loader load ncr FILE_OR_URL [--replace]`."""
    parser = _parser()
    opts = parse_options(parser, options or {})
    return run_source(engine, SOURCE, location, opts, parser, parse,
                      lambda conn, parsed: write(conn, parsed, opts.replace))
