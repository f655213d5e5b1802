"""CSV exports: exactly the figures behind each panel for the current selection, and the selected devices."""

from __future__ import annotations

from dash import Input, Output, State, ctx, no_update

from callbacks.common import csv_download, guarded, source, validated
from callbacks.registry import callback
from figures.caption import caption_text
from layouts import ids
from views import availability, compare, overview, series
from views.exports import csv_frame, stem

KINDS = {ids.EXPORT_SERIES_CSV: "series", ids.EXPORT_HEATMAP_CSV: "hour-of-week",
         ids.EXPORT_COMPARE_CSV: "comparison", ids.EXPORT_DEVICES_CSV: "devices"}
FRAMES = {"series": series.series_frame, "hour-of-week": series.heatmap, "comparison": compare.comparison_frame,
          "devices": overview.devices_frame}


def export_csv(kind: str, state) -> dict:
    """dcc.Download's data for one export of the validated state."""
    src = source()
    state = validated(state, src)
    # Every row names the sources behind it with the data's own dates (and when loaded), as the charts do.
    provenance = caption_text(availability.provenance(src), state, availability.caption_kinds(state))
    frame = csv_frame(kind, FRAMES[kind](src, state), state).assign(source=provenance)
    return csv_download(frame, f"{stem(kind, state)}.csv")


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

