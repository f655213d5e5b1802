"""Issue 17's steps of the state: the tracker's and the events' controls, clicks on the where-next and peer
bars, and "compare with peers". Pure; the callbacks in callbacks/context_state.py call these."""

from __future__ import annotations

from layouts import ids
from state import selection, urlstate

CONTEXT_CONTROLS = {ids.TARGETS_TRACK: "track", ids.TARGETS_BASIS: "basis", ids.SERIES_EVENTS: "events"}
CLICK_GRAPHS = (ids.WHERE_GRAPH, ids.PEERS_GRAPH)


def link_values(search: str | None) -> dict:
    """The context keys a link carries, each a known choice (else its default)."""
    raw = urlstate.parse_query(search)
    return {key: raw.get(key) if raw.get(key) in choices else selection.CONTEXT_DEFAULTS[key]
            for key, choices in selection.CONTEXT_CHOICES.items()}


def control_values(search: str | None) -> tuple:
    """What each context control shows for a link, in CONTEXT_CONTROLS order."""
    values = link_values(search)
    return tuple(values[key] for key in CONTEXT_CONTROLS.values())


def reduce_context(state: dict, trigger, value, search: str | None, peers: list[str] | None = None) -> dict | None:
    """The next state, or None when there is nothing to change.

    A control showing what the link already says changed because the link did (back, forward, a deck slide):
    the state callback takes the whole link, so this one leaves it alone rather than race it.
    """
    if trigger in CONTEXT_CONTROLS:
        key = CONTEXT_CONTROLS[trigger]
        if value == link_values(search)[key] or value == state.get(key):
            return None
        return {**state, key: value}
    if trigger in CLICK_GRAPHS:
        code = selection.code_from_bar_click(value)
        return {**state, "boroughs": selection.toggle(state["boroughs"], code)} if code else None
    if trigger == ids.PEERS_COMPARE and peers:
        return {**state, "boroughs": list(peers)}
    return None
