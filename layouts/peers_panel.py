"""Peer boroughs: the five boroughs most like the selected one, with the measures and distances."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from figures.theme import PEERS_HEIGHT
from layouts import ids
from layouts.targets_panel import csv_button, graph


def peers_panel() -> html.Section:
    return html.Section([
        html.Div([html.H2("Boroughs like this one"),
                  dbc.Button("Compare with peers", id=ids.PEERS_COMPARE, size="sm", color="primary"),
                  csv_button(ids.PEERS_CSV, ids.PEERS_DOWNLOAD)], className="panel-title"),
        html.Div(id=ids.PEERS_MESSAGE),
        graph(ids.PEERS_GRAPH, ids.PEERS_WRAP, ids.PEERS_SUMMARY, PEERS_HEIGHT, "london-ev-peers"),
        html.Div(id=ids.PEERS_SUMMARY, className="chart-summary"),
        html.Div(id=ids.PEERS_TABLE),
        html.P("Peers of the first selected borough, on z-scored measures (inner/outer, residents per km², plug-in "
               "vehicles per 1,000 residents), Euclidean distance. \"Compare with peers\" selects the borough and "
               "its five peers in the comparison and the time series.", className="hint"),
    ], className="panel peers-panel", **{"aria-label": "Peer boroughs"})


def peers_table(rows: list[dict], labels: dict[str, str]) -> dbc.Table:
    """The borough and its peers: each measure (its z-score) and the distance."""
    keys = [k for k in labels if k in rows[0]]
    head = html.Tr([html.Th("Borough", scope="col"), *[html.Th(labels[k], scope="col", className="num") for k in keys],
                    html.Th("Distance", scope="col", className="num")])
    body = [html.Tr([html.Td(r["name"]),
                     *[html.Td(f"{r[k]:,.{0 if k == 'inner' else 1}f} ({r['z_' + k]:+.2f})", className="num")
                       for k in keys],
                     html.Td(f"{r['distance']:.2f}", className="num")]) for r in rows]
    return dbc.Table([html.Thead(head), html.Tbody(body)], striped=True, size="sm", responsive=True)
