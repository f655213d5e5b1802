"""The deck: saved views (title, note, query string) in local storage, stepped through in presentation mode."""

from __future__ import annotations

import json

from dash import Input, Output, State, ctx, no_update

from callbacks.registry import callback
from layouts import ids
from state import urlstate
from state.reducers import add_slide, link_deck, opened_query, step, uploaded_deck, with_present


@callback(
    Output(ids.DECK, "data"),
    Output(ids.DECK_POS, "data", allow_duplicate=True),
    Input(ids.DECK_ADD, "n_clicks"),
    Input(ids.DECK_UPLOAD, "contents"),
    Input(ids.LINK_OPENED, "data"),
    State(ids.DECK_TITLE, "value"),
    State(ids.DECK_NOTE, "value"),
    State(ids.STATE, "data"),
    State(ids.VIEW, "data"),
    State(ids.DECK, "data"),
    prevent_initial_call=True,
)
def update_deck(_add, upload, opened, title, note, state, view, deck):
    """Add the current view, import a JSON deck, or take the deck a link carries."""
    if ctx.triggered_id == ids.DECK_ADD:
        return add_slide(deck, title, note, state, view), no_update
    if ctx.triggered_id == ids.DECK_UPLOAD:
        slides = uploaded_deck(upload)
        return (slides, -1) if slides else (no_update, no_update)
    slides = link_deck(opened_query(opened))
    return (slides, 0) if slides else (no_update, no_update)


@callback(
    Output(ids.LINK_OPENED, "data", allow_duplicate=True),
    Output(ids.DECK_POS, "data"),
    Input(ids.DECK_PREV, "n_clicks"),
    Input(ids.DECK_NEXT, "n_clicks"),
    State(ids.DECK, "data"),
    State(ids.DECK_POS, "data"),
    State(ids.VIEW, "data"),
    prevent_initial_call=True,
)
def step_deck(prev, nxt, deck, pos, view):
    """Open the previous or next slide (its link), staying in presentation mode."""
    deck = urlstate.clean_deck(deck)
    new = step(pos if isinstance(pos, int) else -1, len(deck), -1 if ctx.triggered_id == ids.DECK_PREV else 1)
    if new < 0 or new == pos:
        return no_update, no_update
    query = "?" + with_present(deck[new]["q"], urlstate.clean_view(view or {})["present"])
    return {"q": query, "n": f"deck-{prev or 0}-{nxt or 0}"}, new


@callback(Output(ids.DECK_STATUS, "children"), Input(ids.DECK, "data"), Input(ids.DECK_POS, "data"))
def deck_status(deck, pos):
    """'Slide 2 of 3: title — note', or how to build a deck."""
    deck = urlstate.clean_deck(deck)
    if not deck:
        return "No slides yet: add views to the deck"
    if not isinstance(pos, int) or not 0 <= pos < len(deck):
        return f"{len(deck)} slides: press → to start"
    slide = deck[pos]
    return f"Slide {pos + 1} of {len(deck)}: {slide['title']}" + (f" — {slide['note']}" if slide["note"] else "")


@callback(Output(ids.DECK_DOWNLOAD, "data"), Input(ids.DECK_EXPORT, "n_clicks"), State(ids.DECK, "data"),
          prevent_initial_call=True)
def export_deck(_n, deck):
    """The deck as a JSON file, to prepare a meeting or pass on."""
    return {"content": json.dumps(urlstate.clean_deck(deck), indent=2), "filename": "deck.json",
            "type": "application/json"}


@callback(Output(ids.DECK_COPY, "content"), Input(ids.DECK_COPY, "n_clicks"), State(ids.DECK, "data"),
          State(ids.URL, "href"), prevent_initial_call=True)
def copy_deck_link(_n, deck, href):
    """A link that opens the first slide and carries the whole deck."""
    deck = urlstate.clean_deck(deck)
    first = f"{deck[0]['q']}&" if deck else ""
    return f"{(href or '').split('?')[0]}?{first}deck={urlstate.encode_deck(deck)}"
