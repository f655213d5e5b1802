"""A text summary and a table alternative for each chart (screen readers; anyone who prefers numbers)."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, callback, html, no_update

from callbacks.common import empty_reason, guarded, panel
from callbacks.exports import comparison_frame, heatmap_frame, series_frame
from data import metrics
from figures.series import DAYS
from layouts import ids

MAX_ROWS = 120  # a longer table belongs in the CSV download


def series_summary(frame: pd.DataFrame, label: str) -> str:
    """'Sessions by week: Westminster from 120 to 140 (peak 160, 2025-03-03); London ...'."""
    parts = []
    for name, sub in frame.groupby("name", sort=False):
        sub = sub.dropna(subset=["value"])
        if sub.empty:
            continue
        peak = sub.loc[sub["value"].idxmax()]
        parts.append(f"{name} from {sub['value'].iloc[0]:,.2f} to {sub['value'].iloc[-1]:,.2f} "
                     f"(peak {peak['value']:,.2f} in the {str(peak['bucket'])[:10]} period)")
    return f"{label} over time: " + "; ".join(parts) + "." if parts else "No figures for this selection."


def heatmap_summary(frame: pd.DataFrame) -> str:
    """The busiest and quietest hours of the week as shares of its sessions."""
    total = frame["sessions"].sum()
    if not total or pd.isna(total):
        return "No sessions in this selection."
    ranked = frame.sort_values("sessions", ascending=False)
    top = ranked.iloc[0]
    share = top["sessions"] / total * 100
    return (f"Sessions start most often on {DAYS[int(top['dow'])]} at {int(top['hour']):02d}:00 "
            f"({share:.1f}% of the week's sessions); {int((frame['sessions'] > 0).sum())} of 168 hours have any.")


def compare_summary(frame: pd.DataFrame, label: str) -> str:
    """Highest and lowest boroughs for the metric."""
    ranked = frame.dropna(subset=["value"])
    if ranked.empty:
        return "No borough has a figure for this selection."
    hi, lo = ranked.iloc[0], ranked.iloc[-1]
    return f"{label}: highest {hi['name']} ({hi['value']:,.2f}), lowest {lo['name']} ({lo['value']:,.2f})."


def table(frame: pd.DataFrame, caption: str) -> html.Details:
    """The figures as a plain table, folded away (the first MAX_ROWS rows; the CSV has them all)."""
    shown = frame.head(MAX_ROWS)
    head = html.Tr([html.Th(str(c), scope="col") for c in shown.columns])
    body = [html.Tr([html.Td("–" if pd.isna(v) else (f"{v:,.2f}" if isinstance(v, float) else str(v)[:10]))
                     for v in row]) for row in shown.itertuples(index=False)]
    more = [html.P(f"First {MAX_ROWS} of {len(frame)} rows: download the CSV for all.")] if len(frame) > MAX_ROWS else []
    return html.Details([html.Summary(f"Table: {caption}"),
                         html.Table([html.Caption(caption), html.Thead(head), html.Tbody(body)],
                                    className="table table-sm summary-table"), *more])


@callback(Output(ids.SERIES_SUMMARY, "children"), Output(ids.SERIES_HEATMAP_SUMMARY, "children"),
          Output(ids.COMPARE_SUMMARY, "children"), Input(ids.STATE, "data"))
@guarded(lambda _alert: (no_update, no_update, no_update))
@panel
def update_summaries(state):
    """One sentence per chart, and the time series and heatmap as tables."""
    if empty_reason(state):
        return [], [], []
    label = metrics.metric(state["metric"]).label
    series = series_frame(state)
    wide = series.pivot_table(index="bucket", columns="name", values="value", sort=False).reset_index() \
        if not series.empty else series
    heat = heatmap_frame(state)
    grid = heat.assign(day=heat["dow"].map(lambda d: DAYS[int(d)]))[["day", "hour", "sessions", "kwh"]]
    compare = comparison_frame(state)
    return ([html.P(series_summary(series, label)), table(wide, f"{label} by period")],
            [html.P(heatmap_summary(heat)), table(grid, "Sessions and kWh by hour of the week")],
            [html.P(compare_summary(compare, metrics.title(state["metric"], state["denominator"])))])
