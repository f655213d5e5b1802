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
    Output(ids.COMPARE_TABLE, "children"),
    Output(ids.COMPARE_MESSAGE, "children"),
    Input(ids.STATE, "data"),
)
@guarded(lambda alert: (no_update, True, [], alert))
@panel
def update_compare(state):
    """The 33 boroughs ranked by the chosen metric and denominator, London as reference."""
    reason = empty_reason(state)
    if reason:
        return no_update, True, [], message(reason)
    sums, _ = borough_sums_for(state)
    if sums.empty:
        return no_update, True, [], message("No boroughs are loaded yet.")
    metric, denom = state["metric"], state["denominator"]
    ranked, london = ranking(sums, metric, denom)
    d = metrics.denominator_for(metric, denom)
    label = "London, average borough" if d.column is None and metrics.metric(metric).additive else "London"
    fig = ranking_bars(ranked, london=london, london_label=f"{label}: {metrics.fmt_value(metric, london, denom)}",
                       title=metrics.title(metric, denom), x_title=metrics.title(metric, denom),
                       selected=tuple(state["boroughs"]),
                       subtitle=f"{state['from']} to {state['to']} · dashed line: {label}")
    return fig, False, compare_table(table_rows(ranked), metrics.title(metric, denom)), None
