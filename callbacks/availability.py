"""What the loaded data offers: the denominators the chosen metric can take (the rest disabled with a reason)."""

from __future__ import annotations

from dash import Input, Output, no_update

from callbacks.common import guarded, source
from callbacks.registry import callback
from layouts import ids
from layouts.filters import denominator_options
from views import availability


@callback(Output(ids.FILTER_DENOMINATOR, "options"), Input(ids.FILTER_METRIC, "value"), prevent_initial_call=True)
@guarded(lambda _alert: no_update)
def update_denominators(metric):
    """Denominator options for the state's metric: a ratio is not divided again, devices not per device,
    and a denominator whose data is not loaded is disabled with the reason."""
    if not isinstance(metric, str):  # the metric control: it changes only when the metric does
        return no_update
    off = availability.offer(source())
    return denominator_options(metric, availability.denominator_reasons(off, metric))
