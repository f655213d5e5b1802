"""Header callback: key figures for the current selection."""

from __future__ import annotations

from dash import Input, Output, callback

from callbacks.common import borough_sums_for, empty_reason, guarded, message, panel
from data.frames import key_figures
from layouts import ids
from layouts.header import key_figure_cards


@callback(Output(ids.HEADER_FIGURES, "children"), Input(ids.STATE, "data"))
@guarded(lambda alert: [alert])
@panel
def update_key_figures(state):
    """Devices, rapid share, devices per 100k, sessions, energy and utilisation for the selection."""
    reason = empty_reason(state)
    if reason:
        return [message(reason)]
    sums, counts = borough_sums_for(state)
    names = dict(zip(sums["gss_code"], sums["name"], strict=True))
    picked = [names.get(g, g) for g in state["boroughs"]]
    scope = ("All London" if not picked else ", ".join(picked[:4]) + (f" and {len(picked) - 4} more" if len(picked) > 4 else ""))
    scope += f" · {state['from']} to {state['to']}"
    return key_figure_cards(key_figures(sums, counts, tuple(state["boroughs"])), scope)
