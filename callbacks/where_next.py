"""Where next callbacks: the ranking of boroughs by the devices they need, and its CSV."""

from __future__ import annotations

from dash import Input, Output, State, html, no_update

from callbacks.common import csv_download, guarded, message, panel, source, validated
from callbacks.registry import callback
from figures.where_next import needed_bars
from layouts import ids
from views import targets
from views import where_next as view


@callback(
    Output(ids.WHERE_GRAPH, "figure"),
    Output(ids.WHERE_WRAP, "hidden"),
    Output(ids.WHERE_MESSAGE, "children"),
    Output(ids.WHERE_SUMMARY, "children"),
    Input(ids.CONTEXT, "data"),  # the boroughs and this panel's keys only (assets/context.js)
)
@guarded(lambda alert: (no_update, True, alert, []))
@panel
def update_where_next(src, state):
    """Boroughs ranked by the devices they need to reach London's target ratio, the figure on each bar."""
    tr, reason = view.frame(src, state)
    if tr is None:
        return no_update, True, message(reason), []
    if tr.boroughs["gap"].isna().all():
        return no_update, True, message("No borough has both DfT counts and residents or plug-in vehicles loaded."), []
    quarter = f"{tr.devices_quarter:%b %Y}" if tr.devices_quarter is not None else "no quarter"
    fig = needed_bars(tr.boroughs, title="Devices needed to reach London's target ratio",
                      subtitle=f"{view.ratio_text(tr)} · devices: DfT, {quarter} · target: {tr.track.source[:80]}",
                      x_title="Devices needed (negative: already above the ratio)", selected=tuple(state["boroughs"]))
    return fig, False, None, html.P(view.summary(tr))


@callback(
    Output(ids.WHERE_DOWNLOAD, "data"),
    Input(ids.WHERE_CSV, "n_clicks"),
    State(ids.STATE, "data"),
    prevent_initial_call=True,
)
@guarded(lambda _alert: no_update)
def download_where_next(_clicks, state):
    """The ranking as CSV, with the ratio and sources."""
    src = source()
    state = validated(state, src)
    tr, _ = view.frame(src, state)
    if tr is None:
        return no_update
    frame = view.csv_frame(tr, targets.counts_source(src))
    return csv_download(frame, f"london-ev-where-next-{state['track']}-{state['basis']}.csv")
