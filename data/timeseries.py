"""Time-series frames that follow the chosen denominator, and the stock lines real data can give without
sessions: the registry's devices in service and DfT's official quarterly counts.

Every line is built the same way: per area and bucket the sums a metric needs (``devices``, ``official_*``,
usage sums), the denominators as they stood at that bucket (population and plug-in vehicles as of the latest
figure at or before it, area), then ``metrics.compute``. London is all boroughs summed, numerator and
denominator alike; a total without a denominator is shown per average borough, as everywhere else.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data import metrics
from data.frames import N_BOROUGHS, OFFICIAL, _bucket, bucket_ends, usage_series, without_partial
from data.queries import LONDON, USAGE_SUMS

MEASURES = ("population", "plugin_vehicles")
COLUMNS = ["area", "bucket", "value"]


def denominators_at(history: pd.DataFrame, boroughs: pd.DataFrame, buckets) -> pd.DataFrame:
    """Per borough and bucket: population and plug-in vehicles as of the latest figure at or before the bucket
    (the earliest one held before any), and the area."""
    buckets = pd.DatetimeIndex(sorted(set(pd.DatetimeIndex(buckets))))
    out = pd.MultiIndex.from_product([boroughs["gss_code"], buckets], names=["gss_code", "bucket"]).to_frame(index=False)
    for measure in MEASURES:
        rows = history[history["measure"] == measure]
        if rows.empty:
            out[measure] = np.nan
            continue
        wide = rows.pivot_table(index="period", columns="gss_code", values="value", aggfunc="last")
        wide = wide.reindex(wide.index.union(buckets)).sort_index().ffill().bfill().reindex(buckets)
        out[measure] = [wide.at[b, g] if g in wide else np.nan for g, b in zip(out["gss_code"], out["bucket"],
                                                                                 strict=True)]
    out["area_km2"] = out["gss_code"].map(dict(zip(boroughs["gss_code"], boroughs["area_km2"], strict=True)))
    return out


def with_denominators(frame: pd.DataFrame, den: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (area, bucket, sums) with each area's denominators at each bucket (London: all boroughs')."""
    cols = [*MEASURES, "area_km2"]
    london = den.groupby("bucket", as_index=False)[cols].sum(min_count=1).assign(area=LONDON)
    table = pd.concat([den.rename(columns={"gss_code": "area"}), london], ignore_index=True)
    return frame.merge(table[["area", "bucket", *cols]], on=["area", "bucket"], how="left")


def _values(frame: pd.DataFrame, metric_key: str, denom_key: str) -> pd.DataFrame:
    frame = frame.assign(value=metrics.compute(metric_key, frame, denom_key))
    if metrics.denominator_for(metric_key, denom_key).column is None and metrics.metric(metric_key).additive:
        london = frame["area"] == LONDON
        frame.loc[london, "value"] = frame.loc[london, "value"] / N_BOROUGHS
    return frame[COLUMNS]


def stock_counts(devices: pd.DataFrame, areas: list[str], ends: pd.DatetimeIndex) -> pd.DataFrame:
    """Devices in service on each of ``ends`` per area (installed by then, not yet removed; an unknown install
    date counts as installed), from the device list itself: real stores have no daily rollup without sessions."""
    placed = devices[devices["gss_code"].notna()]
    when = ends.to_numpy("datetime64[ns]")
    rows = []
    for area in areas:
        sub = placed if area == LONDON else placed[placed["gss_code"] == area]
        inst = np.sort(sub["installed_on"].fillna(pd.Timestamp.min).to_numpy("datetime64[ns]"))
        gone = np.sort(sub["removed_on"].dropna().to_numpy("datetime64[ns]"))
        n = np.searchsorted(inst, when, "right") - np.searchsorted(gone, when, "right")
        rows.append(pd.DataFrame({"area": area, "bucket": ends, "devices": n.astype(float)}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["area", "bucket", "devices"])


def stock_lines(devices: pd.DataFrame, areas: list[str], start: str, end: str, gran: str, metric_key: str,
                denom_key: str, den: pd.DataFrame | None) -> pd.DataFrame:
    """The registry's devices (or plug-in vehicles per device) at each bucket's last day, per area."""
    frame = stock_counts(devices, areas, bucket_ends(start, end, gran))
    return _values(with_denominators(frame, den) if den is not None else frame, metric_key, denom_key)


def official_lines(official: pd.DataFrame, areas: list[str], metric_key: str, denom_key: str,
                   den: pd.DataFrame | None) -> pd.DataFrame:
    """DfT's official count per area over every quarter loaded (London: the boroughs' sum), as the metric."""
    col = metric_key
    boroughs = official[official["la_code"].str.startswith("E09")].dropna(subset=[OFFICIAL[col]])
    rows = []
    for area in areas:
        sub = boroughs if area == LONDON else boroughs[boroughs["la_code"] == area]
        sums = sub.groupby("quarter")[OFFICIAL[col]].sum(min_count=1)
        rows.append(pd.DataFrame({"area": area, "bucket": sums.index, col: sums.to_numpy(float)}))
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["area", "bucket", col])
    if den is not None:
        frame = with_denominators(frame, den)
    return _values(frame, metric_key, denom_key).dropna(subset=["value"])


def usage_lines(daily: pd.DataFrame, gran: str, metric_key: str, denom_key: str, den_for, start: str, end: str,
                min_sessions: int = 0, protect=None) -> pd.DataFrame:
    """Usage per area per bucket over the chosen denominator (per device: devices in service on average over
    the bucket's days in the period); totals and ratio metrics as ``frames.usage_series`` draws them.
    ``protect`` (public mode's rounding) is applied to each point's sums before its value is computed."""
    frame = daily.assign(bucket=_bucket(daily["day"], gran))
    sums = frame.groupby(["area", "bucket"], as_index=False)[list(USAGE_SUMS)].sum()
    if metrics.denominator_for(metric_key, denom_key).column is None:
        out = usage_series(daily, gran, metric_key, start, end, min_sessions, protect=protect)
    else:
        small = sums["sessions"].to_numpy() < min_sessions  # on the counts as they are, before any rounding
        if protect is not None:
            sums = protect(sums)
        days = _bucket(pd.Series(pd.date_range(start[:10], end[:10], freq="D")), gran).value_counts()
        sums["avg_devices"] = sums["device_days"] / sums["bucket"].map(days).astype(float)
        out = _values(with_denominators(sums, den_for(sums["bucket"].unique())), metric_key, denom_key)
        out.loc[small, "value"] = np.nan
        out = without_partial(out, metric_key, daily, gran, start, end)
    # No session in a bucket: no figure (session data covers some operators and months), never a 0.
    idle = sums.loc[~(sums["sessions"] > 0), ["area", "bucket"]].assign(idle=True)
    out = out.merge(idle, on=["area", "bucket"], how="left")
    out.loc[out["idle"].eq(True), "value"] = np.nan
    return out[COLUMNS]


def status_lines(days: pd.DataFrame, gran: str, metric_key: str, min_count: int = 0) -> pd.DataFrame:
    """A live-status metric (occupancy, reliability) per area per bucket, from the status minutes per day
    (``status_queries.borough_days``): minutes summed over the bucket's days, then the ratio; in public mode a
    point resting on fewer status devices than the threshold is blank."""
    frame = days.assign(bucket=_bucket(days["day"], gran))
    sums = frame.groupby(["area", "bucket"], as_index=False).agg(
        devices=("devices", "max"), in_use=("in_use", "sum"), observed=("observed", "sum"),
        available=("available", "sum"), reserved=("reserved", "sum"),
        not_working=("not_working", "sum"))
    status = pd.DataFrame({"status_in_use": sums["in_use"], "status_observed": sums["observed"],
                           "status_working": sums["in_use"] + sums["available"] + sums["reserved"],
                           "status_not_working": sums["not_working"]})
    out = sums[["area", "bucket"]].assign(value=metrics.compute(metric_key, status).to_numpy())
    if min_count > 0:
        out.loc[sums["devices"].to_numpy() < min_count, "value"] = np.nan
    return out[COLUMNS]
