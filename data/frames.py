"""Pure pandas shaping from query results to the frames the panels draw (sums first, ratios last)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from data import metrics
from data.queries import LONDON, USAGE_SUMS

GRANULARITIES = ("day", "week", "month")
_PERIOD = {"week": "W-SUN", "month": "M"}  # weeks run Monday to Sunday
N_BOROUGHS = 33


def period_days(start: str, end: str) -> int:
    """Days in the inclusive period."""
    return (date.fromisoformat(end[:10]) - date.fromisoformat(start[:10])).days + 1


def granularity_for(start: str, end: str, choice: str = "auto") -> str:
    """The chosen granularity, or for 'auto': day up to two months, week up to a year, else month."""
    if choice in GRANULARITIES:
        return choice
    days = period_days(start, end)
    return "day" if days <= 62 else "week" if days <= 370 else "month"


def _bucket(days: pd.Series, gran: str) -> pd.Series:
    if gran == "day":
        return days.dt.normalize()
    return days.dt.to_period(_PERIOD[gran]).dt.start_time


def partial_buckets(start: str, end: str, gran: str, first=None, last=None) -> set:
    """Buckets covered only in part by the period, or by the data (``first``..``last``, the days the usage
    rows span, when given): a total there is a sum over fewer days and would look like a sudden drop."""
    if gran == "day":
        return set()
    lo = max(pd.Timestamp(start[:10]), pd.Timestamp(first).normalize()) if first is not None else start[:10]
    hi = min(pd.Timestamp(end[:10]), pd.Timestamp(last).normalize()) if last is not None else end[:10]
    days = pd.Series(pd.date_range(lo, hi, freq="D"))
    covered = _bucket(days, gran).value_counts()  # days of the period in each bucket
    starts = pd.DatetimeIndex(covered.index)
    full = 7 if gran == "week" else starts.days_in_month.to_numpy()
    return set(starts[covered.to_numpy() < full])


def without_partial(sums: pd.DataFrame, metric_key: str, daily: pd.DataFrame, gran: str, start: str | None,
                    end: str | None) -> pd.DataFrame:
    """``sums`` (area, bucket, ...) less the partly covered buckets when the metric is a total (over any
    denominator: sessions per device over 2 days of a week is not that week's rate), so the line neither dips
    at its ends nor claims a week it has 2 days of. Kept when no full bucket is left: then the panel says so."""
    if not (start and end) or not metrics.metric(metric_key).additive or daily.empty:
        return sums
    partial = partial_buckets(start, end, gran, daily["day"].min(), daily["day"].max())
    if sums["bucket"].nunique() - len(partial & set(sums["bucket"])) < 1:
        return sums
    return sums[~sums["bucket"].isin(partial)]


def usage_series(daily: pd.DataFrame, gran: str, metric_key: str, start: str | None = None,
                 end: str | None = None, min_sessions: int = 0, protect=None) -> pd.DataFrame:
    """Metric per area per bucket from daily sums; London shown per average borough for totals.

    Totals leave out the partly covered first and last buckets (``without_partial``).
    Points resting on fewer than ``min_sessions`` sessions are blanked (public mode's suppression), and
    ``protect`` (public mode's rounding) is applied to each point's sums before its value is computed.
    """
    frame = daily.assign(bucket=_bucket(daily["day"], gran))
    sums = frame.groupby(["area", "bucket"], as_index=False)[list(USAGE_SUMS)].sum()
    small = sums["sessions"] < min_sessions
    if protect is not None:
        sums = protect(sums)
    sums["value"] = metrics.compute(metric_key, sums)
    sums.loc[small, "value"] = float("nan")
    if metrics.metric(metric_key).additive:
        london = sums["area"] == LONDON
        sums.loc[london, "value"] = sums.loc[london, "value"] / N_BOROUGHS
    return without_partial(sums, metric_key, daily, gran, start, end)[["area", "bucket", "value"]]


def bucket_ends(start: str, end: str, gran: str) -> pd.DatetimeIndex:
    """The last day of each bucket in the period, the last one capped at the period's end."""
    days = pd.Series(pd.date_range(start[:10], end[:10], freq="D"))
    return pd.DatetimeIndex(days.groupby(_bucket(days, gran)).max().to_numpy())


def stock_series(daily: pd.DataFrame, areas: list[str], start: str, end: str, gran: str) -> pd.DataFrame:
    """Devices in service on each bucket's last day, per area (London = all boroughs, per average borough).

    Read from the daily sums' ``device_days``: the rollup counts, for each day, the devices installed on or
    before it and not yet removed, the same rule as the key figures' count. A day without a row has none.
    """
    ends = bucket_ends(start, end, gran)
    wide = daily.pivot_table(index="day", columns="area", values="device_days", aggfunc="sum")
    rows = []
    for area in areas:
        values = wide[area].reindex(ends).fillna(0.0) if area in wide else pd.Series(0.0, index=ends)
        if area == LONDON:
            values = values / N_BOROUGHS
        rows.append(pd.DataFrame({"area": area, "bucket": ends, "value": values.to_numpy(float)}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["area", "bucket", "value"])


def official_series(official: pd.DataFrame, areas: list[str], start: str, end: str) -> pd.DataFrame:
    """DfT's quarterly counts for the areas within the period (London = the sum of boroughs per borough)."""
    inside = official[(official["quarter"] >= pd.Timestamp(start[:10])) & (official["quarter"] <= pd.Timestamp(end[:10]))]
    boroughs = inside[inside["la_code"].str.startswith("E09")]
    rows = []
    for area in areas:
        if area == LONDON:
            sub = boroughs.groupby("quarter", as_index=False)["total_devices"].sum()
            sub["total_devices"] = sub["total_devices"] / N_BOROUGHS
        else:
            sub = boroughs[boroughs["la_code"] == area]
        rows.append(pd.DataFrame({"area": area, "bucket": sub["quarter"], "value": sub["total_devices"]}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["area", "bucket", "value"])


OFFICIAL = {"official_devices": "total_devices", "official_rapid": "rapid_devices"}  # metric column <- DfT's


def official_at(official: pd.DataFrame, end: str) -> pd.DataFrame:
    """Per borough DfT's latest count at or before ``end`` (each measure on its own: the all-devices table may
    stop earlier than the rapid one) and the quarter it is for."""
    upto = official[official["la_code"].str.startswith("E09") & (official["quarter"] <= pd.Timestamp(end[:10]))]
    out = pd.DataFrame({"gss_code": pd.Series(sorted(set(upto["la_code"])), dtype=object)})
    for col, src in OFFICIAL.items():
        rows = upto.dropna(subset=[src]).sort_values("quarter").groupby("la_code", as_index=False).last()
        rows = rows.rename(columns={"la_code": "gss_code", src: col, "quarter": f"{col}_quarter"})
        out = out.merge(rows[["gss_code", col, f"{col}_quarter"]], on="gss_code", how="left")
    return out


def no_usage_as_missing(sums: pd.DataFrame) -> pd.DataFrame:
    """Boroughs with no session in the period have no usage figure (no data), not a usage of 0: session data
    comes from some operators only."""
    none = ~(sums["sessions"] > 0)
    return sums.assign(**{c: sums[c].mask(none) for c in ("sessions", "kwh", "plugged_hours")})


def borough_sums(boroughs: pd.DataFrame, usage: pd.DataFrame, counts: pd.DataFrame, days: int) -> pd.DataFrame:
    """One row per borough with every sum and denominator a metric may need."""
    devices = counts.groupby("gss_code")["devices"].sum()
    frame = boroughs.merge(usage, on="gss_code", how="left")
    for col in USAGE_SUMS:
        frame[col] = frame[col].fillna(0.0) if col in frame else 0.0
    frame["devices"] = frame["gss_code"].map(devices).fillna(0.0)
    frame["avg_devices"] = frame["device_days"] / max(days, 1)
    return frame


def _total_row(sums: pd.DataFrame) -> pd.DataFrame:
    cols = [*USAGE_SUMS, "devices", "avg_devices", "population", "area_km2", "plugin_vehicles",
            *(c for c in metrics.STATUS_SUMS if c in sums)]  # live status minutes, when the metric reads them
    return sums[cols].sum(min_count=1).to_frame().T


def ranking(sums: pd.DataFrame, metric_key: str, denom_key: str) -> tuple[pd.DataFrame, float]:
    """Boroughs ranked by the metric (highest first) and the London reference value."""
    ranked = sums.assign(value=metrics.compute(metric_key, sums, denom_key))
    ranked = ranked.sort_values("value", ascending=False, na_position="last").reset_index(drop=True)
    london = float(metrics.compute(metric_key, _total_row(sums), denom_key).iloc[0])
    if metrics.denominator_for(metric_key, denom_key).column is None and metrics.metric(metric_key).additive:
        london /= N_BOROUGHS  # a total compares with the average borough, not with all of London
    return ranked, london


def key_figures(sums: pd.DataFrame, counts: pd.DataFrame, gss_codes: tuple) -> dict:
    """Headline figures for the selection (all of London when none is selected)."""
    if gss_codes:
        sums = sums[sums["gss_code"].isin(gss_codes)]
        counts = counts[counts["gss_code"].isin(gss_codes)]
    total = _total_row(sums).apply(pd.to_numeric, errors="coerce")  # an empty store sums to NaN, not None

    def num(col: str) -> float:  # NaN (shown as an en dash) where no borough has the figure, never 0
        value = total[col].iloc[0]
        return float(value) if pd.notna(value) else float("nan")

    devices = float(counts["devices"].sum())
    rapid = float(counts.loc[counts["power_band"].isin(["rapid", "ultra"]), "devices"].sum())
    population = num("population")
    return {
        "devices": devices,
        "rapid_share": 100.0 * rapid / devices if devices else float("nan"),
        "per_100k": 1e5 * devices / population if population else float("nan"),
        "sessions": num("sessions"),
        "energy": num("kwh"),
        "utilisation": float(metrics.compute("utilisation", total).iloc[0]),
    }


def largest_boroughs(boroughs: pd.DataFrame, n: int = 5) -> tuple[str, ...]:
    """The n most populous boroughs (area when population is not loaded)."""
    key = "population" if boroughs["population"].notna().any() else "area_km2"
    return tuple(boroughs.sort_values(key, ascending=False)["gss_code"].head(n))
