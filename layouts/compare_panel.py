"""Borough comparison panel: ranked bars and the same figures as a table."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from figures.theme import COMPARE_HEIGHT
from layouts import ids
from layouts.loading import updating
from layouts.series_panel import GRAPH_CONFIG
from views.compare import TABLE_COLUMNS

TEXT_COLUMNS = ("name", "inner_outer")
DECIMALS = {"rank": 0, "value": 2, "devices": 0, "sessions": 0, "kwh": 0, "population": 0, "area_km2": 1,
            "plugin_vehicles": 0}


def compare_panel() -> html.Section:
    """Chart and table tabs; both filled by one callback."""
    table = html.Div(id=ids.COMPARE_TABLE, className="compare-table")
    return html.Section([
        html.Div([html.H2("Boroughs compared"), dcc.RadioItems(
            id=ids.COMPARE_SORT, value="high", inline=True, className="radios",
            options=[{"label": "Highest first", "value": "high"}, {"label": "Lowest first", "value": "low"}])],
            className="panel-title"),
        html.Div(id=ids.COMPARE_MESSAGE),
        dbc.Tabs([
            dbc.Tab(updating(html.Div(
                dcc.Graph(id=ids.COMPARE_GRAPH, config=GRAPH_CONFIG, style={"height": f"{COMPARE_HEIGHT}px"}),
                id=ids.COMPARE_WRAP, role="figure", className="graph-wrap",
                **{"aria-describedby": ids.COMPARE_SUMMARY}), ids.COMPARE_GRAPH, "figure"),
                label="Chart", tab_id="chart"),
            dbc.Tab(table, label="Table", tab_id="table"),
        ], id=ids.COMPARE_TABS, active_tab="chart"),
        html.P(id=ids.COMPARE_SUMMARY, className="chart-summary"),
        html.P("Click a bar to select that borough everywhere.", className="hint"),
    ], className="panel compare-panel", **{"aria-label": "Borough comparison"})


def compare_table(rows: list[dict], value_label: str, fmt=None) -> dbc.Table:
    """The comparison as a plain table (numbers right-aligned), the same figures as the chart; ``fmt`` formats
    the value column by its unit."""
    head = [html.Th(value_label if key == "value" else label, scope="col",
                    className="" if key in TEXT_COLUMNS else "num") for key, label in TABLE_COLUMNS]
    body = [html.Tr([html.Td(fmt(row[key]) if key == "value" and fmt and row.get(key) is not None
                             else _cell(row.get(key), DECIMALS.get(key)), className="" if key in TEXT_COLUMNS else "num")
                     for key, _ in TABLE_COLUMNS]) for row in rows]
    return dbc.Table([html.Thead(html.Tr(head)), html.Tbody(body)], striped=True, hover=True, size="sm",
                     responsive=True)


def _cell(value, decimals: int | None) -> str:
    if value is None:
        return "–"
    if decimals is None:
        return str(value)
    if decimals == 2 and abs(value) >= 100:  # a large ratio reads better without decimals
        decimals = 0
    return f"{float(value):,.{decimals}f}"
