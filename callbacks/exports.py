"""CSV exports: exactly the figures behind each panel for the current selection, and the selected devices."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, State, callback, ctx, dcc, no_update

from callbacks.common import borough_sums_for, guarded, store, validated
from callbacks.compare import table_rows
from callbacks.series import heatmap_sums, series_lines
from data.device_export import selected_devices
from data.frames import ranking
from layouts import ids
from web import public

KINDS = {ids.EXPORT_SERIES_CSV: "series", ids.EXPORT_HEATMAP_CSV: "hour-of-week",
         ids.EXPORT_COMPARE_CSV: "comparison", ids.EXPORT_DEVICES_CSV: "devices"}


def series_frame(state: dict) -> pd.DataFrame:
    """The time-series panel's lines: area, bucket, value (the same frame update_series draws)."""
    frame, _, names, gran = series_lines(state)
    return frame.assign(name=frame["area"].map(lambda a: names.get(a, a)), metric=state["metric"], granularity=gran)


def heatmap_frame(state: dict) -> pd.DataFrame:
    """The hour-of-week panel's sums by day of week (Mon=0) and hour."""
    return public.public_frame(heatmap_sums(state))


def comparison_frame(state: dict) -> pd.DataFrame:
    """The comparison table's rows: the 33 boroughs ranked by the metric and denominator."""
    sums, _ = borough_sums_for(state)
    ranked, _ = ranking(sums, state["metric"], state["denominator"])
    return pd.DataFrame(table_rows(ranked))


def devices_frame(state: dict) -> pd.DataFrame:
    """The selected devices; their use in the period only for officers (public mode: no per-device usage)."""
    db, _ = store()
    return selected_devices(db, state, with_usage=public.allow_device_detail())


FRAMES = {"series": series_frame, "hour-of-week": heatmap_frame, "comparison": comparison_frame,
          "devices": devices_frame}


def export_csv(kind: str, state) -> dict:
    """dcc.Download's data for one export of the validated state."""
    state = validated(state)
    frame = FRAMES[kind](state)
    name = f"london-ev-{kind}-{state['from']}-to-{state['to']}.csv"
    return dcc.send_data_frame(frame.to_csv, name, index=False)


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
