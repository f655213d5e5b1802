"""CSV exports: exactly the figures behind each panel for the current selection, and the selected devices."""

from __future__ import annotations

from dash import Input, Output, State, ctx, dcc, no_update

from callbacks.common import guarded, source, validated
from callbacks.registry import callback
from layouts import ids
from layouts.series_panel import GRAPH_CONFIG
from views import compare, overview, series
from views.exports import csv_frame, stem

KINDS = {ids.EXPORT_SERIES_CSV: "series", ids.EXPORT_HEATMAP_CSV: "hour-of-week",
         ids.EXPORT_COMPARE_CSV: "comparison", ids.EXPORT_DEVICES_CSV: "devices"}
FRAMES = {"series": series.series_frame, "hour-of-week": series.heatmap, "comparison": compare.comparison_frame,
          "devices": overview.devices_frame}


def export_csv(kind: str, state) -> dict:
    """dcc.Download's data for one export of the validated state."""
    src = source()
    state = validated(state, src)
    frame = csv_frame(kind, FRAMES[kind](src, state), state)
    return dcc.send_data_frame(frame.to_csv, f"{stem(kind, state)}.csv", index=False)


@callback(
    Output(ids.EXPORT_DOWNLOAD, "data"),
    Input(ids.EXPORT_SERIES_CSV, "n_clicks"),
    Input(ids.EXPORT_HEATMAP_CSV, "n_clicks"),
    Input(ids.EXPORT_COMPARE_CSV, "n_clicks"),
    Input(ids.EXPORT_DEVICES_CSV, "n_clicks"),
    State(ids.STATE, "data"),
    prevent_initial_call=True,
)
@guarded(lambda _alert: no_update)
def download_csv(_series, _heatmap, _compare, _devices, state):
    """The CSV behind the panel whose button was pressed."""
    return export_csv(KINDS[ctx.triggered_id], state)


def png_config(kind: str, state: dict) -> dict:
    """The graph's config with the camera button's file name saying what the chart holds."""
    return {**GRAPH_CONFIG, "toImageButtonOptions": {**GRAPH_CONFIG["toImageButtonOptions"],
                                                     "filename": stem(kind, state)}}


@callback(
    Output(ids.SERIES_GRAPH, "config"),
    Output(ids.SERIES_HEATMAP, "config"),
    Output(ids.COMPARE_GRAPH, "config"),
    Input(ids.STATE, "data"),
)
@guarded(lambda _alert: (no_update, no_update, no_update))
def name_pngs(state):
    """PNG names follow the selection: panel, metric and period."""
    state = validated(state)
    return png_config("series", state), png_config("hour-of-week", state), png_config("comparison", state)
