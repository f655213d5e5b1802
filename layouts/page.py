"""The page layout function: the shell filled from the store at request time (never at import)."""

from __future__ import annotations

import logging

from dash import html
from flask import has_request_context
from sqlalchemy import inspect

import config
from callbacks.common import FAILURE, message, on_one_version, source
from data.db import engine_for
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
        if not _store_created():  # a store the loader has never run on: say so, it is not a failure
            log.warning("page layout: the store has no tables yet (%s)", NO_DATA)
            return shell({**skeleton_context(), "tile_url": None, "tile_attribution": None, "alert": message(NO_DATA)})
        log.exception("page layout failed")
        return html.Div([html.H1("London EV charge points"), message(FAILURE, "danger")], className="app")


def _store_created() -> bool:
    """Whether the loader has created the store's tables (False also when the store cannot be reached)."""
    try:
        return inspect(engine_for(config.current().database_url)).has_table("store_meta")
    except Exception:  # noqa: BLE001 - unreachable: the caller's banner says it
        return True
