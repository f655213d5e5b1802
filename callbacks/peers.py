"""Peer boroughs callbacks: the five nearest boroughs, their measures and distances, and the CSV."""

from __future__ import annotations

from dash import Input, Output, State, html, no_update

from callbacks.common import csv_download, guarded, message, panel, source, validated
from callbacks.registry import callback
from figures.peers import peer_bars
from layouts import ids
from layouts.peers_panel import peers_table
from views import peers as view


@callback(
    Output(ids.PEERS_GRAPH, "figure"),
    Output(ids.PEERS_WRAP, "hidden"),
    Output(ids.PEERS_MESSAGE, "children"),
    Output(ids.PEERS_TABLE, "children"),
    Output(ids.PEERS_SUMMARY, "children"),
    Output(ids.PEERS_COMPARE, "disabled"),
    Input(ids.CONTEXT, "data"),  # the boroughs and this panel's keys only (assets/context.js)
)
@guarded(lambda alert: (no_update, True, alert, [], [], True))
@panel
def update_peers(src, state):
    """The first selected borough's five peers."""
    result, reason = view.frame(src, state)
    if result is None:
        return no_update, True, message(reason), [], [], True
    labels = {k: v for k, v in view.MEASURES.items() if k in result.columns}
    fig = peer_bars(result, labels, title=f"Boroughs most like {result['name'].iloc[0]}",
                    subtitle="Distance on z-scored " + ", ".join(labels.values()).lower()
                             + " · sources: boroughs, population and plug-in vehicle loads")
    rows = result.to_dict("records")
    return fig, False, None, peers_table(rows, labels), html.P(view.summary(result)), False


@callback(
    Output(ids.PEERS_DOWNLOAD, "data"),
    Input(ids.PEERS_CSV, "n_clicks"),
    State(ids.STATE, "data"),
    prevent_initial_call=True,
)
@guarded(lambda _alert: no_update)
def download_peers(_clicks, state):
    """The borough, its peers, every measure, z-score and distance, with the method and sources."""
    src = source()
    state = validated(state, src)
    result, _ = view.frame(src, state)
    if result is None:
        return no_update
    return csv_download(view.csv_frame(result), f"london-ev-peers-{result['gss_code'].iloc[0]}.csv")
