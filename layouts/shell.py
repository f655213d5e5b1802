"""The app shell: owns the state and points stores, the alert area and the three panels."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.compare_panel import compare_panel
from layouts.filters import filter_bar
from layouts.header import header, metric_help
from layouts.live_panel import live_panel
from layouts.map_panel import map_panel
from layouts.peers_panel import peers_panel
from layouts.series_panel import series_panel
from layouts.share import notice_area, share_bar, share_stores, slide_foot, slide_head
from layouts.targets_panel import events_toggle, targets_panel
from layouts.where_next_panel import where_next_panel
from state.panels import PARTS


def shell(ctx: dict) -> html.Div:
    """Compose the page from a context of already-queried values (see callbacks.page.page_context)."""
    state = ctx["state"]
    return html.Div([
        dcc.Store(id=ids.STATE, data=state),
        *[dcc.Store(id=store, data=part(state)) for store, part in PARTS.items()],
        dcc.Store(id=ids.CONTEXT),
        dcc.Store(id=ids.POINTS, data=ctx["points"]),
        *share_stores(),
        slide_head(),
        header(ctx["provenance"], ctx.get("user"), ctx.get("csrf")),
        html.Div(ctx.get("alert"), id=ids.ALERT),
        notice_area(),
        share_bar(),
        filter_bar(state, ctx["bounds"], ctx["operators"], ctx["boroughs"],
                   {"metrics": ctx.get("metric_reasons"), "denominators": ctx.get("denominator_reasons")}),
        metric_help(),
        html.Main([
            map_panel(ctx["tile_url"], ctx["tile_attribution"], ctx["borough_features"], ctx["points_hideout"],
                      state.get("map", "bands")),
            series_panel(state["granularity"], events_toggle(state["events"])),
            compare_panel(),
            live_panel(),
            targets_panel(state),
            where_next_panel(),
            peers_panel(),
        ], className="panels"),
        slide_foot(),
    ], className="app")
