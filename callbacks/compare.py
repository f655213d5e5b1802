"""Borough comparison callback: ranked bars, their sentence, and the same figures as a table while its tab is open."""

from __future__ import annotations

from dash import Input, Output, ctx, no_update

from callbacks.common import guarded, message, panel, png_named
from callbacks.registry import callback
from data import metrics
from figures.compare import ranking_bars
from layouts import ids
from layouts.compare_panel import compare_table
from views import compare as view


@callback(
    Output(ids.COMPARE_GRAPH, "figure"),
    Output(ids.COMPARE_WRAP, "hidden"),
    Output(ids.COMPARE_MESSAGE, "children"),
    Output(ids.COMPARE_SUMMARY, "children"),
    Output(ids.COMPARE_TABLE, "children"),
    Input(ids.STATE_BOROUGHS, "data"),
    Input(ids.COMPARE_TABS, "active_tab"),
)
@guarded(lambda alert: (no_update, True, alert, [], []))
def compare_panel(state, tab=None):
    """The chart and its sentence on a new state; the table only while its tab is open (one request for all)."""
    if ctx.triggered_id == ids.COMPARE_TABS:
        return no_update, no_update, no_update, no_update, update_compare_table(state, tab)
    return (*update_compare(state), compare_words(state), compare_rows(state) if tab == "table" else no_update)


@guarded(lambda _alert: [])  # a sentence or table failing leaves the chart
@panel
def compare_words(src, state):
    """One sentence naming the highest and lowest borough."""
    result, _ = view.ranked(src, state)
    if result is None:  # the chart shows a message instead (an empty selection or store)
        return ""
    metric, denom = state["metric"], state["denominator"]
    return view.compare_summary(result[0], metrics.title(metric, denom), metric, denom)


@guarded(lambda alert: (no_update, True, alert))
@panel
def update_compare(src, state):
    """The 33 boroughs ranked by the chosen metric and denominator, London as reference."""
    result, reason = view.ranked(src, state)
    if result is None:
        return no_update, True, message(reason)
    ranked, london = result
    metric, denom = state["metric"], state["denominator"]
    label = view.london_label(state)
    has_london = london == london  # no reference line for a missing value
    parts = [f"{state['from']} to {state['to']}", view.official_quarter(ranked, state),
             f"dashed line: {label}" if has_london else None]
    fig = ranking_bars(ranked, london=london if has_london else None,
                       london_label=f"{label}: {metrics.fmt_value(metric, london, denom)}",
                       title=metrics.title(metric, denom), x_title=metrics.title(metric, denom),
                       selected=tuple(state["boroughs"]), subtitle=" · ".join(p for p in parts if p),
                       beside=view.REGISTRY_LABEL if "registry" in ranked else None,
                       fmt=lambda v: metrics.fmt_value(metric, v, denom))
    return png_named(fig, "comparison", state), False, None


@guarded(lambda alert: alert)
def update_compare_table(state, tab):
    """The same figures as a table, built only while its tab is open: its 330 cells as Dash components were
    41 of the panel's 45 KB per response, and most of its warm time."""
    return compare_rows(state) if tab == "table" else []


@panel
def compare_rows(src, state):
    """The table for ``state`` (empty where the chart shows a message instead)."""
    result, _ = view.ranked(src, state)
    if result is None:
        return []
    metric, denom = state["metric"], state["denominator"]
    return compare_table(view.table_rows(result[0]), metrics.title(metric, denom),
                         fmt=lambda v: metrics.fmt_value(metric, v, denom))
