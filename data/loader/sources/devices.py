"""What the device adapters (ncr, ocpi-locations) share: power bands, coordinates, London, writing."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from data import geo, schema
from data.loader.sources.base import Parsed, SourceError
from data.loader.sources.tabular import Seen, in_uk
from data.loader.store import bulk_insert

DEVICE_COLUMNS = [c.name for c in schema.devices.columns]
MAX_KW = 1000.0  # no public charger is rated above this: more is a unit or typing error


def power_band(max_kw: pd.Series) -> pd.Series:
    """slow <8 kW, fast 8-49, rapid 50-149, ultra 150+ (the fastest connector decides); no power: unknown."""
    bands = np.select([max_kw < 8, max_kw < 50, max_kw < 150, max_kw >= 150],
                      ["slow", "fast", "rapid", "ultra"], default=schema.UNKNOWN_BAND)
    return pd.Series(bands, index=max_kw.index)


def note_unknown_power(parsed: Parsed, devices: pd.DataFrame, why: str) -> None:
    """Say in the run summary how many loaded devices got the 'unknown' power band, and why."""
    n = int(devices["power_band"].eq(schema.UNKNOWN_BAND).sum())
    if n:
        parsed.notes[f"devices with power band 'unknown' ({why})"] += n


def check_points(parsed: Parsed, frame: pd.DataFrame, raw) -> pd.Series:
    """Quarantine rows whose coordinates are missing, outside the UK or swapped; True = keep."""
    lat, lon = frame["latitude"], frame["longitude"]
    reasons = pd.Series(None, index=frame.index, dtype=object)
    reasons[lat.isna() | lon.isna()] = "bad coordinates: latitude/longitude missing or not numbers"
    swapped = reasons.isna() & ~in_uk(lat, lon) & in_uk(lon, lat)
    reasons[swapped] = "latitude and longitude swapped"
    reasons[reasons.isna() & ~in_uk(lat, lon)] = "coordinates outside the UK"
    return _quarantine(parsed, frame, raw, reasons)


SWAP_CORRECTED = "corrected: latitude and longitude swapped (inside the boundaries once swapped back)"


def correct_swaps(frame: pd.DataFrame, context) -> pd.Index:
    """Swap back latitude and longitude where the file has them swapped and the swapped-back point lies in
    a stored borough (in place); returns the corrected rows' labels (the rest of the swaps stay bad rows).
    ``context``: a borough index or a store connection (read only when some row is swapped)."""
    lat, lon = frame["latitude"], frame["longitude"]
    swapped = ~in_uk(lat, lon) & in_uk(lon, lat)
    if not swapped.any():
        return frame.index[:0]
    inside = pd.Series(index_from(context).assign(lon[swapped], lat[swapped]), index=frame.index[swapped]).notna()
    fixed = inside.index[inside.to_numpy()]
    frame.loc[fixed, ["latitude", "longitude"]] = frame.loc[fixed, ["longitude", "latitude"]].to_numpy()
    return fixed


def log_corrections(parsed: Parsed, frame: pd.DataFrame, raw, fixed: pd.Index, keep: pd.Series) -> None:
    """One quarantine-log row (reason "corrected") per corrected row that loads."""
    for idx in fixed[keep[fixed].to_numpy()]:
        parsed.corrected(int(frame.at[idx, "_row"]), raw(idx), SWAP_CORRECTED)


def check_duplicates(parsed: Parsed, frame: pd.DataFrame, raw, keep: pd.Series, seen: Seen | None = None
                     ) -> pd.Series:
    """Quarantine repeated device ids (among kept rows) after the first; True = keep."""
    reasons = pd.Series(None, index=frame.index, dtype=object)
    ids = frame[["device_id"]].where(keep, axis=0)
    dup = keep & (ids.duplicated() if seen is None else pd.Series(seen.repeated(ids, keep), index=frame.index))
    reasons[dup] = "duplicate device id: " + frame.loc[dup, "device_id"].astype(str)
    return keep & _quarantine(parsed, frame, raw, reasons)


def screen(parsed: Parsed, frame: pd.DataFrame, raw, context, missing_id: str, seen: Seen | None = None
           ) -> pd.Series:
    """The device adapters' row checks, one reason per bad row: swapped coordinates corrected where that puts
    the point in a stored borough (logged "corrected"), rows without an id (reason ``missing_id``), bad
    coordinates and repeated ids quarantined; True = keep. ``frame`` has device_id, latitude, longitude, _row.
    ``seen``: the ids kept from a file's earlier chunks (None: one frame)."""
    fixed = correct_swaps(frame, context)
    missing = frame["device_id"].fillna("").eq("")
    for i in frame.index[missing]:
        parsed.bad(int(frame.at[i, "_row"]), raw(i), missing_id)
    # a row without an id is not checked again for its coordinates
    keep = check_points(parsed, frame[~missing], raw).reindex(frame.index, fill_value=False)
    keep = check_duplicates(parsed, frame, raw, keep, seen)
    log_corrections(parsed, frame, raw, fixed, keep)
    return keep


def _quarantine(parsed: Parsed, frame: pd.DataFrame, raw, reasons: pd.Series) -> pd.Series:
    for idx in reasons.dropna().index:
        parsed.bad(int(frame.at[idx, "_row"]), raw(idx), reasons[idx])
    return reasons.isna()


def index_from(context) -> geo.BoroughIndex:
    """The borough index from a store connection (or a ready index, for pure parsing)."""
    if isinstance(context, geo.BoroughIndex):
        return context
    from data.loader.sources.boundaries import borough_index

    index = borough_index(context) if context is not None else geo.BoroughIndex([], [])
    if not len(index):
        raise SourceError("the store has no borough boundaries yet, so London cannot be told apart: "
                          "run `python -m data.loader load boundaries London_Borough_Excluding_MHW.geojson` "
                          "first")
    return index


def keep_london(parsed: Parsed, devices: pd.DataFrame, context) -> pd.DataFrame:
    """Give each device its borough; devices outside London are counted, not loaded."""
    devices = devices.copy()
    devices["gss_code"] = index_from(context).assign(devices["latitude"], devices["longitude"])
    outside = devices["gss_code"].isna()
    if outside.any():
        parsed.notes["devices outside London (counted, not loaded)"] += int(outside.sum())
    return devices[~outside]


def write_devices(conn: Connection, parsed: Parsed, source: str, replace: bool) -> None:
    """Upsert devices and their connectors by device id (--replace: drop this source's first)."""
    dev, con = parsed.tables["devices"], parsed.tables["connectors"]
    d, c = schema.devices, schema.connectors
    if replace:
        old = d.select().with_only_columns(d.c.device_id).where(d.c.source == source)
        conn.execute(c.delete().where(c.c.device_id.in_(old)))
        conn.execute(d.delete().where(d.c.source == source))
    ids = dev["device_id"].tolist()
    for start in range(0, len(ids), 5000):  # keep IN lists within SQLite's variable limit
        chunk = ids[start:start + 5000]
        conn.execute(c.delete().where(c.c.device_id.in_(chunk)))
        conn.execute(d.delete().where(d.c.device_id.in_(chunk)))
    bulk_insert(conn, d, dev[[col for col in DEVICE_COLUMNS if col in dev.columns]])
    bulk_insert(conn, c, con[con["device_id"].isin(set(ids))])
