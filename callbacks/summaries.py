"""A text summary and a table alternative for each chart (screen readers; anyone who prefers numbers)."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, html, no_update

from callbacks.common import guarded, panel
from callbacks.registry import callback
from data import metrics
from layouts import ids
from views import compare, series
from views.common import empty_reason

MAX_ROWS = 120  # a longer table belongs in the CSV download


def table(frame: pd.DataFrame, caption: str) -> html.Details:
    """The figures as a plain table, folded away (the first MAX_ROWS rows; the CSV has them all)."""
    shown = frame.head(MAX_ROWS)
    head = html.Tr([html.Th(str(c), scope="col") for c in shown.columns])
    body = [html.Tr([html.Td("–" if pd.isna(v) else (f"{v:,.15g}" if isinstance(v, float) else str(v)[:10]))
                     for v in row]) for row in shown.itertuples(index=False)]
    more = [html.P(f"First {MAX_ROWS} of {len(frame)} rows: download the CSV for all.")] if len(frame) > MAX_ROWS else []
    return html.Details([html.Summary(f"Table: {caption}"),
                         html.Table([html.Caption(caption), html.Thead(head), html.Tbody(body)],
                                    className="table table-sm summary-table"), *more])


@callback(Output(ids.SERIES_SUMMARY, "children"), Output(ids.SERIES_HEATMAP_SUMMARY, "children"),
          Output(ids.COMPARE_SUMMARY, "children"), Input(ids.STATE, "data"))
@guarded(lambda _alert: (no_update, no_update, no_update))
@panel
def update_summaries(src, state):
    """One sentence per chart, and the time series and heatmap as tables."""
    if empty_reason(state):
        return [], [], []
    label = metrics.metric(state["metric"]).label
    lines = series.series_frame(src, state)
    heat = series.heatmap(src, state)
    ranked = compare.comparison_frame(src, state)
    return ([html.P(series.series_summary(lines, label)), table(series.series_table(lines), f"{label} by period")],
            [html.P(series.heatmap_summary(heat)), table(series.heatmap_table(heat), "Sessions and kWh by hour of the week")],
            [html.P(compare.compare_summary(ranked, metrics.title(state["metric"], state["denominator"])))])
