"""The page layout function: queries what the shell needs at request time (never at import)."""

from __future__ import annotations

import logging

from dash import html
from flask import has_request_context

import config
from callbacks.common import FAILURE, message, store
from callbacks.selection import default_state
from data import queries
from figures.mapdata import borough_features, points_hideout, points_payload
from layouts.shell import shell
from web import auth

log = logging.getLogger(__name__)


def page_context() -> dict:
    """Everything the first page load carries: default state, control options, points, boundaries."""
    db, version = store()
    bounds = queries.date_bounds(db, version)
    state = default_state(bounds)
    operators = queries.operator_names(db, version)
    boroughs = queries.borough_frame(db, version, state["to"])
    names = dict(zip(boroughs["gss_code"], boroughs["name"], strict=True))
    settings = config.settings()
    return {
        "state": state, "bounds": bounds, "operators": operators,
        "boroughs": sorted(names.items(), key=lambda kv: kv[1]), "as_of": queries.data_as_of(db, version),
        "points": points_payload(queries.device_frame(db, version), operators),
        "points_hideout": points_hideout(operators),
        "borough_features": borough_features(queries.borough_geometries(db, version), names),
        "user": auth.current_user(),
        "tile_url": settings.tile_url, "tile_attribution": settings.tile_attribution,
        "alert": None if bounds else message("No usage data is loaded yet: run the loader, then reload."),
    }


def skeleton_context() -> dict:
    """Every component with no data: what Dash validates when the layout is set (no query at import)."""
    return {"state": default_state(None), "bounds": None, "operators": [], "boroughs": [], "as_of": {},
            "points": {}, "points_hideout": points_hideout([]), "borough_features": borough_features({}, {}),
            "tile_url": None, "tile_attribution": None, "alert": None}


def build_layout():
    """The layout for one page load; a plain banner if the store cannot be read."""
    if not has_request_context():
        return shell(skeleton_context())
    try:
        return shell(page_context())
    except Exception:  # noqa: BLE001 - the page must render a banner, never a stack trace
        log.exception("page layout failed")
        return html.Div([html.H1("London EV charge points"), message(FAILURE, "danger")], className="app")
