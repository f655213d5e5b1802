"""The deck: saved views (title, note, query string) in local storage, stepped through in presentation mode."""

from __future__ import annotations

import json

from dash import ALL, ClientsideFunction, Input, Output, State, ctx, html, no_update

from callbacks.registry import callback, clientside_callback
from layouts import ids
from layouts.share import deck_list
from state import urlstate
from state.reducers import (
    add_slide,
    delete_slide,
    link_deck,
    move_slide,
    opened_query,
    position_after,
    rename_slide,
    step,
    uploaded_deck,
    with_present,
)

# Presentation mode lays out the slide's panel(s): an attribute of <html> the stylesheet reads (assets/share.js).
clientside_callback(ClientsideFunction(namespace="evshare", function_name="applySlide"),
                    Output(ids.SLIDE_SINK, "data"), Input(ids.DECK, "data"), Input(ids.DECK_POS, "data"),
                    Input(ids.DECK_PANELS, "value"))


def _plural(n: int) -> str:
    return f"{n} slide{'' if n == 1 else 's'}"


@callback(
    Output(ids.DECK, "data"),
    Output(ids.DECK_POS, "data", allow_duplicate=True),
    Output(ids.DECK_FEEDBACK, "children"),
    Input(ids.DECK_ADD, "n_clicks"),
    Input(ids.DECK_UPLOAD, "contents"),
    Input(ids.LINK_OPENED, "data"),
    State(ids.DECK_TITLE, "value"),
    State(ids.DECK_NOTE, "value"),
    State(ids.DECK_PANELS, "value"),
    State(ids.STATE, "data"),
    State(ids.VIEW, "data"),
    State(ids.DECK, "data"),
    prevent_initial_call=True,
)
def update_deck(_add, upload, opened, title, note, panels, state, view, deck):
    """Add the current view, import a JSON deck, or take the deck a link carries; say what happened."""
    if ctx.triggered_id == ids.DECK_ADD:
        new = add_slide(deck, title, note, state, view, panels)
        return new, no_update, f"Slide {len(new)} added: “{new[-1]['title']}” ({_plural(len(new))} in the deck)"
    if ctx.triggered_id == ids.DECK_UPLOAD:
        slides = uploaded_deck(upload)
        if not slides:
            return no_update, no_update, "Nothing imported: that file is not a deck exported from this dashboard"
        return slides, -1, f"{_plural(len(slides))} imported"
    slides = link_deck(opened_query(opened))
    return (slides, 0, f"Deck of {_plural(len(slides))} opened from the link") if slides else (
        no_update, no_update, no_update)


@callback(
    Output(ids.DECK, "data", allow_duplicate=True),
    Output(ids.DECK_POS, "data", allow_duplicate=True),
    Output(ids.DECK_FEEDBACK, "children", allow_duplicate=True),
    Input({"type": ids.DECK_ITEM_TITLE, "index": ALL}, "value"),
    Input({"type": ids.DECK_ITEM_UP, "index": ALL}, "n_clicks"),
    Input({"type": ids.DECK_ITEM_DOWN, "index": ALL}, "n_clicks"),
    Input({"type": ids.DECK_ITEM_DELETE, "index": ALL}, "n_clicks"),
    State(ids.DECK, "data"),
    State(ids.DECK_POS, "data"),
    prevent_initial_call=True,
)
def edit_deck(titles, _up, _down, _delete, deck, pos):
    """Rename, move up, move down or delete one slide of the list."""
    trigger = ctx.triggered_id
    if not isinstance(trigger, dict) or not ctx.triggered or ctx.triggered[0]["value"] in (None, 0):
        return no_update, no_update, no_update
    deck, i, kind = urlstate.clean_deck(deck), trigger["index"], trigger["type"]
    if not 0 <= i < len(deck):
        return no_update, no_update, no_update
    if kind == ids.DECK_ITEM_TITLE:
        new = rename_slide(deck, i, titles[i] if i < len(titles) else None)
        return (new, no_update, f"Slide {i + 1} renamed “{new[i]['title']}”") if new != deck else (
            no_update, no_update, no_update)
    if kind == ids.DECK_ITEM_DELETE:
        return (delete_slide(deck, i), position_after(pos, i, "delete"),
                f"Slide {i + 1} “{deck[i]['title']}” deleted ({_plural(len(deck) - 1)} left)")
    target = max(0, min(len(deck) - 1, i + (-1 if kind == ids.DECK_ITEM_UP else 1)))
    return (move_slide(deck, i, target - i), position_after(pos, i, "move", target),
            f"“{deck[i]['title']}” is now slide {target + 1}")


@callback(Output(ids.DECK_LIST, "children"), Input(ids.DECK, "data"))
def show_deck(deck):
    """The slide list: titles to rename, notes, panels, and the buttons to reorder and delete."""
    return deck_list(urlstate.clean_deck(deck))


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
    now = urlstate.clean_view(view or {})
    query = "?" + with_present(deck[new]["q"], now["present"], now["theme"] if now["present"] else None)
    return {"q": query, "n": f"deck-{prev or 0}-{nxt or 0}"}, new


APP_TITLE = "London EV charge points"


@callback(Output(ids.DECK_STATUS, "children"), Input(ids.DECK, "data"), Input(ids.DECK_POS, "data"))
def deck_status(deck, pos):
    """The slide's heading: 'Slide 2 of 3: ' (small), its title and its note; the app's name with no slide."""
    deck = urlstate.clean_deck(deck)
    if not isinstance(pos, int) or not 0 <= pos < len(deck):
        count = [html.Span(f"{_plural(len(deck))}: press → to start", className="slide-count")] if deck else []
        return [*count, html.Span(APP_TITLE, className="slide-title")]
    slide = deck[pos]
    note = [html.Span(slide["note"], className="slide-note")] if slide["note"] else []
    return [html.Span(f"Slide {pos + 1} of {len(deck)}: ", className="slide-count"),
            html.Span(slide["title"], className="slide-title"), *note]


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
