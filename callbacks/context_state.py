"""The state steps issue 17's panels add: their controls, clicks on their bars, "compare with peers", and the
controls following a link (back, forward, a deck slide)."""

from __future__ import annotations

from dash import Input, Output, State, ctx, no_update

from callbacks.common import guarded, source, validated
from callbacks.registry import callback
from layouts import ids
from state import urlstate
from state.context import CLICK_GRAPHS, CONTEXT_CONTROLS, control_values, reduce_context
from state.panels import PARTS, changed_parts
from state.reducers import opened_query
from views import peers


@callback(
    *[Output(control, "value") for control in CONTEXT_CONTROLS],
    Input(ids.LINK_OPENED, "data"),
    *[State(control, "value") for control in CONTEXT_CONTROLS],
    prevent_initial_call=True,  # the layout's controls already show the state; a link at load is set by openLink
)
@guarded(lambda _alert: (no_update,) * len(CONTEXT_CONTROLS))
def follow_link(opened, *shown):
    """Each control shows what an opened link (at load, back/forward, a deck slide) says. A control already
    showing it is left alone: setting it again would fire update_context_state for nothing (at every load)."""
    return tuple(no_update if value == now else value
                 for value, now in zip(control_values(opened_query(opened)), shown, strict=True))


@callback(
    Output(ids.STATE, "data", allow_duplicate=True),
    Output(ids.LINK, "data", allow_duplicate=True),  # the link follows (the app pushes only what changed)
    *[Output(store, "data", allow_duplicate=True) for store in PARTS],  # the series' part may change (events)
    *[Input(control, "value") for control in CONTEXT_CONTROLS],
    *[Input(graph, "clickData") for graph in CLICK_GRAPHS],
    Input(ids.PEERS_COMPARE, "n_clicks"),
    State(ids.LINK_OPENED, "data"),
    State(ids.STATE, "data"),
    State(ids.VIEW, "data"),
    prevent_initial_call=True,
)
@guarded(lambda _alert: (no_update,) * (2 + len(PARTS)))
def update_context_state(*args):
    """A control, a bar click or "compare with peers" -> the next state (validated)."""
    *_, opened, state, view = args
    search = opened_query(opened)
    trigger = ctx.triggered_id
    src = source()
    old = validated(state, src)
    value = ctx.triggered[0]["value"] if ctx.triggered else None
    group = None
    if trigger == ids.PEERS_COMPARE:
        result, _ = peers.frame(src, old)
        group = list(result["gss_code"]) if result is not None else None
    new = reduce_context(old, trigger, value, search, group)
    if new is None:
        return (no_update,) * (2 + len(PARTS))
    new = validated(new, src)
    if new == old:
        return (no_update,) * (2 + len(PARTS))
    return (new, urlstate.to_query(new, urlstate.clean_view(view or {})),
            *[no_update if part is None else part for part in changed_parts(old, new)])
