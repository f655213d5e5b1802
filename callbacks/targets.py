"""The 2030 tracker callbacks: London against its target with event markers, each borough's share and gap."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, State, html, no_update

from callbacks.common import csv_download, guarded, message, panel, source, validated
from callbacks.registry import callback
from data.vocabulary import TARGET_MEASURES
from figures.targets import tracker
from layouts import ids
from layouts.targets_panel import share_table
from views import events as events_view
from views import targets as view


@callback(
    Output(ids.TARGETS_GRAPH, "figure"),
    Output(ids.TARGETS_WRAP, "hidden"),
    Output(ids.TARGETS_MESSAGE, "children"),
    Output(ids.TARGETS_TABLE, "children"),
    Output(ids.TARGETS_SUMMARY, "children"),
    Input(ids.CONTEXT, "data"),  # the boroughs and this panel's keys only (assets/context.js)
)
@guarded(lambda alert: (no_update, True, alert, [], []))
@panel
def update_targets(src, state):
    """London's official devices, the straight line and run-rate to the target, and the boroughs' shares."""
    tr, reason = view.frame(src, state)
    if tr is None:
        return no_update, True, message(reason), [], []
    t = tr.track
    label = TARGET_MEASURES[t.measure][1]
    events = events_view.for_chart(src, state, t.series["quarter"].iloc[0], t.target_date)
    fig = tracker(t, label=label, events=events,
                  title=f"London's {label} against the target: {t.target:,.0f} by {t.target_date:%b %Y}",
                  subtitle=f"Target: {t.source[:110]} · Counts: {view.counts_source(src)[:110]}")
    basis = view.BASES[state["basis"]][1]
    table = [html.P(f"Share of the target in proportion to {basis}; devices at "
                    f"{pd.Timestamp(tr.devices_quarter):%b %Y} (DfT)." if tr.devices_quarter is not None else
                    "No borough counts loaded for this measure."),
             share_table(tr.boroughs.astype(object).where(tr.boroughs.notna(), None).to_dict("records"),
                         basis.capitalize(), tuple(state["boroughs"]))]
    return fig, False, None, table, html.P(view.summary(tr))


@callback(
    Output(ids.TARGETS_DOWNLOAD, "data"),
    Input(ids.TARGETS_CSV, "n_clicks"),
    State(ids.STATE, "data"),
    prevent_initial_call=True,
)
@guarded(lambda _alert: no_update)
def download_targets(_clicks, state):
    """The tracker's figures as CSV, with their sources."""
    src = source()
    state = validated(state, src)
    tr, _ = view.frame(src, state)
    if tr is None:
        return no_update
    frame = view.csv_frame(tr, view.counts_source(src))
    return csv_download(frame, f"london-ev-2030-tracker-{state['track']}-{state['basis']}.csv")
