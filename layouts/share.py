"""Sharing and presenting: the URL, the view store, copy link, presentation mode, theme, deck and exports."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

PANEL_CHOICES = (  # what a slide shows: one panel or a pair
    ("map+comparison", "Map and comparison"), ("map+series", "Map and time series"),
    ("series+heatmap", "Time series and hour of week"), ("series+comparison", "Time series and comparison"),
    ("map", "Map"), ("series", "Time series"), ("heatmap", "Hour of week"), ("comparison", "Comparison"),
    ("tracker", "2030 tracker"), ("tracker+where-next", "2030 tracker and where next"), ("where-next", "Where next"),
    ("peers", "Peer boroughs"))
PANEL_WORDS = {"map": "map", "series": "time series", "heatmap": "hour of week", "comparison": "comparison",
               "tracker": "2030 tracker", "where-next": "where next", "peers": "peer boroughs"}


def share_stores() -> list:
    """The URL (no reload: back and forward step through views), the view, the deck (kept in the browser)."""
    return [
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        dcc.Store(id=ids.VIEW),  # None until the link or the map sets it: the defaults
        dcc.Store(id=ids.LINK),
        dcc.Store(id=ids.LINK_OPENED),  # set at load, on back/forward and by a deck slide; never by our own push
        dcc.Store(id=ids.THEME_SINK),
        dcc.Store(id=ids.SLIDE_SINK),
        dcc.Store(id=ids.DECK, storage_type="local", data=[]),
        dcc.Store(id=ids.DECK_POS, data=-1),
        dcc.Download(id=ids.DECK_DOWNLOAD),
        dcc.Download(id=ids.EXPORT_DOWNLOAD),
    ]


def _copy(clip_id: str, label: str, status_id: str) -> html.Span:
    """The whole button (icon and words) copies; the status beside it says so for a few seconds."""
    return html.Span([dcc.Clipboard(id=clip_id, title=label, className="share-clip btn btn-sm btn-outline-dark",
                                    # Words only: the "⧉" icon is in few fonts (a blank box in Chromium on Linux).
                                    children=label,
                                    copied_children=[html.Span("✓", className="clip-icon", **{"aria-hidden": "true"}),
                                                     label]),
                      html.Span(id=status_id, className="copy-status", role="status", **{"aria-live": "polite"})],
                     className="share-copy")


def share_bar() -> html.Section:
    """Copy link, present, theme, the deck and the exports; folded away in presentation mode."""
    small = {"size": "sm", "color": "dark", "outline": True}  # secondary grey is 4.3:1 on the page: below AA
    return html.Section([
        html.Div([
            _copy(ids.SHARE_COPY, "Copy link", ids.SHARE_COPY_STATUS),
            dbc.Button("Present", id=ids.PRESENT_TOGGLE, size="sm", color="primary"),
            dbc.Switch(id=ids.THEME_TOGGLE, label="Dark theme", value=False, className="theme-switch"),
        ], className="share-group"),
        html.Div([
            html.Label("Slide title", htmlFor=ids.DECK_TITLE, className="visually-hidden"),
            dbc.Input(id=ids.DECK_TITLE, placeholder="Slide title", size="sm", className="deck-input"),
            html.Label("One-line note", htmlFor=ids.DECK_NOTE, className="visually-hidden"),
            dbc.Input(id=ids.DECK_NOTE, placeholder="One-line note", size="sm", className="deck-input"),
            html.Label("Slide shows", htmlFor=ids.DECK_PANELS, className="visually-hidden"),
            dbc.Select(id=ids.DECK_PANELS, options=[{"label": f"Shows: {w}", "value": v} for v, w in PANEL_CHOICES],
                       value=PANEL_CHOICES[0][0], size="sm", className="deck-panels"),
            dbc.Button("Add to deck", id=ids.DECK_ADD, **small),
            dbc.Button("Export deck", id=ids.DECK_EXPORT, **small),
            # Wrapped in a <label> so the upload's hidden file input is named by the visible text.
            html.Label(dcc.Upload(html.Span("Import deck", className="btn btn-sm btn-outline-dark"),
                                  id=ids.DECK_UPLOAD, accept=".json"), className="deck-upload"),
            _copy(ids.DECK_COPY, "Copy deck link", ids.DECK_COPY_STATUS),
            html.Span(id=ids.DECK_FEEDBACK, className="deck-feedback", role="status", **{"aria-live": "polite"}),
        ], className="share-group", role="group", **{"aria-label": "Deck"}),
        html.Details([html.Summary("Slides in the deck"), html.Div(id=ids.DECK_LIST)], className="deck-details"),
        html.Div([
            html.Span("Download CSV:", className="share-label"),
            dbc.Button("Time series", id=ids.EXPORT_SERIES_CSV, **small),
            dbc.Button("Hour of week", id=ids.EXPORT_HEATMAP_CSV, **small),
            dbc.Button("Comparison", id=ids.EXPORT_COMPARE_CSV, **small),
            dbc.Button("Devices", id=ids.EXPORT_DEVICES_CSV, **small),
        ], className="share-group", role="group", **{"aria-label": "Exports"}),
    ], id=ids.SHARE_BAR, className="share-bar", **{"aria-label": "Share and present"})


def _item_button(text: str, kind: str, index: int, label: str, disabled: bool = False,
                 danger: bool = False) -> html.Button:
    """One of a slide's buttons in the deck list, named for screen readers (which slide, what it does)."""
    return html.Button(text, id={"type": kind, "index": index}, n_clicks=0, disabled=disabled, title=label,
                       type="button", className=f"btn btn-sm btn-outline-{'danger' if danger else 'dark'}",
                       **{"aria-label": label})


def deck_list(deck: list[dict]) -> html.Div | html.P:
    """Each slide: its title (editable), note and panels; move up, move down, delete."""
    if not deck:
        return html.P("No slides yet: add the current view with “Add to deck”.", className="deck-empty")
    rows = []
    for i, slide in enumerate(deck):
        name = slide["title"]
        shows = " and ".join(PANEL_WORDS[p] for p in slide["panels"])
        rows.append(html.Li([
            html.Span(f"{i + 1}.", className="deck-num"),
            # dbc's Input and Button take no aria-* props (the list failed to render): the title field is named
            # by a label around it, the buttons are plain html buttons styled as Bootstrap's.
            html.Label([html.Span(f"Title of slide {i + 1}", className="visually-hidden"),
                        dbc.Input(id={"type": ids.DECK_ITEM_TITLE, "index": i}, value=name, size="sm", debounce=True,
                                  className="deck-item-title")], className="deck-item-label"),
            html.Span([slide["note"] or "no note", " · shows ", shows], className="deck-item-note"),
            _item_button("↑", ids.DECK_ITEM_UP, i, f"Move slide {i + 1} up", disabled=i == 0),
            _item_button("↓", ids.DECK_ITEM_DOWN, i, f"Move slide {i + 1} down", disabled=i == len(deck) - 1),
            _item_button("Delete", ids.DECK_ITEM_DELETE, i, f"Delete slide {i + 1}", danger=True),
        ], className="deck-item"))
    return html.Ol(rows, className="deck-items")


def slide_head() -> html.Section:
    """Presentation mode only: the slide's title and note; the keys' buttons (shown when focused)."""
    return html.Section([
        html.Div(id=ids.DECK_STATUS, className="deck-status", **{"aria-live": "polite"}),
        html.Div([
            dbc.Button("◀ Previous", id=ids.DECK_PREV, size="sm", color="secondary"),
            dbc.Button("Next ▶", id=ids.DECK_NEXT, size="sm", color="secondary"),
            dbc.Button("Leave (Esc)", id=ids.PRESENT_EXIT, size="sm", color="dark"),
        ], className="present-controls"),
    ], className="slide-head", **{"aria-label": "Presentation"})


def slide_foot() -> html.Footer:
    """Presentation mode only: the selection and the sources in one line."""
    return html.Footer(html.Div(id=ids.PRESENT_BANNER, className="present-text", **{"aria-live": "polite"}),
                       className="slide-foot")


def notice_area() -> html.Div:
    """Where a quiet note says which parts of an opened link were not understood."""
    return html.Div(id=ids.SHARE_NOTICE, **{"aria-live": "polite"})
