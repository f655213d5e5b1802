"""Borough comparison callback: ranked bars and table for the metric and denominator."""

from __future__ import annotations

from dash import Input, Output, callback, no_update

from callbacks.common import borough_sums_for, empty_reason, guarded, message, panel
from data import metrics
from data.frames import ranking
from figures.compare import ranking_bars
from layouts import ids
from layouts.compare_panel import TABLE_COLUMNS, compare_table


def table_rows(ranked) -> list[dict]:
    """Rows for the table view: the same figures as the chart (None where there is no figure)."""
    out = ranked.assign(rank=range(1, len(ranked) + 1))[[key for key, _ in TABLE_COLUMNS]]
    return out.astype(object).where(out.notna(), None).to_dict("records")


@callback(
    Output(ids.COMPARE_GRAPH, "figure"),
    Output(ids.COMPARE_WRAP, "hidden"),
    Output(ids.COMPARE_MESSAGE, "children"),
    Input(ids.STATE, "data"),
)
@guarded(lambda alert: (no_update, True, alert))
@panel
def update_compare(state):
    """The 33 boroughs ranked by the chosen metric and denominator, London as reference."""
    result, reason = _ranked(state)
    if result is None:
        return no_update, True, message(reason)
    ranked, london = result
    metric, denom = state["metric"], state["denominator"]
    d = metrics.denominator_for(metric, denom)
    label = "London, average borough" if d.column is None and metrics.metric(metric).additive else "London"
    fig = ranking_bars(ranked, london=london, london_label=f"{label}: {metrics.fmt_value(metric, london, denom)}",
                       title=metrics.title(metric, denom), x_title=metrics.title(metric, denom),
                       selected=tuple(state["boroughs"]),
                       subtitle=f"{state['from']} to {state['to']} · dashed line: {label}")
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
def compare_rows(state):
    """The table for ``state`` (empty where the chart shows a message instead)."""
    result, _ = _ranked(state)
    if result is None:
        return []
    return compare_table(table_rows(result[0]), metrics.title(state["metric"], state["denominator"]))


def _ranked(state):
    """((ranked boroughs, London's value), None) for the state, or (None, the sentence shown instead)."""
    reason = empty_reason(state)
    if reason:
        return None, reason
    sums, _ = borough_sums_for(state)
    if sums.empty:
        return None, "No boroughs are loaded yet."
    return ranking(sums, state["metric"], state["denominator"]), None
