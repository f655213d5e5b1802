"""The borough comparison: the ranked boroughs, London's value, the table rows, the CSV frame and the summary."""

from __future__ import annotations

import pandas as pd

from data import metrics
from data.frames import ranking
from views import availability
from views.common import Source, borough_sums_for, empty_reason

TABLE_COLUMNS = [("rank", "Rank"), ("name", "Borough"), ("inner_outer", "Inner/Outer"), ("value", "Value"),
                 ("devices", "Devices"), ("sessions", "Sessions"), ("kwh", "kWh"),
                 ("population", "Residents"), ("area_km2", "km²"), ("plugin_vehicles", "Plug-in vehicles")]


NO_FIGURE = "No borough has a figure for this selection."
REGISTRY_LABEL = "Registry devices (same date)"
RAPID_BANDS = ("rapid", "ultra")  # the registry's devices of 50 kW and above


def registry_beside(sums: pd.DataFrame, counts: pd.DataFrame, state: dict) -> pd.Series:
    """The registry's own count for each borough, over the same denominator as DfT's official one beside it
    (rapid: the registry's 50 kW and above devices), so coverage of the registry can be read off."""
    rapid = state["metric"] == "official_rapid"
    picked = counts[counts["power_band"].isin(RAPID_BANDS)] if rapid else counts
    frame = sums.assign(devices=sums["gss_code"].map(picked.groupby("gss_code")["devices"].sum()).fillna(0.0))
    return metrics.compute("devices", frame, state["denominator"])


def ranked(src: Source, state: dict):
    """((ranked boroughs, London's value), None) for the state, or (None, the sentence shown instead). For an
    official count, ``registry`` holds the registry's count beside it."""
    reason = empty_reason(state) or availability.unavailable(availability.offer(src), state)
    if reason:
        return None, reason
    sums, counts = borough_sums_for(src, state)
    if sums.empty:
        return None, "No boroughs are loaded yet."
    if metrics.metric(state["metric"]).official:
        sums = sums.assign(registry=registry_beside(sums, counts, state))
    frame, london = ranking(sums, state["metric"], state["denominator"])
    if frame["value"].isna().all():
        return None, NO_FIGURE
    return (frame, london), None


def official_quarter(frame: pd.DataFrame, state: dict) -> str | None:
    """'DfT count at Jul 2025' (the latest quarter shown), with the 2023 rapid threshold named."""
    col = f"{state['metric']}_quarter"
    if col not in frame or frame[col].isna().all():
        return None
    when = pd.Timestamp(frame[col].max())
    text = f"DfT count at {when.strftime('%b %Y')}"
    if state["metric"] == "official_rapid":
        text += " (rapid: 50 kW and above from Oct 2023, 25 kW and above before)"
    return text


def table_rows(ranked_frame: pd.DataFrame) -> list[dict]:
    """Rows for the table view: the same figures as the chart (None where there is no figure)."""
    extra = ["registry"] if "registry" in ranked_frame else []  # an official count's registry count beside it
    out = ranked_frame.assign(rank=range(1, len(ranked_frame) + 1))[[key for key, _ in TABLE_COLUMNS] + extra]
    return out.astype(object).where(out.notna(), None).to_dict("records")


def comparison_frame(src: Source, state: dict) -> pd.DataFrame:
    """The comparison table's rows: the 33 boroughs ranked by the metric and denominator (the CSV export)."""
    result, _ = ranked(src, state)
    out = pd.DataFrame(table_rows(result[0])) if result else pd.DataFrame(columns=[k for k, _ in TABLE_COLUMNS])
    out.attrs.update(metric=state["metric"], denominator=state["denominator"])
    return out


def london_label(state: dict) -> str:
    """What the dashed reference line is: London as a whole, or the average borough for additive totals."""
    d = metrics.denominator_for(state["metric"], state["denominator"])
    return "London, average borough" if d.column is None and metrics.metric(state["metric"]).additive else "London"


def compare_summary(frame: pd.DataFrame, label: str, metric_key: str | None = None, denom_key: str | None = None) -> str:
    """Highest and lowest boroughs for the metric, their values formatted by its unit (the metric and denominator
    given, else the frame's attrs as comparison_frame sets them)."""
    ranked_rows = frame.dropna(subset=["value"])
    if ranked_rows.empty:
        return "No borough has a figure for this selection."
    hi, lo = ranked_rows.iloc[0], ranked_rows.iloc[-1]
    key = metric_key or frame.attrs.get("metric", metrics.DEFAULT_METRIC)
    denom = denom_key or frame.attrs.get("denominator", "total")
    return (f"{label}: highest {hi['name']} ({metrics.fmt_value(key, hi['value'], denom)}), "
            f"lowest {lo['name']} ({metrics.fmt_value(key, lo['value'], denom)}).")
