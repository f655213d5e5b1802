"""Sharing callbacks: the view (map, theme, presentation) from the URL and the controls, the link, copy, notice."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, no_update

from callbacks import urlstate
from callbacks.common import guarded, message, store
from data import queries
from layouts import ids
from layouts.filters import BAND_LABELS
from layouts.header import as_of_text

# The browser's history follows the link (pushState; back and forward come in through the dcc.Location).
clientside_callback(ClientsideFunction(namespace="evshare", function_name="pushLink"),
                    Output(ids.SHARE_SINK, "data"), Input(ids.LINK, "data"))
# Theme and presentation mode are attributes of <html>: Bootstrap 5.3's data-bs-theme and a "present" class.
clientside_callback(ClientsideFunction(namespace="evshare", function_name="applyView"),
                    Output(ids.THEME_SINK, "data"), Input(ids.VIEW, "data"))


def _map_view(center, zoom) -> dict:
    """The map's reported centre ([lat, lon] or {lat, lng}) and zoom as view keys."""
    if isinstance(center, dict):
        center = [center.get("lat"), center.get("lng")]
    lat, lon = (center or [None, None])[:2]
    return {"lat": lat, "lon": lon, "zoom": zoom}


def next_view(view: dict, trigger, search, center, zoom, dark) -> dict:
    """The view after ``trigger``: a link replaces it; the map, the buttons and the switch change one key."""
    view = urlstate.clean_view(view or {})
    if trigger == ids.URL:
        raw = urlstate.parse_query(search)
        return urlstate.clean_view({k: raw[k] for k in urlstate.VIEW_KEYS if k in raw})
    if trigger == ids.MAP:
        return urlstate.clean_view({**view, **{k: v for k, v in _map_view(center, zoom).items() if v is not None}})
    if trigger == ids.PRESENT_TOGGLE:
        return {**view, "present": not view["present"]}
    if trigger == ids.PRESENT_EXIT:
        return {**view, "present": False}
    if trigger == ids.THEME_TOGGLE:
        return {**view, "theme": "dark" if dark else "light"}
    return view


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
    db, version = store()
    _, _, fell_back = urlstate.from_query(search, bounds=queries.date_bounds(db, version),
                                          boroughs=set(queries.borough_codes(db, version)),
                                          operators=set(queries.operator_names(db, version)))
    if not fell_back:  # the canonical link pushed after a tampered one must not wipe the notice
        return no_update
    alert = message(f"Some parts of this link were not understood and show their defaults: {', '.join(fell_back)}.",
                    "warning")
    alert.dismissable, alert.className = True, "share-notice"
    return alert


def selection_text(state: dict, names: dict[str, str]) -> str:
    """The selection in words, for the screen in presentation mode."""
    picked = ", ".join(names.get(g, g) for g in state["boroughs"]) or "All London"
    bands = ", ".join(BAND_LABELS.get(b, b) for b in state["bands"]) or "no power band"
    ops = ", ".join(state["operators"]) or "all operators"
    return (f"{picked} · {state['from']} to {state['to']} · {bands} · {ops} · "
            f"{', '.join(state['locations']) or 'no location type'}")


@callback(Output(ids.PRESENT_BANNER, "children"), Input(ids.STATE, "data"))
@guarded(lambda _alert: no_update)
def update_banner(state):
    """The current selection and the data's source, written on screen."""
    db, version = store()
    boroughs = queries.borough_frame(db, version, state["to"])
    names = dict(zip(boroughs["gss_code"], boroughs["name"], strict=True))
    return [selection_text(state, names), " — ", as_of_text(queries.data_as_of(db, version))]
