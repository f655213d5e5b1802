"""Overview callback: for each state, the header's key figures and banner and the map's choropleth and legend,
in one request (all three read views/overview.py's figures for the same selection; one request fewer for every
interaction: issue 19's six). Each part keeps its own guard, so one failing leaves the others drawn."""

from __future__ import annotations

from dash import Input, Output, no_update

from callbacks.common import guarded, message, panel, source
from callbacks.registry import callback
from data import metrics
from figures.caption import as_of_text
from figures.mapdata import choropleth_hideout, legend_rows
from layouts import ids
from layouts.header import KEY_FIGURES, key_figure_texts, metric_help_body
from layouts.map_panel import choropleth_legend
from state import selection
from views import availability, overview
from views.common import borough_names, empty_reason
from views.overview import key_figure_values

# The key figures are texts set into cards that stay in the layout (layouts/header.py key_figures): the scope,
# each figure's value and unit, the note, and a message in place of the figures when there are none.
KEY_FIGURE_OUTPUTS = [Output(ids.HEADER_SCOPE, "children"),
                      *[Output(ids.key_figure_value(key), prop) for key, *_ in KEY_FIGURES
                        for prop in ("children", "data-unit")],
                      Output(ids.HEADER_NOTE, "children"), Output(ids.HEADER_FIGURES_MESSAGE, "children")]
NO_FIGURES = ["–", ""] * len(KEY_FIGURES)


@callback(
    *KEY_FIGURE_OUTPUTS,
    Output(ids.PRESENT_BANNER, "children"),
    Output(ids.MAP_BOROUGHS, "hideout"),
    Output(ids.MAP_LEGEND, "children"),
    Output(ids.MAP_MESSAGE, "children"),
    Input(ids.STATE_BOROUGHS, "data"),
)
def update_overview(state):
    """Key figures, the banner, and the choropleth with its legend (or the map's message)."""
    return *update_key_figures(state), update_banner(state), *update_choropleth(state)


@guarded(lambda alert: ["", *NO_FIGURES, None, alert])
@panel
def update_key_figures(src, state):
    """Devices, rapid share, devices per 100k, sessions, energy and utilisation for the selection: the scope,
    each value and unit, the note (why a figure is missing), the message (why there are none)."""
    reason = empty_reason(state)
    if reason:
        return ["", *NO_FIGURES, None, message(reason)]
    values, scope = key_figure_values(src, state)
    return [scope, *key_figure_texts(values), availability.usage_note(availability.offer(src), state), None]


@callback(Output(ids.HEADER_HELP_BODY, "children"), Input(ids.HEADER_HELP, "open"), prevent_initial_call=True)
def show_help(is_open):
    """The definitions table, built the first time "How the figures are defined" opens (kept once built)."""
    return metric_help_body() if is_open else no_update


@guarded(lambda _alert: no_update)
def update_banner(state):
    """The current selection and the data's source, written on screen."""
    src = source()
    return [selection.selection_text(state, borough_names(src, state)), " — ",
            as_of_text(availability.provenance(src))]


@guarded(lambda alert: (no_update, [], alert))
@panel
def update_choropleth(src, state):
    """Colour boroughs by the metric in quintile classes; outline the selected ones."""
    selected = tuple(state["boroughs"])
    reason = empty_reason(state) or availability.unavailable(availability.offer(src), state)
    if reason:
        return {"vals": {}, "breaks": [], "sel": list(selected), "text": {}}, [], message(reason)
    metric, denom = state["metric"], state["denominator"]
    ranked, hover, has_shapes = overview.choropleth(src, state)
    hideout = choropleth_hideout(ranked, hover, selected)
    if not has_shapes:  # no boundaries loaded: no choropleth, so no legend for it
        return hideout, [], None
    rows = legend_rows(hideout["breaks"], lambda v: metrics.fmt_value(metric, v, denom))
    return hideout, choropleth_legend(metrics.title(metric, denom), rows), None
