"""The 2030 tracker panel (London against its target, each borough's share) and the event-marker toggle."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from figures.theme import TRACKER_HEIGHT
from layouts import ids
from layouts.series_panel import GRAPH_CONFIG
from layouts.summary_table import lazy_details

TRACK_OPTIONS = [{"label": "All public devices", "value": "dft_total"}, {"label": "Rapid", "value": "dft_rapid"}]
BASIS_OPTIONS = [{"label": "By residents", "value": "population"},
                 {"label": "By plug-in vehicles", "value": "plugin_vehicles"}]
TABLE_COLUMNS = [("name", "Borough"), ("basis", "Basis"), ("share", "Share of London"),
                 ("target_share", "Share of target"), ("devices", "Devices now"), ("gap", "Gap (devices)")]


def graph(graph_id: str, wrap_id: str, summary_id: str, height: int, filename: str) -> html.Div:
    """A chart in its wrapper (hidden until drawn), described by its summary; PNG named for the panel."""
    config = {**GRAPH_CONFIG, "toImageButtonOptions": {**GRAPH_CONFIG["toImageButtonOptions"], "filename": filename}}
    return html.Div(dcc.Graph(id=graph_id, config=config, style={"height": f"{height}px"}), id=wrap_id, hidden=True,
                    role="figure", className="graph-wrap", **{"aria-describedby": summary_id})  # sized on a slide


def csv_button(button_id: str, download_id: str) -> html.Span:
    return html.Span([dbc.Button("Download CSV", id=button_id, size="sm", color="dark", outline=True),
                      dcc.Download(id=download_id)], className="panel-export")


def events_toggle(value: str) -> dcc.RadioItems:
    """Event markers on every time series, shown or hidden (kept in the link)."""
    return dcc.RadioItems(id=ids.SERIES_EVENTS, value=value, inline=True, className="radios",
                          options=[{"label": "Events shown", "value": "on"}, {"label": "Hidden", "value": "off"}])


def targets_panel(state: dict) -> html.Section:
    return html.Section([
        html.Div([html.H2("London's 2030 target"),
                  dcc.RadioItems(id=ids.TARGETS_TRACK, value=state["track"], options=TRACK_OPTIONS, inline=True,
                                 className="radios"),
                  dcc.RadioItems(id=ids.TARGETS_BASIS, value=state["basis"], options=BASIS_OPTIONS, inline=True,
                                 className="radios"),
                  csv_button(ids.TARGETS_CSV, ids.TARGETS_DOWNLOAD)], className="panel-title"),
        html.Div(id=ids.TARGETS_MESSAGE),
        graph(ids.TARGETS_GRAPH, ids.TARGETS_WRAP, ids.TARGETS_SUMMARY, TRACKER_HEIGHT, "london-ev-2030-tracker"),
        html.Div(id=ids.TARGETS_SUMMARY, className="chart-summary"),
        lazy_details(ids.TARGETS_TABLE_DETAILS, ids.TARGETS_TABLE, "each borough's share of the target and its gap"),
    ], className="panel targets-panel", **{"aria-label": "London's 2030 target"})


def share_table(rows: list[dict], basis_label: str, selected: tuple = ()) -> dbc.Table:
    """Boroughs with their share of the target and gap (selected boroughs in bold)."""
    head = html.Tr([html.Th(basis_label if key == "basis" else label, scope="col",
                            className="" if key == "name" else "num") for key, label in TABLE_COLUMNS])
    body = [html.Tr([html.Td(_cell(key, row.get(key)), className="" if key == "name" else "num")
                     for key, _ in TABLE_COLUMNS], className="selected-row" if row["gss_code"] in selected else "")
            for row in rows]
    return dbc.Table([html.Thead(head), html.Tbody(body)], striped=True, hover=True, size="sm", responsive=True)


def _cell(key: str, value) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    if key == "name":
        return str(value)
    return f"{value:.1%}" if key == "share" else f"{value:,.0f}"
