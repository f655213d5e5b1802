"""The time-series panel: its lines and the hour-of-week grid, their CSV frames and their summaries."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data import metrics, queries
from data.frames import granularity_for, largest_boroughs, official_series, stock_series, usage_series
from data.vocabulary import DAYS
from views.common import Source, filter_args


@dataclass(frozen=True)
class Lines:
    frame: pd.DataFrame  # area, bucket, value
    official: pd.DataFrame | None  # DfT's counts beside the devices (device metric only)
    names: dict[str, str]  # GSS code -> borough name
    granularity: str


def _frames(src: Source, state: dict, areas: list[str], gran: str):
    """(frame, official) for the metric: the devices in service at each bucket's end, or flows, both from the
    same cached daily sums (rollups), plus DfT's official counts beside the devices."""
    daily = queries.daily_usage(src.db, src.version, state["from"], state["to"], **filter_args(state),
                                gss_codes=tuple(areas))
    if state["metric"] == "devices":
        names = [queries.LONDON, *areas]
        official = official_series(queries.official_counts(src.db, src.version), names, state["from"], state["to"])
        return stock_series(daily, names, state["from"], state["to"], gran), official
    if daily.empty:
        return daily, None
    return usage_series(daily, gran, state["metric"], state["from"], state["to"], src.min_count), None


def lines(src: Source, state: dict) -> Lines:
    """The lines the panel draws and its CSV export writes: the selected boroughs (else the five largest) and
    London; usage points resting on too few sessions are blanked in public mode."""
    boroughs = queries.borough_frame(src.db, src.version, state["to"])
    areas = list(state["boroughs"]) or list(largest_boroughs(boroughs))
    gran = granularity_for(state["from"], state["to"], state["granularity"])
    frame, official = _frames(src, state, areas, gran)
    return Lines(frame, official, dict(zip(boroughs["gss_code"], boroughs["name"], strict=True)), gran)


def series_frame(src: Source, state: dict) -> pd.DataFrame:
    """The lines as one long frame with borough names: what the CSV export writes."""
    ln = lines(src, state)
    return ln.frame.assign(name=ln.frame["area"].map(lambda a: ln.names.get(a, a)), metric=state["metric"],
                           granularity=ln.granularity)


def heatmap(src: Source, state: dict) -> pd.DataFrame:
    """Sessions and kWh by weekday (Mon=0) and hour for the selection (all London when none), suppressed in
    public mode."""
    frame = queries.hour_of_week(src.db, src.version, state["from"], state["to"], **filter_args(state),
                                 gss_codes=tuple(state["boroughs"]))
    return src.public(frame)


def series_summary(frame: pd.DataFrame, label: str) -> str:
    """'Sessions by week: Westminster from 120 to 140 (peak 160, 2025-03-03); London ...'."""
    key = frame["metric"].iloc[0] if "metric" in frame and len(frame) else metrics.DEFAULT_METRIC

    def fmt(v) -> str:
        return metrics.fmt_value(key, v)

    parts = []
    for name, sub in frame.groupby("name", sort=False):
        sub = sub.dropna(subset=["value"])
        if sub.empty:
            continue
        peak = sub.loc[sub["value"].idxmax()]
        parts.append(f"{name} from {fmt(sub['value'].iloc[0])} to {fmt(sub['value'].iloc[-1])} "
                     f"(peak {fmt(peak['value'])} in the {str(peak['bucket'])[:10]} period)")
    return f"{label} over time: " + "; ".join(parts) + "." if parts else "No figures for this selection."


def heatmap_summary(frame: pd.DataFrame) -> str:
    """The busiest and quietest hours of the week as shares of its sessions."""
    total = frame["sessions"].sum()
    if not total or pd.isna(total):
        return "No sessions in this selection."
    top = frame.sort_values("sessions", ascending=False).iloc[0]
    share = top["sessions"] / total * 100
    return (f"Sessions start most often on {DAYS[int(top['dow'])]} at {int(top['hour']):02d}:00 "
            f"({share:.1f}% of the week's sessions); {int((frame['sessions'] > 0).sum())} of 168 hours have any.")


def series_table(series: pd.DataFrame) -> pd.DataFrame:
    """The lines as a table: one row per period, one column per area."""
    if series.empty:
        return series
    key = series["metric"].iloc[0] if "metric" in series else metrics.DEFAULT_METRIC
    table = series.pivot_table(index="bucket", columns="name", values="value", sort=False)
    return table.apply(lambda col: metrics.rounded(key, col)).reset_index()


def heatmap_table(heat: pd.DataFrame) -> pd.DataFrame:
    """The grid as a table: day name, hour, sessions, kWh."""
    out = heat.assign(day=heat["dow"].map(lambda d: DAYS[int(d)]))[["day", "hour", "sessions", "kwh"]]
    return out.assign(kwh=out["kwh"].astype(float).round(0))


def scope_text(state: dict) -> str:
    """Who the lines are for."""
    return "Selected boroughs" if state["boroughs"] else "Five most populous boroughs"


def london_label(metric_key: str) -> str:
    return "London, average borough" if metrics.metric(metric_key).additive else "London"

