"""What an export is called and how its columns read: file names carry the panel, metric and period; the value
column names the metric, denominator and unit; values are rounded to the precision the dashboard shows."""

from __future__ import annotations

import re

import pandas as pd

from data import metrics

HEATMAP_STEM = "sessions-by-hour-of-week"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("²", "2")).strip("-")


def metric_words(metric_key: str, denom_key: str = "total") -> str:
    """'Sessions per 100k residents', 'Sessions', 'Utilisation': the metric and its denominator in words."""
    d = metrics.denominator_for(metric_key, denom_key)
    label = metrics.metric(metric_key).label
    return label if d.column is None else f"{label} {d.label}"


def stem(kind: str, state: dict) -> str:
    """'sessions-per-100k-residents_2025-01-01_2025-12-31' for the comparison; the other panels say which."""
    words = {"comparison": metric_words(state["metric"], state["denominator"]),
             "series": f"{metric_words(state['metric'], state['denominator'])} over time",
             "hour-of-week": HEATMAP_STEM, "devices": "devices"}[kind]
    return f"{_slug(words)}_{state['from']}_{state['to']}"


def value_header(metric_key: str, denom_key: str = "total") -> str:
    """'Sessions per 100k residents (sessions per 100k residents)', 'Sessions, total (sessions)',
    'Utilisation (%)': metric, denominator and unit in one column header."""
    m, d = metrics.metric(metric_key), metrics.denominator_for(metric_key, denom_key)
    if not m.additive:
        return f"{m.label} ({m.unit})"
    return f"{m.label}, total ({m.unit})" if d.column is None else f"{metric_words(metric_key, denom_key)} " \
        f"({metrics.unit_text(metric_key, denom_key)})"


def csv_frame(kind: str, frame: pd.DataFrame, state: dict) -> pd.DataFrame:
    """The frame as its CSV writes it: the value column named and rounded as shown."""
    if "value" not in frame.columns or kind not in ("series", "comparison"):
        return frame
    denom = state["denominator"]
    out = frame.assign(value=metrics.rounded(state["metric"], frame["value"], denom))
    return out.rename(columns={"value": value_header(state["metric"], denom)})
