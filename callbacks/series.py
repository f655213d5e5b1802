"""Time-series panel callbacks: the metric over time and the hour-of-week heatmap."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, callback, no_update

from callbacks.common import empty_reason, filter_args, guarded, message, min_sessions, panel, store
from data import metrics, queries
from data.frames import (
    granularity_for,
    largest_boroughs,
    official_series,
    stock_series,
    usage_series,
)
from figures.series import hour_of_week, time_series
from layouts import ids
from web import public

NO_DATA = "No charging use matches this selection in the chosen period."


def _series_frame(db, version, state, areas, gran):
    """(frame, official) for the metric: the devices in service at each bucket's end, or flows, both from the
    same cached daily sums (rollups), plus DfT's official counts beside the devices."""
    daily = queries.daily_usage(db, version, state["from"], state["to"], **filter_args(state), gss_codes=tuple(areas))
    if state["metric"] == "devices":
        names = [queries.LONDON, *areas]
        official = official_series(queries.official_counts(db, version), names, state["from"], state["to"])
        return stock_series(daily, names, state["from"], state["to"], gran), official
    if daily.empty:
        return daily, None
    return usage_series(daily, gran, state["metric"], state["from"], state["to"], min_sessions()), None


def series_lines(state: dict) -> tuple:
    """(frame, official, names, granularity): the lines the panel draws and its CSV export writes, for the
    selected boroughs (else the five largest) and London."""
    db, version = store()
    boroughs = queries.borough_frame(db, version, state["to"])
    areas = list(state["boroughs"]) or list(largest_boroughs(boroughs))
    gran = granularity_for(state["from"], state["to"], state["granularity"])
    frame, official = _series_frame(db, version, state, areas, gran)
    return frame, official, dict(zip(boroughs["gss_code"], boroughs["name"], strict=True)), gran


def heatmap_sums(state: dict) -> pd.DataFrame:
    """Sessions and kWh by weekday and hour for the selection (all London when none), unsuppressed."""
    db, version = store()
    return queries.hour_of_week(db, version, state["from"], state["to"], **filter_args(state),
                                gss_codes=tuple(state["boroughs"]))


@callback(
    Output(ids.SERIES_GRAPH, "figure"),
    Output(ids.SERIES_WRAP, "hidden"),
    Output(ids.SERIES_MESSAGE, "children"),
    Input(ids.STATE, "data"),
)
@guarded(lambda alert: (no_update, True, alert))
@panel
def update_series(state):
    """The metric over time for the selected boroughs (else the five largest) against London."""
    reason = empty_reason(state)
    if reason:
        return no_update, True, message(reason)
    frame, official, names, gran = series_lines(state)
    if frame.empty:
        return no_update, True, message(NO_DATA)
    m = metrics.metric(state["metric"])
    scope = "Selected boroughs" if state["boroughs"] else "Five most populous boroughs"
    london = "London, average borough" if m.additive else "London"
    fig = time_series(frame, names, title=f"{m.label} by {gran}", subtitle=f"{scope} · {state['from']} to {state['to']}",
                      y_title=m.unit, london_label=london, official=official)
    return fig, False, None


@callback(
    Output(ids.SERIES_HEATMAP, "figure"),
    Output(ids.SERIES_HEATMAP_WRAP, "hidden"),
    Input(ids.STATE, "data"),
)
@guarded(lambda _alert: (no_update, True))
@panel
def update_heatmap(state):
    """When in the week sessions start, for the selection (all London when none)."""
    if empty_reason(state):
        return no_update, True
    frame = heatmap_sums(state)
    if frame.empty or frame["sessions"].sum() == 0:
        return no_update, True
    frame = public.public_frame(frame)  # the suppression every panel and export applies (public mode)
    scope = "Selected boroughs" if state["boroughs"] else "All London"
    return hour_of_week(frame, title="When sessions start (% of the week)",
                        subtitle=f"{scope} · {state['from']} to {state['to']}"), False
