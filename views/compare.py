"""The borough comparison: the ranked boroughs, London's value, the table rows, the CSV frame and the summary."""

from __future__ import annotations

import pandas as pd

from data import metrics
from data.frames import ranking
from views.common import Source, borough_sums_for, empty_reason

TABLE_COLUMNS = [("rank", "Rank"), ("name", "Borough"), ("inner_outer", "Inner/Outer"), ("value", "Value"),
                 ("devices", "Devices"), ("sessions", "Sessions"), ("kwh", "kWh"),
                 ("population", "Residents"), ("area_km2", "km²"), ("plugin_vehicles", "Plug-in vehicles")]


def ranked(src: Source, state: dict):
    """((ranked boroughs, London's value), None) for the state, or (None, the sentence shown instead)."""
    reason = empty_reason(state)
    if reason:
        return None, reason
    sums, _ = borough_sums_for(src, state)
    if sums.empty:
        return None, "No boroughs are loaded yet."
    return ranking(sums, state["metric"], state["denominator"]), None


def table_rows(ranked_frame: pd.DataFrame) -> list[dict]:
    """Rows for the table view: the same figures as the chart (None where there is no figure)."""
    out = ranked_frame.assign(rank=range(1, len(ranked_frame) + 1))[[key for key, _ in TABLE_COLUMNS]]
    return out.astype(object).where(out.notna(), None).to_dict("records")


def comparison_frame(src: Source, state: dict) -> pd.DataFrame:
    """The comparison table's rows: the 33 boroughs ranked by the metric and denominator (the CSV export)."""
    sums, _ = borough_sums_for(src, state)
    frame, _ = ranking(sums, state["metric"], state["denominator"])
    out = pd.DataFrame(table_rows(frame))
    out.attrs.update(metric=state["metric"], denominator=state["denominator"])
    return out


def london_label(state: dict) -> str:
    """What the dashed reference line is: London as a whole, or the average borough for additive totals."""
    d = metrics.denominator_for(state["metric"], state["denominator"])
    return "London, average borough" if d.column is None and metrics.metric(state["metric"]).additive else "London"


def compare_summary(frame: pd.DataFrame, label: str) -> str:
    """Highest and lowest boroughs for the metric."""
    ranked_rows = frame.dropna(subset=["value"])
    if ranked_rows.empty:
        return "No borough has a figure for this selection."
    hi, lo = ranked_rows.iloc[0], ranked_rows.iloc[-1]
    key, denom = frame.attrs.get("metric", metrics.DEFAULT_METRIC), frame.attrs.get("denominator", "total")
    return (f"{label}: highest {hi['name']} ({metrics.fmt_value(key, hi['value'], denom)}), "
            f"lowest {lo['name']} ({metrics.fmt_value(key, lo['value'], denom)}).")
