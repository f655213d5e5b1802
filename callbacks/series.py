"""Time-series panel callbacks: the metric over time and the hour-of-week heatmap."""

from __future__ import annotations

from dash import Input, Output, no_update

from callbacks.common import guarded, message, panel
from callbacks.registry import callback
from data import metrics
from figures.series import hour_of_week, time_series
from layouts import ids
from views import series as view
from views.common import empty_reason

NO_DATA = "No charging use matches this selection in the chosen period."


@callback(
    Output(ids.SERIES_GRAPH, "figure"),
    Output(ids.SERIES_WRAP, "hidden"),
    Output(ids.SERIES_MESSAGE, "children"),
    Input(ids.STATE, "data"),
)
@guarded(lambda alert: (no_update, True, alert))
@panel
def update_series(src, state):
    """The metric over time for the selected boroughs (else the five largest) against London."""
    reason = empty_reason(state)
    if reason:
        return no_update, True, message(reason)
    ln = view.lines(src, state)
    if ln.frame.empty:
        return no_update, True, message(NO_DATA)
    m = metrics.metric(state["metric"])
    fig = time_series(ln.frame, ln.names, title=f"{m.label} by {ln.granularity}",
                      subtitle=f"{view.scope_text(state)} · {state['from']} to {state['to']}",
                      y_title=m.unit, london_label=view.london_label(state["metric"]), official=ln.official,
                      y_format=metrics.d3_format(state["metric"]))
    return fig, False, None


@callback(
    Output(ids.SERIES_HEATMAP, "figure"),
    Output(ids.SERIES_HEATMAP_WRAP, "hidden"),
    Input(ids.STATE, "data"),
)
@guarded(lambda _alert: (no_update, True))
@panel
def update_heatmap(src, state):
    """When in the week sessions start, for the selection (all London when none)."""
    if empty_reason(state):
        return no_update, True
    frame = view.heatmap(src, state)
    if frame.empty or not frame["sessions"].sum():
        return no_update, True
    scope = "Selected boroughs" if state["boroughs"] else "All London"
    return hour_of_week(frame, title="When sessions start (% of the week)",
                        subtitle=f"{scope} · {state['from']} to {state['to']}"), False
