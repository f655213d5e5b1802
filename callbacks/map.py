"""Map callbacks: the borough choropleth and legend, the device popup, and the browser-side point filter."""

from __future__ import annotations

import dash_leaflet as dl
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, html, no_update

from callbacks.common import borough_sums_for, empty_reason, guarded, message, panel, store, validated
from data import metrics, queries
from data.frames import ranking
from figures.mapdata import choropleth_hideout, legend_rows
from layouts import ids
from layouts.filters import BAND_LABELS
from layouts.map_panel import choropleth_legend
from web import public

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


def hover_texts(ranked, metric_key: str, denom_key: str) -> dict[str, str]:
    """The hover box for each borough: name, inner/outer, the metric and its devices."""
    head = metrics.title(metric_key, denom_key)
    return {row.gss_code: (f"<b>{row.name}</b> ({row.inner_outer} London)<br>{head}: "
                           f"{metrics.fmt_value(metric_key, row.value, denom_key)}<br>Devices: {row.devices:,.0f}")
            for row in ranked.itertuples()}


@callback(
    Output(ids.MAP_BOROUGHS, "hideout"),
    Output(ids.MAP_LEGEND, "children"),
    Output(ids.MAP_MESSAGE, "children"),
    Input(ids.STATE, "data"),
)
@guarded(lambda alert: (no_update, [], alert))
@panel
def update_choropleth(state):
    """Colour boroughs by the metric in quintile classes; outline the selected ones."""
    selected = tuple(state["boroughs"])
    reason = empty_reason(state)
    if reason:
        return {"vals": {}, "breaks": [], "sel": list(selected), "text": {}}, [], message(reason)
    sums, _ = borough_sums_for(state)
    metric, denom = state["metric"], state["denominator"]
    ranked, _ = ranking(sums, metric, denom)
    hideout = choropleth_hideout(ranked, hover_texts(ranked, metric, denom), selected)
    if not queries.borough_geometries(*store()):  # no boundaries loaded: no choropleth, so no legend for it
        return hideout, [], None
    rows = legend_rows(hideout["breaks"], lambda v: metrics.fmt_value(metric, v, denom))
    return hideout, choropleth_legend(metrics.title(metric, denom), rows), None


def popup_body(dev: dict, state: dict) -> html.Div:
    """Name, operator, connectors and power, install date and use in the period."""
    plugs = ", ".join(f"{t or 'connector'} {kw:g} kW" if kw else (t or "connector") for t, kw in dev["connectors"])
    hours = dev["plugged_hours"]
    use = (html.Div(f"{state['from'][:7]} to {state['to'][:7]}: {dev['sessions']:,} sessions, "
                    f"{dev['kwh']:,.0f} kWh, {hours:,.0f} h plugged in", className="popup-use")
           if public.allow_device_detail() else None)
    return html.Div([
        html.H3(dev["name"] or dev["device_id"], className="popup-title"),
        html.Div(f"{dev['operator'] or queries.UNKNOWN_OPERATOR} · {dev['location_type']}"),
        html.Div(f"{BAND_LABELS.get(dev['power_band'], dev['power_band'])}, up to {dev['max_kw'] or 0:g} kW"),
        html.Div(f"Connectors: {plugs or 'not recorded'}"),
        html.Div(f"Installed: {dev['installed_on'] or 'unknown'}"),
        use,
    ], className="popup")


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
    state = validated(state)
    db, version = store()
    dev = queries.device_detail(db, version, str(props["d"]), state["from"], state["to"])
    if dev is None:
        return []
    lon, lat = feature["geometry"]["coordinates"]
    # A new position (a new array each time) makes react-leaflet open the popup again, even if closed.
    return [dl.Popup(popup_body(dev, state), position=[lat, lon], maxWidth=360)]
