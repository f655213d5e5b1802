"""Issue 17's context panels (the 2030 tracker, where next, peer boroughs) and their CSVs.

The three charts are answered by one callback on the CONTEXT store (the boroughs and the panels' own keys:
assets/context.js), so a borough click costs one request for all three (issue 19: at most six per
interaction); each panel keeps its own guard, so one failing leaves the other two drawn."""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, State, ctx, html, no_update

from callbacks.common import csv_download, guarded, message, panel, source, validated
from callbacks.registry import callback
from data.vocabulary import TARGET_MEASURES
from figures.peers import peer_bars
from figures.targets import tracker
from figures.where_next import needed_bars
from layouts import ids
from layouts.peers_panel import peers_table
from layouts.targets_panel import share_table
from views import events as events_view
from views import peers as peers_view
from views import targets as targets_view
from views import where_next as where_view

TARGETS_OUT = (ids.TARGETS_GRAPH, "figure"), (ids.TARGETS_WRAP, "hidden"), (ids.TARGETS_MESSAGE, "children"), \
    (ids.TARGETS_TABLE, "children"), (ids.TARGETS_SUMMARY, "children")
WHERE_OUT = (ids.WHERE_GRAPH, "figure"), (ids.WHERE_WRAP, "hidden"), (ids.WHERE_MESSAGE, "children"), \
    (ids.WHERE_SUMMARY, "children")
PEERS_OUT = (ids.PEERS_GRAPH, "figure"), (ids.PEERS_WRAP, "hidden"), (ids.PEERS_MESSAGE, "children"), \
    (ids.PEERS_TABLE, "children"), (ids.PEERS_SUMMARY, "children"), (ids.PEERS_COMPARE, "disabled")


@callback(
    *[Output(i, prop) for i, prop in (*TARGETS_OUT, *WHERE_OUT, *PEERS_OUT)],
    Input(ids.CONTEXT, "data"),  # the boroughs and these panels' keys only (assets/context.js)
    Input(ids.TARGETS_TABLE_DETAILS, "open"),
)
def update_context_panels(state, table_open=False):
    """The tracker, the where-next ranking and the peers, in one request; the tracker's 33-row table only while
    its <details> is open (a folded table is not rebuilt on every click: issue 19)."""
    if ctx.triggered_id == ids.TARGETS_TABLE_DETAILS:
        table = update_targets(state)[3] if table_open else []
        return (*(no_update,) * 3, table, *(no_update,) * (1 + len(WHERE_OUT) + len(PEERS_OUT)))
    targets = update_targets(state)
    return (*targets[:3], targets[3] if table_open else no_update, targets[4],
            *update_where_next(state), *update_peers(state))


@guarded(lambda alert: (no_update, True, alert, [], []))
@panel
def update_targets(src, state):
    """London's official devices, the straight line and run-rate to the target, and the boroughs' shares."""
    tr, reason = targets_view.frame(src, state)
    if tr is None:
        return no_update, True, message(reason), [], []
    t = tr.track
    label = TARGET_MEASURES[t.measure][1]
    events = events_view.for_chart(src, state, t.series["quarter"].iloc[0], t.target_date)
    fig = tracker(t, label=label, events=events,
                  title=f"London's {label} against the target: {t.target:,.0f} by {t.target_date:%b %Y}",
                  subtitle=f"Target: {t.source[:110]} · Counts: {targets_view.counts_source(src)[:110]}")
    basis = targets_view.BASES[state["basis"]][1]
    table = [html.P(f"Share of the target in proportion to {basis}; devices at "
                    f"{pd.Timestamp(tr.devices_quarter):%b %Y} (DfT)." if tr.devices_quarter is not None else
                    "No borough counts loaded for this measure."),
             share_table(tr.boroughs.astype(object).where(tr.boroughs.notna(), None).to_dict("records"),
                         basis.capitalize(), tuple(state["boroughs"]))]
    return fig, False, None, table, html.P(targets_view.summary(tr))


@guarded(lambda alert: (no_update, True, alert, []))
@panel
def update_where_next(src, state):
    """Boroughs ranked by the devices they need to reach London's target ratio, the figure on each bar."""
    tr, reason = where_view.frame(src, state)
    if tr is None:
        return no_update, True, message(reason), []
    if tr.boroughs["gap"].isna().all():
        return no_update, True, message("No borough has both DfT counts and residents or plug-in vehicles loaded."), []
    quarter = f"{tr.devices_quarter:%b %Y}" if tr.devices_quarter is not None else "no quarter"
    fig = needed_bars(tr.boroughs, title="Devices needed to reach London's target ratio",
                      subtitle=f"{where_view.ratio_text(tr)} · devices: DfT, {quarter} · "
                               f"target: {tr.track.source[:80]}",
                      x_title="Devices needed (negative: already above the ratio)", selected=tuple(state["boroughs"]))
    return fig, False, None, html.P(where_view.summary(tr))


@guarded(lambda alert: (no_update, True, alert, [], [], True))
@panel
def update_peers(src, state):
    """The first selected borough's five peers."""
    result, reason = peers_view.frame(src, state)
    if result is None:
        return no_update, True, message(reason), [], [], True
    labels = {k: v for k, v in peers_view.MEASURES.items() if k in result.columns}
    fig = peer_bars(result, labels, title=f"Boroughs most like {result['name'].iloc[0]}",
                    subtitle="Distance on z-scored " + ", ".join(labels.values()).lower()
                             + " · sources: boroughs, population and plug-in vehicle loads")
    rows = result.to_dict("records")
    return fig, False, None, peers_table(rows, labels), html.P(peers_view.summary(result)), False


def _download(state, view, to_csv, filename):
    """A panel's figures as CSV: its view's frame for the validated state, or nothing when there is none."""
    src = source()
    state = validated(state, src)
    result, _ = view.frame(src, state)
    return no_update if result is None else csv_download(to_csv(result, src), filename(result, state))


@callback(Output(ids.TARGETS_DOWNLOAD, "data"), Input(ids.TARGETS_CSV, "n_clicks"), State(ids.STATE, "data"),
          prevent_initial_call=True)
@guarded(lambda _alert: no_update)
def download_targets(_clicks, state):
    """The tracker's figures as CSV, with their sources."""
    return _download(state, targets_view, lambda tr, src: targets_view.csv_frame(tr, targets_view.counts_source(src)),
                     lambda _tr, st: f"london-ev-2030-tracker-{st['track']}-{st['basis']}.csv")


@callback(Output(ids.WHERE_DOWNLOAD, "data"), Input(ids.WHERE_CSV, "n_clicks"), State(ids.STATE, "data"),
          prevent_initial_call=True)
@guarded(lambda _alert: no_update)
def download_where_next(_clicks, state):
    """The ranking as CSV, with the ratio and sources."""
    return _download(state, where_view, lambda tr, src: where_view.csv_frame(tr, targets_view.counts_source(src)),
                     lambda _tr, st: f"london-ev-where-next-{st['track']}-{st['basis']}.csv")


@callback(Output(ids.PEERS_DOWNLOAD, "data"), Input(ids.PEERS_CSV, "n_clicks"), State(ids.STATE, "data"),
          prevent_initial_call=True)
@guarded(lambda _alert: no_update)
def download_peers(_clicks, state):
    """The borough, its peers, every measure, z-score and distance, with the method and sources."""
    return _download(state, peers_view, lambda result, _src: peers_view.csv_frame(result),
                     lambda result, _st: f"london-ev-peers-{result['gss_code'].iloc[0]}.csv")
