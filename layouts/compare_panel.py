"""Borough comparison panel: ranked bars and the same figures as a table."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dash_table, dcc, html

from layouts import ids
from layouts.series_panel import GRAPH_CONFIG

TABLE_COLUMNS = [("rank", "Rank"), ("name", "Borough"), ("inner_outer", "Inner/Outer"), ("value", "Value"),
                 ("devices", "Devices"), ("sessions", "Sessions"), ("kwh", "kWh"),
                 ("population", "Residents"), ("area_km2", "km²"), ("plugin_vehicles", "Plug-in vehicles")]


def compare_panel() -> html.Section:
    """Chart and table tabs; both filled by one callback."""
    table = dash_table.DataTable(
        id=ids.COMPARE_TABLE, columns=[{"name": label, "id": key} for key, label in TABLE_COLUMNS],
        sort_action="native", page_action="none", style_table={"overflowX": "auto", "maxHeight": "760px"},
        fixed_rows={"headers": True}, style_cell={"fontSize": "15px", "padding": "4px 8px", "textAlign": "right"},
        style_cell_conditional=[{"if": {"column_id": c}, "textAlign": "left"} for c in ("name", "inner_outer")])
    return html.Section([
        html.Div(html.H2("Boroughs compared"), className="panel-title"),
        html.Div(id=ids.COMPARE_MESSAGE),
        dbc.Tabs([
            dbc.Tab(html.Div(dcc.Graph(id=ids.COMPARE_GRAPH, config=GRAPH_CONFIG), id=ids.COMPARE_WRAP),
                    label="Chart", tab_id="chart"),
            dbc.Tab(table, label="Table", tab_id="table"),
        ], id=ids.COMPARE_TABS, active_tab="chart"),
        html.P("Click a bar to select that borough everywhere.", className="hint"),
    ], className="panel compare-panel", **{"aria-label": "Borough comparison"})
