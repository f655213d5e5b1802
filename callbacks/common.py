"""What every callback shares: the app's source (store, data version, disclosure), the validated state, the
panel cache and the error guard."""

from __future__ import annotations

import functools
import json
import logging

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc
from dash.exceptions import PreventUpdate
from flask import g, has_app_context

import config
from cache import cache
from data import metrics, queries, status_cached
from figures.caption import caption_text, captioned
from state.selection import clean_state, public_period
from views import availability
from views.common import Source
from views.csvsafe import csv_safe
from views.exports import stem

log = logging.getLogger(__name__)

FAILURE = "This panel could not be drawn just now. Try again, or change the selection."


ATTEMPTS = 3  # a callback that met a refresh starts again on the new version, this many times at most


def source() -> Source:
    """The store this app reads, its current data version and the disclosure threshold in force.

    Read once per request (kept on flask.g): every query of one response asks for the same version, and
    data.queries refuses answers that do not belong to it (StaleVersion), so no response mixes two loads.
    """
    if has_app_context() and "evcharge_source" in g:
        return g.evcharge_source
    cfg = config.current()
    src = Source(cfg.database_url, queries.data_version(cfg.database_url), cfg.min_count)
    if has_app_context():
        g.evcharge_source = src
    return src


def renew_source() -> None:
    """After a StaleVersion: forget this request's version and the briefly cached one, read it again next."""
    if has_app_context():
        src = g.pop("evcharge_source", None)
        if src is not None:
            cache.delete_memoized(queries.data_version, src.db)


def validated(state, src: Source | None = None) -> dict:
    """The state from the browser, every value checked against what the store holds."""
    src = src or source()
    # Bounds, default period and metric from the loaded data's spans (never from today).
    defaults = availability.state_defaults(availability.offer(src))
    # The operator list (a scan of the devices table, 5-12 ms on an empty cache) only when operators are named.
    named = isinstance(state, dict) and state.get("operators")
    clean = clean_state(state, boroughs=set(queries.borough_codes(src.db, src.version)),
                        operators=set(queries.operator_names(src.db, src.version)) if named else set(), **defaults)
    return public_period(clean, defaults["bounds"]) if src.min_count > 0 else clean  # public: whole months only


def state_key(state: dict) -> str:
    """The validated state as one canonical string: a hashable cache-key argument."""
    return json.dumps(state, sort_keys=True, separators=(",", ":"))


def _plain(outputs):
    # Figures are cached as plain dicts: a pickled go.Figure re-validates every trace when loaded.
    if isinstance(outputs, tuple):
        return tuple(o.to_plotly_json() if isinstance(o, go.Figure) else o for o in outputs)
    return outputs.to_plotly_json() if isinstance(outputs, go.Figure) else outputs


def panel(draw):
    """Validate the state, then serve ``draw(src, state)``'s outputs from the cache (store, data version,
    disclosure threshold, state)."""
    def rendered(db: str, version: str, min_count: int, key: str, status_version: str = ""):  # noqa: ARG001 - key part
        state = json.loads(key)  # each chart carries its source and filters, so an exported PNG does too
        src = Source(db, version, min_count)
        caption = caption_text(availability.provenance(src), state, availability.caption_kinds(state))
        return captioned(_plain(draw(src, state)), caption)

    # flask-caching keys memoized functions by module and qualified name: give each panel its own.
    rendered.__module__, rendered.__qualname__ = draw.__module__, f"{draw.__qualname__}__rendered"
    rendered = cache.memoize()(rendered)

    @functools.wraps(draw)
    def inner(state):
        src = source()
        clean = validated(state, src)
        # A metric read from live status keys on the status version too, so a status poll rolls over only the views
        # drawing one (issue 15 item 5); every other view's key stays, and its cache with it.
        status = status_cached.status_version(src.db) if metrics.reads_status(clean["metric"]) else ""
        return rendered(src.db, src.version, src.min_count, state_key(clean), status)
    return inner


def png_named(fig: go.Figure, kind: str, state: dict) -> go.Figure:
    """The figure carrying the name its PNG downloads under (panel, metric, period) in layout.meta.png: the
    browser sets the camera button's file name from it (assets/charts.js), no request of its own."""
    fig.layout.meta = {"png": stem(kind, state)}
    return fig


def message(text: str, color: str = "secondary") -> dbc.Alert:
    """A plain banner (empty selections, errors); never a stack trace."""
    return dbc.Alert(text, color=color, className="panel-message")


def guarded(fallback):
    """Log any failure and return ``fallback(alert)`` instead, so the browser only ever sees a banner."""
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            try:
                return on_one_version(fn, *args, **kwargs)
            except PreventUpdate:
                raise
            except Exception:  # noqa: BLE001 - any failure becomes a banner, details go to the log
                log.exception("callback %s failed", fn.__name__)
                return fallback(message(FAILURE, "danger"))
        return inner
    return wrap


def on_one_version(fn, *args, **kwargs):
    """``fn``'s answer drawn from one data version: a refresh committed meanwhile means starting again."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return fn(*args, **kwargs)
        except queries.StaleVersion as exc:
            if attempt == ATTEMPTS:
                raise
            log.info("callback %s met a refresh (%s): drawing it again", fn.__name__, exc)
            renew_source()
    raise AssertionError("unreachable")


def csv_download(frame, filename: str) -> dict:
    """dcc.Download's data for a frame: the one way a frame leaves as CSV, every cell a spreadsheet would run
    as a formula neutralised (views/csvsafe.py)."""
    return dcc.send_data_frame(csv_safe(frame).to_csv, filename, index=False)
