"""Borough comparison callbacks: ranked bars, and the same figures as a table while its tab is open."""

from __future__ import annotations

from dash import Input, Output, no_update

from callbacks.common import guarded, message, panel
from callbacks.registry import callback
from data import metrics
from figures.compare import ranking_bars
from layouts import ids
from layouts.compare_panel import compare_table
from views import compare as view


@callback(
    Output(ids.COMPARE_GRAPH, "figure"),
    Output(ids.COMPARE_WRAP, "hidden"),
    Output(ids.COMPARE_MESSAGE, "children"),
    Input(ids.STATE, "data"),
)
@guarded(lambda alert: (no_update, True, alert))
@panel
def update_compare(src, state):
    """The 33 boroughs ranked by the chosen metric and denominator, London as reference."""
    result, reason = view.ranked(src, state)
    if result is None:
        return no_update, True, message(reason)
    ranked, london = result
    metric, denom = state["metric"], state["denominator"]
    label = view.london_label(state)
    fig = ranking_bars(ranked, london=london, london_label=f"{label}: {metrics.fmt_value(metric, london, denom)}",
                       title=metrics.title(metric, denom), x_title=metrics.title(metric, denom),
                       selected=tuple(state["boroughs"]),
                       subtitle=f"{state['from']} to {state['to']} · dashed line: {label}",
                       fmt=lambda v: metrics.fmt_value(metric, v, denom))
    return fig, False, None


@callback(
    Output(ids.COMPARE_TABLE, "children"),
    Input(ids.STATE, "data"),
    Input(ids.COMPARE_TABS, "active_tab"),
)
@guarded(lambda alert: alert)
def update_compare_table(state, tab):
    """The same figures as a table, built only while its tab is open: its 330 cells as Dash components were
    41 of the panel's 45 KB per response, and most of its warm time."""
    return compare_rows(state) if tab == "table" else []


@panel
def compare_rows(src, state):
    """The table for ``state`` (empty where the chart shows a message instead)."""
    result, _ = view.ranked(src, state)
    if result is None:
        return []
    metric, denom = state["metric"], state["denominator"]
    return compare_table(view.table_rows(result[0]), metrics.title(metric, denom),
                         fmt=lambda v: metrics.fmt_value(metric, v, denom))
