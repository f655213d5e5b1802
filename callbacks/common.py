"""What every callback shares: the store URL, its data version, the validated state and the error guard."""

from __future__ import annotations

import functools
import json
import logging

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash.exceptions import PreventUpdate
from flask import current_app

import config
from cache import cache
from callbacks.selection import clean_state
from data import queries
from data.frames import borough_sums, period_days
from figures.caption import caption_text, captioned
from web import public

log = logging.getLogger(__name__)

FAILURE = "This panel could not be drawn just now. Try again, or change the selection."


def current_db() -> str:
    """The store URL the app was created with (DATABASE_URL otherwise)."""
    try:
        return current_app.config["DATABASE_URL"]
    except (RuntimeError, KeyError):
        return config.settings().database_url


def store() -> tuple[str, str]:
    """(store URL, data_version): the first two arguments of every query."""
    db = current_db()
    return db, queries.data_version(db)


def validated(state) -> dict:
    """The state from the browser, every value checked against what the store holds."""
    db, version = store()
    bounds = queries.date_bounds(db, version)
    # The operator list (a scan of the devices table, 5-12 ms on an empty cache) only when operators are named.
    named = isinstance(state, dict) and state.get("operators")
    return clean_state(state, bounds=bounds, boroughs=set(queries.borough_codes(db, version)),
                       operators=set(queries.operator_names(db, version)) if named else set())


def state_key(state: dict) -> str:
    """The validated state as one canonical string: a hashable cache-key argument."""
    return json.dumps(state, sort_keys=True, separators=(",", ":"))


def _plain(outputs):
    # Figures are cached as plain dicts: a pickled go.Figure re-validates every trace when loaded.
    if isinstance(outputs, tuple):
        return tuple(o.to_plotly_json() if isinstance(o, go.Figure) else o for o in outputs)
    return outputs.to_plotly_json() if isinstance(outputs, go.Figure) else outputs


def panel(draw):
    """Validate the state, then serve ``draw(state)``'s outputs from the cache (store, data version, state)."""
    def rendered(db: str, version: str, key: str):
        state = json.loads(key)  # each chart carries its source and filters, so an exported PNG does too
        return captioned(_plain(draw(state)), caption_text(queries.data_as_of(db, version), state))

    # flask-caching keys memoized functions by module and qualified name: give each panel its own.
    rendered.__module__, rendered.__qualname__ = draw.__module__, f"{draw.__qualname__}__rendered"
    rendered = cache.memoize()(rendered)

    @functools.wraps(draw)
    def inner(state):
        db, version = store()
        return rendered(db, version, state_key(validated(state)))
    return inner


def filter_args(state: dict) -> dict:
    """The filter part of the state as hashable, order-independent query arguments."""
    return {"bands": tuple(sorted(state["bands"])), "operators": tuple(sorted(state["operators"])),
            "locations": tuple(sorted(state["locations"]))}


def empty_reason(state: dict) -> str | None:
    """A plain sentence when the filters leave nothing to show."""
    if not state["bands"]:
        return "No power band is selected: tick at least one to see figures."
    if not state["locations"]:
        return "No location type is selected: tick at least one to see figures."
    return None


def message(text: str, color: str = "secondary") -> dbc.Alert:
    """A plain banner (empty selections, errors); never a stack trace."""
    return dbc.Alert(text, color=color, className="panel-message")


def guarded(fallback):
    """Log any failure and return ``fallback(alert)`` instead, so the browser only ever sees a banner."""
    def wrap(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except PreventUpdate:
                raise
            except Exception:  # noqa: BLE001 - any failure becomes a banner, details go to the log
                log.exception("callback %s failed", fn.__name__)
                return fallback(message(FAILURE, "danger"))
        return inner
    return wrap


def borough_sums_for(state: dict):
    """Per-borough sums and denominators for the state's period and filters, plus device counts by band."""
    db, version = store()
    f = filter_args(state)
    usage = queries.borough_usage(db, version, state["from"], state["to"], **f)
    counts = queries.device_counts(db, version, state["to"], **f)
    boroughs = queries.borough_frame(db, version, state["to"])
    sums = borough_sums(boroughs, usage, counts, period_days(state["from"], state["to"]))
    return public.public_frame(sums), counts


def min_sessions() -> int:
    """Public mode hides any usage figure resting on fewer sessions than its threshold; officers see all."""
    return public.min_count() if public.is_public() else 0
