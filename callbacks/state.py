"""The state callback: every control and every click on a panel updates the one selection state."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, ctx, no_update

from callbacks.common import guarded, validated
from callbacks.registry import callback, clientside_callback
from layouts import ids
from state import urlstate
from state.panels import PARTS, changed_parts
from state.reducers import MIRRORED, link_view, opened_query, reduce_state

# A drag across the time series (a selection, or a zoom chosen from the modebar) reaches the state as its x range;
# Plotly's other relayouts (autosize at load, a legend click) stop in the browser (assets/charts.js) instead of
# sending update_state a request for nothing.
clientside_callback(ClientsideFunction(namespace="evseries", function_name="picked"),
                    Output(ids.SERIES_PICKED, "data"), Input(ids.SERIES_GRAPH, "selectedData"),
                    Input(ids.SERIES_GRAPH, "relayoutData"), prevent_initial_call=True)
# What follows a state or link change in the browser, in one callback (assets/follow.js): the context panels'
# keys, the live-status gates and the address bar's link.
clientside_callback(ClientsideFunction(namespace="evstate", function_name="follow"),
                    Output(ids.CONTEXT, "data"), Output(ids.LIVE_GATE, "data"), Output(ids.LIVE_PANEL_GATE, "data"),
                    Input(ids.STATE, "data"), Input(ids.LINK, "data"), Input(ids.LIVE_DETAILS, "open"),
                    State(ids.CONTEXT, "data"), State(ids.LIVE_GATE, "data"), State(ids.LIVE_PANEL_GATE, "data"))


@callback(
    Output(ids.STATE, "data"),
    Output(ids.LINK, "data"),
    Output(ids.FILTER_DATES, "start_date"),
    Output(ids.FILTER_DATES, "end_date"),
    *[Output(control, "value") for control, _ in MIRRORED],
    *[Output(store, "data") for store in PARTS],  # each chart panel's part, only where it changed
    Input(ids.FILTER_DATES, "start_date"),
    Input(ids.FILTER_DATES, "end_date"),
    Input(ids.FILTER_BANDS, "value"),
    Input(ids.FILTER_LOCATIONS, "value"),
    Input(ids.FILTER_OPERATORS, "value"),
    Input(ids.FILTER_BOROUGHS, "value"),
    Input(ids.FILTER_METRIC, "value"),
    Input(ids.FILTER_DENOMINATOR, "value"),
    Input(ids.SERIES_GRANULARITY, "value"),
    Input(ids.MAP_MODE, "value"),
    Input(ids.FILTER_CLEAR, "n_clicks"),
    Input(ids.MAP_BOROUGHS, "n_clicks"),
    Input(ids.COMPARE_GRAPH, "clickData"),
    Input(ids.SERIES_PICKED, "data"),  # a drag's x range only (assets/charts.js evseries.picked)
    Input(ids.LINK_OPENED, "data"),
    State(ids.MAP_BOROUGHS, "clickData"),
    State(ids.STATE, "data"),
    State(ids.VIEW, "data"),
    prevent_initial_call=True,
)
@guarded(lambda _alert: (no_update,) * (4 + len(MIRRORED) + len(PARTS)))  # the panels show their own banners
def update_state(start_date, end_date, bands, locations, operators, boroughs, metric, denominator,
                 granularity, map_mode, _clear, _map_clicks, bar_click, picked, opened, map_click, state, view):
    """Reduce, validate, mirror the result into every control that does not show it yet, and write the link
    (here, not in a callback of its own: one request and one waterfall level fewer per interaction)."""
    search = opened_query(opened)
    inputs = {"start_date": start_date, "end_date": end_date, ids.FILTER_BANDS: bands,
              ids.FILTER_LOCATIONS: locations, ids.FILTER_OPERATORS: operators, ids.FILTER_BOROUGHS: boroughs,
              ids.FILTER_METRIC: metric, ids.FILTER_DENOMINATOR: denominator, ids.SERIES_GRANULARITY: granularity,
              ids.MAP_MODE: map_mode, ids.MAP_BOROUGHS: map_click, ids.COMPARE_GRAPH: bar_click, ids.SERIES_PICKED: picked, ids.LINK_OPENED: search}
    old = validated(state)
    new = validated(reduce_state(old, ctx.triggered_id, inputs))
    if new == old:
        return (no_update,) * (4 + len(MIRRORED) + len(PARTS))
    # An opened link also carries the view: the link is the new state in that view (update_view sets the store).
    view = link_view(search) if ctx.triggered_id == ids.LINK_OPENED else urlstate.clean_view(view or {})
    shown = {ids.FILTER_BANDS: bands, ids.FILTER_LOCATIONS: locations, ids.FILTER_OPERATORS: operators or [],
             ids.FILTER_BOROUGHS: boroughs or [], ids.FILTER_METRIC: metric, ids.FILTER_DENOMINATOR: denominator,
             ids.SERIES_GRANULARITY: granularity, ids.MAP_MODE: map_mode}
    return (new, urlstate.to_query(new, view),
            new["from"] if new["from"] != start_date else no_update,
            new["to"] if new["to"] != end_date else no_update,
            *[new[key] if new[key] != shown[control] else no_update for control, key in MIRRORED],
            *[no_update if part is None else part for part in changed_parts(old, new)])
