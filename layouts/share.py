"""Sharing and presenting: the URL, the view store, copy link, presentation mode, theme, deck and exports."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids


def share_stores() -> list:
    """The URL (no reload: back and forward step through views), the view, the deck (kept in the browser)."""
    return [
        dcc.Location(id=ids.URL, refresh="callback-nav"),
        dcc.Store(id=ids.VIEW),  # None until the link or the map sets it: the defaults
        dcc.Store(id=ids.LINK),
        dcc.Store(id=ids.LINK_OPENED),  # set at load, on back/forward and by a deck slide; never by our own push
        dcc.Store(id=ids.SHARE_SINK),
        dcc.Store(id=ids.THEME_SINK),
        dcc.Store(id=ids.DECK, storage_type="local", data=[]),
        dcc.Store(id=ids.DECK_POS, data=-1),
        dcc.Download(id=ids.DECK_DOWNLOAD),
        dcc.Download(id=ids.EXPORT_DOWNLOAD),
    ]


def _copy(clip_id: str, label: str) -> html.Span:
    return html.Span([dcc.Clipboard(id=clip_id, title=label, className="share-clip"),
                      html.Span(label, className="share-clip-label")],
                     className="share-copy")


def share_bar() -> html.Section:
    """Copy link, present, theme, the deck and the exports; folded away in presentation mode."""
    small = {"size": "sm", "color": "dark", "outline": True}  # secondary grey is 4.3:1 on the page: below AA
    return html.Section([
        html.Div([
            _copy(ids.SHARE_COPY, "Copy link"),
            dbc.Button("Present", id=ids.PRESENT_TOGGLE, size="sm", color="primary"),
            dbc.Switch(id=ids.THEME_TOGGLE, label="Dark theme", value=False, className="theme-switch"),
        ], className="share-group"),
        html.Div([
            html.Label("Slide title", htmlFor=ids.DECK_TITLE, className="visually-hidden"),
            dbc.Input(id=ids.DECK_TITLE, placeholder="Slide title", size="sm", className="deck-input"),
            html.Label("One-line note", htmlFor=ids.DECK_NOTE, className="visually-hidden"),
            dbc.Input(id=ids.DECK_NOTE, placeholder="One-line note", size="sm", className="deck-input"),
            dbc.Button("Add to deck", id=ids.DECK_ADD, **small),
            dbc.Button("Export deck", id=ids.DECK_EXPORT, **small),
            # Wrapped in a <label> so the upload's hidden file input is named by the visible text.
            html.Label(dcc.Upload(html.Span("Import deck", className="btn btn-sm btn-outline-dark"),
                                  id=ids.DECK_UPLOAD, accept=".json"), className="deck-upload"),
            _copy(ids.DECK_COPY, "Copy deck link"),
        ], className="share-group", role="group", **{"aria-label": "Deck"}),
        html.Div([
            html.Span("Download CSV:", className="share-label"),
            dbc.Button("Time series", id=ids.EXPORT_SERIES_CSV, **small),
            dbc.Button("Hour of week", id=ids.EXPORT_HEATMAP_CSV, **small),
            dbc.Button("Comparison", id=ids.EXPORT_COMPARE_CSV, **small),
            dbc.Button("Devices", id=ids.EXPORT_DEVICES_CSV, **small),
        ], className="share-group", role="group", **{"aria-label": "Exports"}),
    ], id=ids.SHARE_BAR, className="share-bar", **{"aria-label": "Share and present"})


def present_banner() -> html.Section:
    """Shown in presentation mode only: the selection and source in words, the deck's slide and its keys."""
    return html.Section([
        html.Div(id=ids.PRESENT_BANNER, className="present-text", **{"aria-live": "polite"}),
        html.Div([
            dbc.Button("◀ Previous", id=ids.DECK_PREV, size="sm", color="secondary"),
            html.Span(id=ids.DECK_STATUS, className="deck-status", **{"aria-live": "polite"}),
            dbc.Button("Next ▶", id=ids.DECK_NEXT, size="sm", color="secondary"),
            dbc.Button("Leave (Esc)", id=ids.PRESENT_EXIT, size="sm", color="dark"),
        ], className="present-controls"),
    ], className="present-banner", **{"aria-label": "Presentation"})


def notice_area() -> html.Div:
    """Where a quiet note says which parts of an opened link were not understood."""
    return html.Div(id=ids.SHARE_NOTICE, **{"aria-live": "polite"})
