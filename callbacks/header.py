"""Header callback: key figures for the current selection, and the same selection in words for the banner."""

from __future__ import annotations

from dash import Input, Output, no_update

from callbacks.common import guarded, message, panel, source
from callbacks.registry import callback
from figures.caption import as_of_text
from layouts import ids
from layouts.header import key_figure_cards
from state import selection
from views import availability
from views.common import borough_names, empty_reason
from views.overview import key_figure_values


@callback(Output(ids.HEADER_FIGURES, "children"), Output(ids.PRESENT_BANNER, "children"), Input(ids.STATE, "data"))
def update_header(state):
    """Both header outputs in one request: one callback fewer for every interaction."""
    return update_key_figures(state), update_banner(state)


@guarded(lambda alert: [alert])
@panel
def update_key_figures(src, state):
    """Devices, rapid share, devices per 100k, sessions, energy and utilisation for the selection."""
    reason = empty_reason(state)
    if reason:
        return [message(reason)]
    values, scope = key_figure_values(src, state)
    return key_figure_cards(values, scope, availability.usage_note(availability.offer(src), state))


@guarded(lambda _alert: no_update)
def update_banner(state):
    """The current selection and the data's source, written on screen."""
    src = source()
    return [selection.selection_text(state, borough_names(src, state)), " — ",
            as_of_text(availability.provenance(src))]
