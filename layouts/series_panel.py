"""Time-series panel: the metric over time and the hour-of-week heatmap."""

from __future__ import annotations

from dash import dcc, html

from figures.theme import HEATMAP_HEIGHT, SERIES_HEIGHT
from layouts import ids
from layouts.loading import updating
from layouts.summary_table import lazy_details

# The camera button saves a slide-sized PNG (1920 x 1080 at scale 2); the figure's caption travels with it.
GRAPH_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "responsive": True,
                "toImageButtonOptions": {"format": "png", "width": 1920, "height": 1080, "scale": 2,
                                         "filename": "london-ev-chart"}}


def series_panel(granularity: str, events_toggle=None) -> html.Section:
    """Graphs start hidden behind the message slot until their callbacks fill them."""
    return html.Section([
        html.Div([html.H2("Over time"), dcc.RadioItems(
            id=ids.SERIES_GRANULARITY, value=granularity, inline=True, className="radios",
            options=[{"label": x.capitalize(), "value": x} for x in ("auto", "day", "week", "month")]),
            events_toggle], className="panel-title"),
        html.Div(id=ids.SERIES_MESSAGE),
        updating(html.Div(dcc.Graph(id=ids.SERIES_GRAPH, config=GRAPH_CONFIG, style={"height": f"{SERIES_HEIGHT}px"}),
                          id=ids.SERIES_WRAP, role="figure", className="graph-wrap",
                          **{"aria-describedby": ids.SERIES_SUMMARY}), ids.SERIES_GRAPH, "figure"),
        html.Div([html.P(id=ids.SERIES_SUMMARY),
                  lazy_details(ids.SERIES_TABLE_DETAILS, ids.SERIES_TABLE, "the figures by period")],
                 className="chart-summary series-summary"),
        html.P("Drag across the chart to set the date range for every panel.", className="hint"),
        dcc.Store(id=ids.SERIES_PICKED),
        updating(html.Div(dcc.Graph(id=ids.SERIES_HEATMAP, config=GRAPH_CONFIG, style={"height": f"{HEATMAP_HEIGHT}px"}),
                          id=ids.SERIES_HEATMAP_WRAP, role="figure", className="graph-wrap heatmap-wrap",
                          **{"aria-describedby": ids.SERIES_HEATMAP_SUMMARY}), ids.SERIES_HEATMAP, "figure"),
        html.Div([html.P(id=ids.SERIES_HEATMAP_SUMMARY),
                  lazy_details(ids.SERIES_HEATMAP_TABLE_DETAILS, ids.SERIES_HEATMAP_TABLE,
                               "sessions and kWh by hour of the week")], className="chart-summary heatmap-summary"),
    ], className="panel series-panel", **{"aria-label": "Use over time"})
