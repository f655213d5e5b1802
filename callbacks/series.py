"""Time-series panel callbacks: the metric over time and the hour-of-week heatmap, each with its sentence for
screen readers and its table (built only while the table's <details> is open)."""

from __future__ import annotations

from dash import Input, Output, ctx, no_update

from callbacks.common import guarded, message, panel, png_named
from callbacks.registry import callback
from data import metrics
from figures.official import marked
from figures.series import hour_of_week, time_series
from layouts import ids
from layouts.summary_table import table
from views import availability
from views import events as events_view
from views import series as view
from views.common import empty_reason

NO_DATA = "No charging use matches this selection in the chosen period."


def with_table(details_id: str, chart, width: int, words, rows, state, table_open) -> tuple:
    """A panel's outputs: the chart's ``width`` outputs and its sentence on a new state, only the table when its
    <details> toggles (left as it is while folded: a state change does not rebuild ~1,000 hidden cells)."""
    if ctx.triggered_id == details_id:
        return (*(no_update,) * (width + 1), rows(state) if table_open else [])
    return (*chart(state), words(state), rows(state) if table_open else no_update)


@callback(
    Output(ids.SERIES_GRAPH, "figure"),
    Output(ids.SERIES_WRAP, "hidden"),
    Output(ids.SERIES_MESSAGE, "children"),
    Output(ids.SERIES_SUMMARY, "children"),
    Output(ids.SERIES_TABLE, "children"),
    Input(ids.STATE_SERIES, "data"),
    Input(ids.SERIES_TABLE_DETAILS, "open"),
)
@guarded(lambda alert: (no_update, True, alert, [], []))
def series_panel(state, table_open=False):
    """The time series, its sentence and (while open) its table."""
    return with_table(ids.SERIES_TABLE_DETAILS, update_series, 3, series_words, series_rows, state, table_open)


@guarded(lambda _alert: [])  # a sentence or table failing leaves the chart
@panel
def series_words(src, state):
    """One sentence saying what the time series shows."""
    if empty_reason(state):
        return ""
    return view.series_summary(view.series_frame(src, state), metrics.metric(state["metric"]).label)


@guarded(lambda _alert: [])  # a sentence or table failing leaves the chart
@panel
def series_rows(src, state):
    """The time series as a table."""
    if empty_reason(state):
        return []
    label = metrics.metric(state["metric"]).label
    return table(view.series_table(view.series_frame(src, state)), f"{label} by period")


@guarded(lambda alert: (no_update, True, alert))
@panel
def update_series(src, state):
    """The metric over time for the selected boroughs (else the five largest) against London."""
    reason = empty_reason(state) or availability.unavailable(availability.offer(src), state)
    if reason:
        return no_update, True, message(reason)
    ln = view.lines(src, state)
    if ln.frame.empty or ln.frame["value"].isna().all():
        return no_update, True, message(NO_DATA)
    m, denom = metrics.metric(state["metric"]), state["denominator"]
    fig = time_series(ln.frame, ln.names, title=f"{view.series_title(state)} by {view.step_name(state, ln)}",
                      subtitle=" · ".join(filter(None, (view.scope_text(state), view.period_text(state), ln.note))),
                      y_title=view.y_title(state), london_label=view.london_label(m.key, denom),
                      official=ln.official, y_format=metrics.d3_format(m.key, denom),
                      events=events_view.for_chart(src, state, state["from"], state["to"],
                                                 tuple(dict.fromkeys(ln.frame["area"]))))
    if m.official:
        fig = marked(fig, state["from"], state["to"], threshold=m.key == "official_rapid")
    return png_named(fig, "series", state), False, None


@callback(
    Output(ids.SERIES_HEATMAP, "figure"),
    Output(ids.SERIES_HEATMAP_WRAP, "hidden"),
    Output(ids.SERIES_HEATMAP_SUMMARY, "children"),
    Output(ids.SERIES_HEATMAP_TABLE, "children"),
    Input(ids.STATE_HEATMAP, "data"),
    Input(ids.SERIES_HEATMAP_TABLE_DETAILS, "open"),
)
@guarded(lambda _alert: (no_update, True, [], []))
def heatmap_panel(state, table_open=False):
    """The hour-of-week heatmap, its sentence and (while open) its table."""
    return with_table(ids.SERIES_HEATMAP_TABLE_DETAILS, update_heatmap, 2, heatmap_words, heatmap_rows, state,
                      table_open)


@guarded(lambda _alert: [])  # a sentence or table failing leaves the chart
@panel
def heatmap_words(src, state):
    """One sentence saying when sessions start."""
    return "" if empty_reason(state) else view.heatmap_summary(view.heatmap(src, state), state)


@guarded(lambda _alert: [])  # a sentence or table failing leaves the chart
@panel
def heatmap_rows(src, state):
    """The hour-of-week figures as a table."""
    if empty_reason(state):
        return []
    return table(view.heatmap_table(view.heatmap(src, state)), "Sessions and kWh by hour of the week")


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
    return png_named(hour_of_week(frame, title=view.heatmap_title(state),
                                  subtitle=f"{scope} · {state['from']} to {state['to']}"), "hour-of-week", state), False
