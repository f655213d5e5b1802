"""Sharing callbacks: the view (map, theme, presentation) from the URL and the controls, the link, copy, notice."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, ctx, no_update

from callbacks.common import guarded, message, source
from callbacks.registry import callback, clientside_callback
from data import queries
from figures.caption import as_of_text
from layouts import ids
from state import selection, urlstate
from state.reducers import next_view
from views import availability
from views.common import borough_names

# The browser's history follows the link (pushState; back and forward come in through the dcc.Location).
clientside_callback(ClientsideFunction(namespace="evshare", function_name="pushLink"),
                    Output(ids.SHARE_SINK, "data"), Input(ids.LINK, "data"))
# Theme and presentation mode are attributes of <html>: Bootstrap 5.3's data-bs-theme and a "present" class.
clientside_callback(ClientsideFunction(namespace="evshare", function_name="applyView"),
                    Output(ids.THEME_SINK, "data"), Input(ids.VIEW, "data"))


@callback(
    Output(ids.VIEW, "data"),
    Output(ids.MAP, "viewport"),
    Output(ids.THEME_TOGGLE, "value"),
    Input(ids.URL, "search"),
    Input(ids.MAP, "center"),
    Input(ids.MAP, "zoom"),
    Input(ids.PRESENT_TOGGLE, "n_clicks"),
    Input(ids.PRESENT_EXIT, "n_clicks"),
    Input(ids.THEME_TOGGLE, "value"),
    State(ids.VIEW, "data"),
    prevent_initial_call=True,
)
def update_view(search, center, zoom, _present, _exit, dark, view):
    """The only writer of the view; a link that moves the map sets the map's viewport."""
    old = urlstate.clean_view(view or {})
    new = next_view(old, ctx.triggered_id, search, center, zoom, dark)
    if new == old and view is not None:
        return no_update, no_update, no_update
    moved = ctx.triggered_id == ids.URL and (new["lat"], new["lon"], new["zoom"]) != (old["lat"], old["lon"], old["zoom"])
    viewport = {"center": [new["lat"], new["lon"]], "zoom": new["zoom"], "transition": "setView"} if moved else no_update
    switch = (new["theme"] == "dark") if (new["theme"] == "dark") != bool(dark) else no_update
    return new, viewport, switch


@callback(Output(ids.LINK, "data"), Input(ids.STATE, "data"), Input(ids.VIEW, "data"), prevent_initial_call=True)
def update_link(state, view):
    """The canonical query string of what is on screen (the browser pushes it onto its history)."""
    return urlstate.to_query(state, urlstate.clean_view(view or {}))


@callback(Output(ids.SHARE_COPY, "content"), Input(ids.SHARE_COPY, "n_clicks"), State(ids.STATE, "data"),
          State(ids.VIEW, "data"), State(ids.URL, "href"), prevent_initial_call=True)
def copy_link(_n, state, view, href):
    """The full address of this view, for the clipboard."""
    base = (href or "").split("?")[0]
    return f"{base}?{urlstate.to_query(state, urlstate.clean_view(view or {}))}"


@callback(Output(ids.SHARE_NOTICE, "children"), Input(ids.URL, "search"), prevent_initial_call=True)
@guarded(lambda _alert: no_update)
def link_notice(search):
    """A quiet note naming the parts of an opened link that were not understood (their defaults are shown)."""
    src = source()
    _, _, fell_back = urlstate.from_query(search, boroughs=set(queries.borough_codes(src.db, src.version)),
                                          operators=set(queries.operator_names(src.db, src.version)),
                                          **availability.state_defaults(availability.offer(src)))
    if not fell_back:  # the canonical link pushed after a tampered one must not wipe the notice
        return no_update
    alert = message(f"Some parts of this link were not understood and show their defaults: {', '.join(fell_back)}.",
                    "warning")
    alert.dismissable, alert.className = True, "share-notice"
    return alert


@callback(Output(ids.PRESENT_BANNER, "children"), Input(ids.STATE, "data"))
@guarded(lambda _alert: no_update)
def update_banner(state):
    """The current selection and the data's source, written on screen."""
    src = source()
    return [selection.selection_text(state, borough_names(src, state)), " — ",
            as_of_text(availability.provenance(src))]
