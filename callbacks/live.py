"""Live status callbacks (issue 15): the map's Live now colours and legend, the status panel and its CSVs.

None of them fires on a plain state change: the map's reads a gate that changes only with the map mode (and a
minute tick while Live now is on), the panel's a gate that carries the state only while the panel is open
(assets/live.js), so a borough click or band toggle sends no more requests than before (issue 19).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from dash import ALL, MATCH, Input, Output, Patch, State, ctx, dcc, html, no_update
from plotly.utils import PlotlyJSONEncoder

from cache import cache
from callbacks.common import csv_download, guarded, message, source, state_key, validated
from callbacks.registry import callback
from data import status_cached
from figures import live as fig
from layouts import ids
from layouts.live_panel import device_list, list_fold, live_legend
from layouts.series_panel import GRAPH_CONFIG
from views import live
from views.common import Source


def utc_now() -> datetime:
    """Now in UTC, naive (as the status tables store times)."""
    return datetime.now(UTC).replace(tzinfo=None)


@callback(
    Output(ids.MAP_LIVE_LEGEND, "children"),
    Output(ids.MAP_POINTS, "hideout", allow_duplicate=True),
    Output(ids.MAP_BAND_LEGEND, "hidden"),
    Output(ids.LIVE_TICK, "disabled"),
    Input(ids.LIVE_GATE, "data"),
    Input(ids.LIVE_TICK, "n_intervals"),
    prevent_initial_call=True,
)
@guarded(lambda alert: ([alert], no_update, False, True))
def live_map(gate, _tick):
    """Live now: each point's status class in the points' hideout (assets/map.js colours it) and the legend
    with each feed's age; back to power bands: the classes dropped."""
    hideout = Patch()
    if (gate or {}).get("map") != "live":
        hideout["live"] = None
        return [], hideout, False, True
    shown = live.live_map(source(), utc_now())
    hideout["live"] = {"s": shown["codes"], "colours": list(fig.LIVE_COLOURS), "labels": list(live.LIVE_CLASSES),
                       "unknown": len(live.LIVE_CLASSES) - 1}
    legend = live_legend(live.LIVE_CLASSES, fig.LIVE_COLOURS, shown["counts"], shown["feeds"], shown["message"])
    return legend, hideout, True, False


def _graph(figure) -> dcc.Graph:
    return dcc.Graph(figure=figure, config=GRAPH_CONFIG, responsive=True, className="live-graph",
                     style={"height": f"{figure.layout.height}px"})


@callback(
    Output(ids.LIVE_BODY, "children"),
    Input(ids.LIVE_PANEL_GATE, "data"),
    prevent_initial_call=True,
)
@guarded(lambda alert: [alert])
def live_panel(state):
    """Occupancy and reliability by borough and by operator's rapid network (the daily status rollups); the
    officers' device lists folded, each built when opened (``live_list``)."""
    src = source()
    minute = utc_now().replace(second=0, microsecond=0).isoformat()  # "not working for 7 days" moves with now
    return panel_body(src.db, src.version, status_cached.status_version(src.db), src.min_count,
                      state_key(validated(state, src)), minute)


@cache.memoize()
def panel_body(db: str, version: str, status_version: str, min_count: int, key: str, minute: str) -> list:
    """The panel's components, cached by store, both data versions, disclosure, state and minute (components
    as plain JSON: a warm request is a lookup)."""
    src, state = Source(db, version, min_count), json.loads(key)
    boroughs, rapid, reason = live.aggregates(src, state)
    if reason:
        return [message(reason).to_plotly_json()]
    rapid_part = _graph(fig.rapid_reliability(rapid)) if rapid["reliability"].notna().any() else html.P(
        "No rapid (50 kW and over) device was observed in the chosen period.")
    ops = _graph(fig.borough_rates(live.operators(src, state), "Operators: occupancy and reliability", "operator"))
    parts = [html.Div([_graph(fig.borough_rates(boroughs)), html.Div([rapid_part, ops])], className="live-charts")]
    if not src.device_detail:
        parts.append(html.P(live.OFFICERS_ONLY, className="hint"))
    else:
        parts += [list_fold(kind, title) for kind, (title, _name) in live.LISTS.items()]
    return json.loads(json.dumps(parts, cls=PlotlyJSONEncoder))


@callback(
    Output({"type": ids.LIVE_LIST_BODY, "kind": MATCH}, "children"),
    Input({"type": ids.LIVE_LIST, "kind": MATCH}, "open"),
    State(ids.LIVE_PANEL_GATE, "data"),
    prevent_initial_call=True,
)
@guarded(lambda alert: [alert])
def live_list(is_open, state):
    """One officer list, built when its <details> opens (the panel's state; the panel rebuilds them folded)."""
    kind = ctx.outputs_list["id"]["kind"]
    if not is_open or kind not in live.LISTS or not state:
        return no_update
    src = source()
    minute = utc_now().replace(second=0, microsecond=0).isoformat()
    return list_body(src.db, src.version, status_cached.status_version(src.db), src.min_count,
                     state_key(validated(state, src)), kind, minute)


@cache.memoize()
def list_body(db: str, version: str, status_version: str, min_count: int, key: str, kind: str, minute: str) -> list:
    """One list's components, cached as the panel's are."""
    src, state = Source(db, version, min_count), json.loads(key)
    parts = device_list(kind, live.LISTS[kind][0], *live.device_list(src, state, kind, datetime.fromisoformat(minute)))
    return json.loads(json.dumps(parts, cls=PlotlyJSONEncoder))


@callback(
    Output(ids.LIVE_CSV, "data"),
    Input({"type": ids.LIVE_CSV_BUTTON, "kind": ALL}, "n_clicks"),
    State(ids.STATE, "data"),
    prevent_initial_call=True,
)
@guarded(lambda _alert: no_update)
def download_list(clicks, state):
    """The whole list behind the button pressed, as CSV (officers only: public mode builds no button)."""
    kind = (ctx.triggered_id or {}).get("kind")
    if kind not in live.LISTS or not any(clicks or []):
        return no_update
    src = source()
    state = validated(state, src)
    frame, _reason = live.device_list(src, state, kind, utc_now(), n=None)
    if frame is None:
        return no_update
    return csv_download(frame, f"london-ev-{live.LISTS[kind][1]}-{state['from']}-to-{state['to']}.csv")
