"""Map panel: every device as one clustered GeoJSON layer, the borough choropleth, legend and popup."""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html
from dash_extensions.javascript import Namespace

from layouts import ids
from layouts.live_panel import live_map_parts, map_mode_switch
from layouts.loading import updating
from state.urlstate import DEFAULT_VIEW

ns = Namespace("evmap", "map")
START = {k: DEFAULT_VIEW[k] for k in ("lat", "lon", "zoom")}  # the link's default view: one home
CLICK_HINT = "Click a borough to select it (click again to deselect). Click a device for its details."
NO_SHAPES_HINT = ("Borough boundaries are not loaded, so boroughs are not coloured or clickable: choose boroughs "
                  "in the filter. Click a device for its details.")


def band_legend(hideout: dict) -> html.Div:
    """Power band colours for the points."""
    items = [html.Span([html.I(className="dot", style={"background": c}), b])
             for b, c in zip(hideout["bands"], hideout["colours"], strict=True)]
    return html.Div(items, className="band-legend", id=ids.MAP_BAND_LEGEND)


def choropleth_legend(title: str, rows: list[tuple[str, str]]) -> list:
    """Quintile classes as swatches; empty when there is no choropleth."""
    if not rows:
        return []
    return [html.Div(title, className="legend-title")] + [
        html.Div([html.I(className="swatch", style={"background": c}), label], className="legend-row")
        for c, label in rows]


def map_panel(tile_url: str | None, attribution: str | None, boroughs_geojson: dict,
              points_hideout: dict, mode: str = "bands") -> html.Section:
    """The map; without TILE_URL (or offline) the plain background of .leaflet-container shows."""
    layers = []
    if tile_url:
        layers.append(dl.TileLayer(url=tile_url, attribution=attribution or "", maxZoom=19))
    layers += [
        # Boroughs in their own pane below the points: a restyle re-adds them, and they must not cover the points.
        dl.Pane(dl.GeoJSON(id=ids.MAP_BOROUGHS, data=boroughs_geojson, style=ns("boroughStyle"),
                           onEachFeature=ns("boroughTooltip"),
                           hideout={"vals": {}, "breaks": [], "sel": [], "text": {}},
                           hoverStyle={"weight": 4, "color": "#222"}),
                name="boroughs", style={"zIndex": 350}),
        dl.GeoJSON(id=ids.MAP_POINTS, data={"type": "FeatureCollection", "features": []}, cluster=True,
                   pointToLayer=ns("pointToLayer"), clusterToLayer=ns("clusterToLayer"), hideout=points_hideout,
                   superClusterOptions={"radius": 110, "maxZoom": 16}, zoomToBoundsOnClick=True),
        dl.LayerGroup(id=ids.MAP_POPUP),
        html.Div(id=ids.MAP_LEGEND, className="map-legend leaflet-bottom-right-box"),
    ]
    has_shapes = bool(boroughs_geojson.get("features"))
    return html.Section([
        html.Div([html.H2("Charge points"), map_mode_switch(mode), html.Span(id=ids.MAP_COUNT, className="map-count"),
                  dcc.RadioItems(id=ids.MAP_LAYERS, value="points", inline=True, className="radios",
                                 options=[{"label": "Points and boroughs", "value": "points"},
                                          {"label": "Boroughs only", "value": "boroughs", "disabled": not has_shapes}])],
                 className="panel-title"),
        html.Div(id=ids.MAP_MESSAGE),
        updating(dl.Map(layers, id=ids.MAP, center=[START["lat"], START["lon"]], zoom=START["zoom"], zoomSnap=0.25,
                        minZoom=8.5, maxZoom=18, className="map", attributionControl=bool(tile_url)),
                 ids.MAP_BOROUGHS, "hideout"),
        # The map's position as last forwarded to the view (assets/map.js evmap.moved); at first, the default view.
        dcc.Store(id=ids.MAP_MOVED, data=START),
        band_legend(points_hideout),
        *live_map_parts(),
        html.P(CLICK_HINT if has_shapes else NO_SHAPES_HINT, className="hint"),
    ], id=ids.MAP_PANEL, className="panel map-panel", **{"aria-label": "Map of charge points"})
