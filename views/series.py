"""The time-series panel: its lines and the hour-of-week grid, their CSV frames and their summaries."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data import metrics, queries, status_cached, timeseries
from data.frames import bucket_ends, granularity_for, largest_boroughs, official_series, partial_buckets
from data.vocabulary import DAYS
from views.common import Source, filter_args


@dataclass(frozen=True)
class Lines:
    frame: pd.DataFrame  # area, bucket, value
    official: pd.DataFrame | None  # DfT's counts beside the devices (device metric only)
    names: dict[str, str]  # GSS code -> borough name
    granularity: str
    note: str = ""  # what the line leaves out, said on the chart (partly covered weeks or months)


def _filtered_devices(src: Source, state: dict) -> pd.DataFrame:
    f = filter_args(state)
    devices = queries.device_frame(src.db, src.version)
    keep = devices["power_band"].isin(f["bands"]) & devices["location_type"].isin(f["locations"])
    if f["operators"]:
        keep &= devices["operator"].isin(f["operators"])
    return devices[keep]


def _frames(src: Source, state: dict, areas: list[str], gran: str, boroughs: pd.DataFrame):
    """(frame, official) for the metric over the chosen denominator: DfT's counts over every quarter loaded;
    the registry's devices in service at each bucket's end (DfT's counts beside them); or usage flows from
    the cached daily sums (rollups)."""
    m, denom, names = metrics.metric(state["metric"]), state["denominator"], [queries.LONDON, *areas]
    history = queries.denominator_history(src.db, src.version)

    def den_for(buckets):
        return timeseries.denominators_at(history, boroughs, buckets)

    needs_den = metrics.denominator_for(m.key, denom).column is not None or "plugin_vehicles" in m.needs
    if m.official:
        official = queries.official_counts(src.db, src.version)
        return timeseries.official_lines(official, names, m.key, denom,
                                         den_for(official["quarter"].unique()) if needs_den else None), None
    if metrics.reads_status(m.key):
        days = status_cached.borough_days(src.db, f"{src.version}:{status_cached.status_version(src.db)}",
                                          state["from"], state["to"], tuple(sorted(state["bands"])), tuple(areas))
        return timeseries.status_lines(days, gran, m.key, src.min_count), None
    if m.stock or not m.usage:
        ends = bucket_ends(state["from"], state["to"], gran)
        frame = timeseries.stock_lines(_filtered_devices(src, state), names, state["from"], state["to"], gran,
                                       m.key, denom, den_for(ends) if needs_den else None)
        beside = None
        if m.key == "devices" and metrics.denominator_for(m.key, denom).column is None:
            beside = official_series(queries.official_counts(src.db, src.version), names, state["from"], state["to"])
        return frame, beside
    daily = queries.daily_usage(src.db, src.version, state["from"], state["to"], **filter_args(state),
                                gss_codes=tuple(areas))
    if daily.empty:
        return daily, None
    return timeseries.usage_lines(daily, gran, m.key, denom, den_for, state["from"], state["to"],
                                  src.min_count, protect=src.rounded), None


def partial_note(state: dict, frame: pd.DataFrame, gran: str) -> str:
    """'first and last week left out (...)' when a total's line leaves out buckets it covers only in part."""
    m = metrics.metric(state["metric"])
    if gran == "day" or not m.usage or m.stock or not m.additive or frame.empty:
        return ""
    shown = set(pd.DatetimeIndex(frame["bucket"]))
    left = partial_buckets(state["from"], state["to"], gran) - shown
    if not left:
        return ""
    ends = [b for b in left if b < min(shown)], [b for b in left if b > max(shown)]
    which = " and ".join(w for w, part in zip(("first", "last"), ends, strict=True) if part)
    if not which:
        return ""
    return f"{which} {gran} left out (the period covers {'them' if ' and ' in which else 'it'} in part)"


def lines(src: Source, state: dict) -> Lines:
    """The lines the panel draws and its CSV export writes: the selected boroughs (else the five largest) and
    London; usage points resting on too few sessions are blanked in public mode."""
    boroughs = queries.borough_frame(src.db, src.version, state["to"])
    areas = list(state["boroughs"]) or list(largest_boroughs(boroughs))
    gran = granularity_for(state["from"], state["to"], state["granularity"])
    frame, official = _frames(src, state, areas, gran, boroughs)
    return Lines(frame, official, dict(zip(boroughs["gss_code"], boroughs["name"], strict=True)), gran,
                 partial_note(state, frame, gran))


def series_frame(src: Source, state: dict) -> pd.DataFrame:
    """The lines as one long frame with borough names: what the CSV export writes."""
    ln = lines(src, state)
    return ln.frame.assign(name=ln.frame["area"].map(lambda a: ln.names.get(a, a)), metric=state["metric"],
                           denominator=state["denominator"], granularity=ln.granularity)


def heatmap(src: Source, state: dict) -> pd.DataFrame:
    """Sessions and kWh by weekday (Mon=0) and hour for the selection (all London when none), suppressed in
    public mode."""
    frame = queries.hour_of_week(src.db, src.version, state["from"], state["to"], **filter_args(state),
                                 gss_codes=tuple(state["boroughs"]))
    return src.public(frame)


def _metric_of(frame: pd.DataFrame) -> tuple[str, str]:
    """(metric, denominator) a series frame holds (series_frame's columns), so its values round by their unit."""
    first = frame.iloc[0] if len(frame) else {}
    return (first["metric"] if "metric" in frame else metrics.DEFAULT_METRIC,
            first["denominator"] if "denominator" in frame else "total")


def series_summary(frame: pd.DataFrame, label: str) -> str:
    """'Sessions by week: Westminster from 120 to 140 (peak 160, 2025-03-03); London ...'."""
    key, denom = _metric_of(frame)

    def fmt(v) -> str:
        return metrics.fmt_value(key, v, denom)

    parts = []
    for name, sub in frame.groupby("name", sort=False):
        sub = sub.dropna(subset=["value"])
        if sub.empty:
            continue
        peak = sub.loc[sub["value"].idxmax()]
        parts.append(f"{name} from {fmt(sub['value'].iloc[0])} to {fmt(sub['value'].iloc[-1])} "
                     f"(peak {fmt(peak['value'])} in the {str(peak['bucket'])[:10]} period)")
    return f"{label} over time: " + "; ".join(parts) + "." if parts else "No figures for this selection."


def heatmap_title(state: dict) -> str:
    """The grid's title: always session start times, and says so when a live-status metric is chosen (status is
    kept per day, not per hour of the week, so the grid cannot show occupancy or reliability)."""
    if metrics.reads_status(state["metric"]):
        return f"When sessions start (% of the week), not {metrics.metric(state['metric']).label.lower()}"
    return "When sessions start (% of the week)"


def status_note(state: dict) -> str:
    """Under a live-status metric, the sentence that says what the grid shows instead ('' otherwise)."""
    if not metrics.reads_status(state["metric"]):
        return ""
    return (f"This grid shows when sessions start (metered, and inferred from live status), not "
            f"{metrics.metric(state['metric']).label.lower()}: live status is kept per day, not per hour of the week. ")


def heatmap_summary(frame: pd.DataFrame, state: dict | None = None) -> str:
    """The busiest and quietest hours of the week as shares of its sessions (after ``status_note``)."""
    note = status_note(state) if state is not None else ""
    total = frame["sessions"].sum()
    if not total or pd.isna(total):
        return note + "No sessions in this selection."
    top = frame.sort_values("sessions", ascending=False).iloc[0]
    share = top["sessions"] / total * 100
    return (f"{note}Sessions start most often on {DAYS[int(top['dow'])]} at {int(top['hour']):02d}:00 "
            f"({share:.1f}% of the week's sessions); {int((frame['sessions'] > 0).sum())} of 168 hours have any.")


def series_table(series: pd.DataFrame) -> pd.DataFrame:
    """The lines as a table: one row per period, one column per area."""
    if series.empty:
        return series
    key, denom = _metric_of(series)
    table = series.pivot_table(index="bucket", columns="name", values="value", sort=False)
    return table.apply(lambda col: metrics.rounded(key, col, denom)).reset_index()


def heatmap_table(heat: pd.DataFrame) -> pd.DataFrame:
    """The grid as a table: day name, hour, sessions, kWh."""
    out = heat.assign(day=heat["dow"].map(lambda d: DAYS[int(d)]))[["day", "hour", "sessions", "kwh"]]
    return out.assign(kwh=out["kwh"].astype(float).round(0))


def scope_text(state: dict) -> str:
    """Who the lines are for."""
    return "Selected boroughs" if state["boroughs"] else "Five most populous boroughs"


def london_label(metric_key: str, denom_key: str = "total") -> str:
    """The London line: per average borough for a total, else London as a whole."""
    total = metrics.denominator_for(metric_key, denom_key).column is None
    return "London, average borough" if total and metrics.metric(metric_key).additive else "London"


def series_title(state: dict) -> str:
    """The metric over its denominator ('Sessions per 100k residents'), without a unit for totals."""
    if metrics.denominator_for(state["metric"], state["denominator"]).column is None:
        return metrics.metric(state["metric"]).label
    return metrics.title(state["metric"], state["denominator"])


def y_title(state: dict) -> str:
    """The axis unit over the denominator: 'devices per 100k residents', 'vehicles per device'."""
    m, d = metrics.metric(state["metric"]), metrics.denominator_for(state["metric"], state["denominator"])
    if d.column is None:
        return m.unit
    return "vehicles per device" if metrics.inverted(m.key, d.key) else f"{m.unit} {d.label}"


def step_name(state: dict, ln: Lines) -> str:
    """'quarter' for DfT's counts (every quarter loaded), else the granularity."""
    return "quarter" if metrics.metric(state["metric"]).official else ln.granularity


def period_text(state: dict) -> str:
    """The period, or for DfT's counts every quarter loaded with the chosen period shaded."""
    if metrics.metric(state["metric"]).official:
        return f"every quarter loaded · shaded: {state['from']} to {state['to']}"
    return f"{state['from']} to {state['to']}"

