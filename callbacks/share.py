"""Sharing callbacks: the view (map, theme, presentation) from the URL and the controls, the link, copy, notice."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, ctx, no_update

from callbacks.common import guarded, message, source
from callbacks.registry import callback, clientside_callback
from data import queries
from layouts import ids
from state import urlstate
from state.reducers import next_view, opened_query
from views import availability

# The browser's history follows the link (pushState). What comes back in as "a link was opened" is only the
# page's own address at load and back/forward (assets/share.js sets LINK_OPENED on popstate) or a deck slide:
# never the app's own push, which would re-fire the state, notice, deck and view callbacks to say "no update".
clientside_callback(ClientsideFunction(namespace="evshare", function_name="openLink"),
                    Output(ids.LINK_OPENED, "data"), Input(ids.URL, "pathname"))
# Theme and presentation mode are attributes of <html>: Bootstrap 5.3's data-bs-theme and a "present" class.
clientside_callback(ClientsideFunction(namespace="evshare", function_name="applyView"),
                    Output(ids.THEME_SINK, "data"), Input(ids.VIEW, "data"))
# The map's position reaches the view only when it moved by a pixel or more (assets/map.js, evmap.moved): a
# click reports the centre again, a few metres from the one it was given, and must not cost a request.
clientside_callback(ClientsideFunction(namespace="evmap", function_name="moved"),
                    Output(ids.MAP_MOVED, "data"), Input(ids.MAP, "center"), Input(ids.MAP, "zoom"),
                    State(ids.VIEW, "data"), State(ids.MAP_MOVED, "data"), prevent_initial_call=True)


@callback(
    Output(ids.VIEW, "data"),
    Output(ids.LINK, "data", allow_duplicate=True),
    Output(ids.MAP, "viewport"),
    Output(ids.THEME_TOGGLE, "value"),
    Input(ids.LINK_OPENED, "data"),
    Input(ids.MAP_MOVED, "data"),
    Input(ids.PRESENT_TOGGLE, "n_clicks"),
    Input(ids.PRESENT_EXIT, "n_clicks"),
    Input(ids.THEME_TOGGLE, "value"),
    State(ids.VIEW, "data"),
    State(ids.STATE, "data"),
    prevent_initial_call=True,
)
def update_view(opened, map_move, _present, _exit, dark, view, state):
    """The only writer of the view; a link that moves the map sets the map's viewport. The link follows a view
    changed here (an opened link's link is written by update_state, which knows its new selection)."""
    old = urlstate.clean_view(view or {})
    map_move = map_move or {}
    new = next_view(old, ctx.triggered_id, opened_query(opened), [map_move.get("lat"), map_move.get("lon")],
                    map_move.get("zoom"), dark)
    if new == old and view is not None:
        return no_update, no_update, no_update, no_update
    opening = ctx.triggered_id == ids.LINK_OPENED
    link = urlstate.to_query(state, new) if state and not opening else no_update
    moved = opening and (new["lat"], new["lon"], new["zoom"]) != (old["lat"], old["lon"], old["zoom"])
    viewport = {"center": [new["lat"], new["lon"]], "zoom": new["zoom"], "transition": "setView"} if moved else no_update
    switch = (new["theme"] == "dark") if (new["theme"] == "dark") != bool(dark) else no_update
    return new, link, viewport, switch


@callback(Output(ids.SHARE_COPY, "content"), Input(ids.SHARE_COPY, "n_clicks"), State(ids.STATE, "data"),
          State(ids.VIEW, "data"), State(ids.URL, "href"), prevent_initial_call=True)
def copy_link(_n, state, view, href):
    """The full address of this view, for the clipboard."""
    base = (href or "").split("?")[0]
    return f"{base}?{urlstate.to_query(state, urlstate.clean_view(view or {}))}"


@callback(Output(ids.SHARE_NOTICE, "children"), Input(ids.LINK_OPENED, "data"), prevent_initial_call=True)
@guarded(lambda _alert: no_update)
def link_notice(opened):
    """A quiet note naming the parts of an opened link that were not understood (their defaults are shown)."""
    src = source()
    _, _, fell_back = urlstate.from_query(opened_query(opened), boroughs=set(queries.borough_codes(src.db, src.version)),
                                          operators=set(queries.operator_names(src.db, src.version)),
                                          **availability.state_defaults(availability.offer(src)))
    if not fell_back:  # a good link opened (back) after a tampered one does not wipe the notice
        return no_update
    alert = message(f"Some parts of this link were not understood and show their defaults: {', '.join(fell_back)}.",
                    "warning")
    alert.dismissable, alert.className = True, "share-notice"
    return alert
