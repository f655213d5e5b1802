"""The page layout function: the shell filled from the store at request time (never at import)."""

from __future__ import annotations

import logging

from dash import html
from flask import has_request_context

import config
from callbacks.common import FAILURE, message, on_one_version, source
from layouts.shell import shell
from views.page import page_context, skeleton_context
from web import auth

log = logging.getLogger(__name__)
NO_DATA = "No usage data is loaded yet: run the loader, then reload."


def build_layout():
    """The layout for one page load; a plain banner if the store cannot be read."""
    if not has_request_context():
        return shell({**skeleton_context(), "tile_url": None, "tile_attribution": None, "alert": None})
    try:
        ctx = on_one_version(lambda: page_context(source()))  # one data version, as callbacks
        cfg = config.current()
        user = auth.current_user()
        return shell({**ctx, "user": user, "csrf": auth.csrf_token() if user else None, "tile_url": cfg.tile_url,
                      "tile_attribution": cfg.tile_attribution, "alert": message(NO_DATA) if ctx["no_data"] else None})
    except Exception:  # noqa: BLE001 - the page must render a banner, never a stack trace
        log.exception("page layout failed")
        return html.Div([html.H1("London EV charge points"), message(FAILURE, "danger")], className="app")
