"""Where next: boroughs ranked by the devices they need to reach London's target ratio."""

from __future__ import annotations

from dash import html

from figures.theme import WHERE_NEXT_HEIGHT
from layouts import ids
from layouts.targets_panel import csv_button, graph


def where_next_panel() -> html.Section:
    return html.Section([
        html.Div([html.H2("Where the next chargers are needed"), csv_button(ids.WHERE_CSV, ids.WHERE_DOWNLOAD)],
                 className="panel-title"),
        html.Div(id=ids.WHERE_MESSAGE),
        graph(ids.WHERE_GRAPH, ids.WHERE_WRAP, ids.WHERE_SUMMARY, WHERE_NEXT_HEIGHT, "london-ev-where-next"),
        html.Div(id=ids.WHERE_SUMMARY, className="chart-summary"),
        html.P("The tracker's measure and basis apply here. Click a bar to select that borough everywhere.",
               className="hint"),
    ], className="panel where-next-panel", **{"aria-label": "Where the next chargers are needed"})
