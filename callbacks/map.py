"""Map callbacks: the device popup and the browser-side point filter (the choropleth is drawn by callbacks/overview.py)."""

from __future__ import annotations

import dash_leaflet as dl
from dash import ClientsideFunction, Input, Output, State, html, no_update

from callbacks.common import guarded, source, validated
from callbacks.registry import callback, clientside_callback
from layouts import ids
from views import overview

# Filtering by band, operator, location type or end date re-clusters the points the browser already holds:
# no request goes to the server and the points are never sent again (assets/map.js, filterPoints).
clientside_callback(
    ClientsideFunction(namespace="evmap", function_name="filterPoints"),
    Output(ids.MAP_POINTS, "data"),
    Output(ids.MAP_COUNT, "children"),
    Input(ids.FILTER_BANDS, "value"),
    Input(ids.FILTER_OPERATORS, "value"),
    Input(ids.FILTER_LOCATIONS, "value"),
    Input(ids.FILTER_DATES, "end_date"),
    Input(ids.POINTS, "data"),
    State(ids.MAP_POINTS, "hideout"),
)


def popup_body(detail: dict) -> html.Div:
    """Name, operator, connectors and power, install date (and use in the period, officers only)."""
    use = html.Div(detail["use"], className="popup-use") if detail["use"] else None
    return html.Div([html.H3(detail["title"], className="popup-title"),
                     *[html.Div(line) for line in detail["lines"]], use], className="popup")


@callback(
    Output(ids.MAP_POPUP, "children"),
    Input(ids.MAP_POINTS, "n_clicks"),
    State(ids.MAP_POINTS, "clickData"),
    State(ids.STATE, "data"),
    prevent_initial_call=True,
)
@guarded(lambda alert: [])
def show_popup(n_clicks, feature, state):
    """Load one device's details lazily when its point is clicked (clusters zoom instead)."""
    props = (feature or {}).get("properties") or {}
    if props.get("cluster") or "d" not in props:
        return no_update
    src = source()
    detail = overview.device_popup(src, str(props["d"]), validated(state, src))
    if detail is None:
        return []
    lon, lat = feature["geometry"]["coordinates"]
    # A new position (a new array each time) makes react-leaflet open the popup again, even if closed.
    return [dl.Popup(popup_body(detail), position=[lat, lon], maxWidth=360)]
