"""Live status (issue 15): the map's mode switch and Live now legend, and the status panel (folded; its charts
and lists are built only while it is open)."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from layouts import ids
from layouts.summary_table import MAX_ROWS

MODE_OPTIONS = [{"label": "Power band", "value": "bands"}, {"label": "Live now", "value": "live"}]
TICK_MS = 60_000  # the watcher polls every 60 s by default


def map_mode_switch(mode: str) -> html.Div:
    """Points by power band, or by their status now."""
    return html.Div([html.Span("Points:", className="mode-label", id="map-mode-label"),
                     dcc.RadioItems(id=ids.MAP_MODE, options=MODE_OPTIONS, value=mode, inline=True,
                                    className="map-mode", inputClassName="form-check-input me-1",
                                    labelClassName="me-3")],
                    className="map-mode-box", role="radiogroup", **{"aria-labelledby": "map-mode-label"})


def live_map_parts() -> list:
    """The Live now legend (filled by callbacks/live.py), its gate store and its minute tick."""
    return [html.Div(id=ids.MAP_LIVE_LEGEND, className="live-legend", **{"aria-live": "polite"}),
            # Empty and off at load: a link in Live now sets the gate (assets/live.js), which fires the callback.
            dcc.Store(id=ids.LIVE_GATE), dcc.Interval(id=ids.LIVE_TICK, interval=TICK_MS, disabled=True)]


def live_legend(classes, colours, counts: dict, feeds: list[tuple[str, bool]], message: str | None) -> list:
    """Each status's colour and count, then each feed's age (stale ones marked)."""
    rows = [] if message else [html.Span([html.I(className="dot", style={"background": colour}),
                                          f"{label} ({counts.get(label, 0):,})"])
                               for label, colour in zip(classes, colours, strict=True)]
    lines = [html.Div(("⚠ " if stale else "") + text, className="feed-stale" if stale else "feed-age")
             for text, stale in feeds]
    total = sum(counts.values())
    note = html.Div(f"Counts: the {total:,} charge points in the operators' status feeds; any other shows as "
                    "unknown.", className="feed-age") if rows else None
    return [html.Div("Live now", className="legend-title"), html.Div(rows, className="band-legend") if rows else None,
            note,
            html.P(message, className="live-message") if message else None, *lines]


def live_panel() -> html.Section:
    """Folded: opening it builds the occupancy and reliability charts and (officers) the device lists."""
    return html.Section([
        html.Details([html.Summary(html.H2("Live status: occupancy and reliability", className="d-inline h5")),
                      dcc.Loading(html.Div(id=ids.LIVE_BODY), type="dot"),
                      dcc.Store(id=ids.LIVE_PANEL_GATE), dcc.Download(id=ids.LIVE_CSV)],
                     id=ids.LIVE_DETAILS, open=False, className="lazy-table live-details"),
    ], className="panel live-panel", **{"aria-label": "Live status"})


def list_fold(kind: str, title: str) -> html.Details:
    """One officer list, folded: opening it builds its rows (callbacks/live.py ``live_list``), so the panel itself
    never scans devices x days."""
    return html.Details([html.Summary(title), dcc.Loading(html.Div(id={"type": ids.LIVE_LIST_BODY, "kind": kind}),
                                                          type="dot")],
                        id={"type": ids.LIVE_LIST, "kind": kind}, open=False, className="live-list")


def device_list(kind: str, title: str, frame: pd.DataFrame | None, sentence: str | None) -> list:
    """One officer list's rows and its CSV button (or the sentence saying why there are none)."""
    return [html.P(sentence)] if frame is None else [
        html.Button("Download CSV", id={"type": ids.LIVE_CSV_BUTTON, "kind": kind}, className="btn btn-sm "
                    "btn-outline-secondary mb-2"), list_table(frame, title)]


RATES = ("occupancy", "reliability")
HEADINGS = {"device": "Device", "device_id": "Device", "operator": "Operator", "gss_code": "GSS code", "borough": "Borough",
            "power_band": "Band", "occupancy": "Occupancy", "reliability": "Reliability", "in_use": "In use",
            "available": "Available", "reserved": "Reserved", "not_working": "Not working",
            "blocked": "Blocked", "unknown": "Unknown", "no_data": "No data", "status": "Status",
            "since": "Since (UTC)", "days": "Days"}


def _cell(column: str, value) -> str:
    if value is None or pd.isna(value):
        return "–"
    if column in RATES:
        return f"{value:.1%}"
    if column == "since":
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
    return f"{value:,.0f}" if isinstance(value, float) else str(value)


def list_table(frame: pd.DataFrame, caption: str) -> html.Table:
    """A device list as a plain table (device ids whole, rates as percentages, minutes whole)."""
    shown = frame.head(MAX_ROWS)
    head = html.Tr([html.Th(HEADINGS.get(c, c), scope="col") for c in shown.columns])
    body = [html.Tr([html.Td(_cell(c, v)) for c, v in zip(shown.columns, row, strict=True)])
            for row in shown.itertuples(index=False)]
    note = html.Caption(caption + (": minutes in the period in each status" if "in_use" in frame else ""))
    return html.Div(html.Table([note, html.Thead(head), html.Tbody(body)],
                               className="table table-sm summary-table"), className="table-responsive")
