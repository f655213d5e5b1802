"""The state reducer: every control and every click on a panel updates the one selection state."""

from __future__ import annotations

from dash import Input, Output, State, callback, ctx, no_update

from callbacks import selection, urlstate
from callbacks.common import guarded, validated
from layouts import ids

CONTROL_KEYS = {  # control id -> state key it sets directly
    ids.FILTER_BANDS: "bands", ids.FILTER_LOCATIONS: "locations", ids.FILTER_OPERATORS: "operators",
    ids.FILTER_BOROUGHS: "boroughs", ids.FILTER_METRIC: "metric", ids.FILTER_DENOMINATOR: "denominator",
    ids.SERIES_GRANULARITY: "granularity",
}


def reduce_state(state: dict, trigger: str | None, inputs: dict) -> dict:
    """The next state after ``trigger`` fired with ``inputs`` (values keyed by control id)."""
    new = dict(state)
    if trigger in CONTROL_KEYS:
        new[CONTROL_KEYS[trigger]] = inputs.get(trigger)
    elif trigger == ids.FILTER_DATES:
        new["from"], new["to"] = inputs.get("start_date") or state["from"], inputs.get("end_date") or state["to"]
    elif trigger == ids.SERIES_GRAPH:
        picked = selection.range_from_relayout(inputs.get(ids.SERIES_GRAPH))
        if picked:
            new["from"], new["to"] = picked
    elif trigger == ids.MAP_BOROUGHS:
        new["boroughs"] = selection.toggle(state["boroughs"], selection.code_from_map_click(inputs.get(trigger)))
    elif trigger == ids.COMPARE_GRAPH:
        new["boroughs"] = selection.toggle(state["boroughs"], selection.code_from_bar_click(inputs.get(trigger)))
    elif trigger == ids.FILTER_CLEAR:
        new["boroughs"] = []
    elif trigger == ids.URL:  # a link opened, back/forward, a deck slide: the link is the whole selection
        raw = urlstate.parse_query(inputs.get(ids.URL))
        new = {k: raw[k] for k in urlstate.STATE_KEYS if k in raw}
    return new


MIRRORED = tuple(CONTROL_KEYS.items())  # every control shows the state: a later URL or deck input needs only this


@callback(
    Output(ids.STATE, "data"),
    Output(ids.FILTER_DATES, "start_date"),
    Output(ids.FILTER_DATES, "end_date"),
    *[Output(control, "value") for control, _ in MIRRORED],
    Input(ids.FILTER_DATES, "start_date"),
    Input(ids.FILTER_DATES, "end_date"),
    Input(ids.FILTER_BANDS, "value"),
    Input(ids.FILTER_LOCATIONS, "value"),
    Input(ids.FILTER_OPERATORS, "value"),
    Input(ids.FILTER_BOROUGHS, "value"),
    Input(ids.FILTER_METRIC, "value"),
    Input(ids.FILTER_DENOMINATOR, "value"),
    Input(ids.SERIES_GRANULARITY, "value"),
    Input(ids.FILTER_CLEAR, "n_clicks"),
    Input(ids.MAP_BOROUGHS, "n_clicks"),
    Input(ids.COMPARE_GRAPH, "clickData"),
    Input(ids.SERIES_GRAPH, "relayoutData"),
    Input(ids.URL, "search"),
    State(ids.MAP_BOROUGHS, "clickData"),
    State(ids.STATE, "data"),
    prevent_initial_call=True,
)
@guarded(lambda _alert: (no_update,) * (3 + len(MIRRORED)))  # the panels show their own banners
def update_state(start_date, end_date, bands, locations, operators, boroughs, metric, denominator,
                 granularity, _clear, _map_clicks, bar_click, relayout, search, map_click, state):
    """Reduce, validate, and mirror the result into every control that does not show it yet."""
    inputs = {"start_date": start_date, "end_date": end_date, ids.FILTER_BANDS: bands,
              ids.FILTER_LOCATIONS: locations, ids.FILTER_OPERATORS: operators, ids.FILTER_BOROUGHS: boroughs,
              ids.FILTER_METRIC: metric, ids.FILTER_DENOMINATOR: denominator, ids.SERIES_GRANULARITY: granularity,
              ids.MAP_BOROUGHS: map_click, ids.COMPARE_GRAPH: bar_click, ids.SERIES_GRAPH: relayout, ids.URL: search}
    old = validated(state)
    new = validated(reduce_state(old, ctx.triggered_id, inputs))
    if new == old:
        return (no_update,) * (3 + len(MIRRORED))
    shown = {ids.FILTER_BANDS: bands, ids.FILTER_LOCATIONS: locations, ids.FILTER_OPERATORS: operators or [],
             ids.FILTER_BOROUGHS: boroughs or [], ids.FILTER_METRIC: metric, ids.FILTER_DENOMINATOR: denominator,
             ids.SERIES_GRANULARITY: granularity}
    return (new,
            new["from"] if new["from"] != start_date else no_update,
            new["to"] if new["to"] != end_date else no_update,
            *[new[key] if new[key] != shown[control] else no_update for control, key in MIRRORED])
