"""Header callback: key figures for the current selection."""

from __future__ import annotations

from dash import Input, Output

from callbacks.common import guarded, message, panel
from callbacks.registry import callback
from layouts import ids
from layouts.header import key_figure_cards
from views import availability
from views.common import empty_reason
from views.overview import key_figure_values


@callback(Output(ids.HEADER_FIGURES, "children"), Input(ids.STATE, "data"))
@guarded(lambda alert: [alert])
@panel
def update_key_figures(src, state):
    """Devices, rapid share, devices per 100k, sessions, energy and utilisation for the selection."""
    reason = empty_reason(state)
    if reason:
        return [message(reason)]
    values, scope = key_figure_values(src, state)
    return key_figure_cards(values, scope, availability.usage_note(availability.offer(src), state))
