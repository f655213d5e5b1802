"""What every callback shares: the store URL, its data version, the validated state and the error guard."""

from __future__ import annotations

import functools
import logging

import dash_bootstrap_components as dbc
from dash.exceptions import PreventUpdate
from flask import current_app

import config
from callbacks.selection import clean_state
from data import queries
from data.frames import borough_sums, period_days

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
    boroughs = queries.borough_frame(db, version, bounds[1] if bounds else "2100-01-01")["gss_code"]
    return clean_state(state, bounds=bounds, boroughs=set(boroughs), operators=set(queries.operator_names(db, version)))


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
    return borough_sums(boroughs, usage, counts, period_days(state["from"], state["to"])), counts
