"""Wiring only: create the Dash app, init the cache, set the layout, register callbacks, expose server."""

from __future__ import annotations

import dataclasses
import logging

import dash

import callbacks
import config
import web
from cache import cache
from layouts.page import build_layout
from web import compression
from web.caching import cache_config
from web.errors import callback_error


def create_app(database_url: str | None = None, cache_overrides: dict | None = None,
               settings: config.Settings | None = None) -> dash.Dash:
    """A Dash app reading the store at ``database_url`` (else the settings' DATABASE_URL)."""
    cfg = settings or config.settings()
    if database_url:
        cfg = dataclasses.replace(cfg, database_url=config.normalise_database_url(database_url))
    # Bootstrap's CSS is served from assets/ (no CDN): the app must work offline and under a strict CSP.
    app = dash.Dash(__name__, title="London EV charge points", assets_folder=str(config.ROOT / "assets"),
                    update_title=None, on_error=callback_error)
    app.server.config["DATABASE_URL"] = cfg.database_url
    app.server.config["EVCHARGE_SETTINGS"] = cfg
    cache.init_app(app.server, config={**cache_config(cfg), **(cache_overrides or {})})
    compression.install(app.server)  # brotli or gzip as the browser asks (Flask-Compress)
    app.layout = build_layout
    callbacks.register(app)
    return app


settings = config.settings()
logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
app = create_app(settings=settings)
web.install(app, cache, settings)  # sign-in, health probes, headers, limits, error banner
web.warm_up(app)  # Dash's first-request set-up, before gunicorn hands this worker a request
server = app.server

if __name__ == "__main__":
    from data.loader.bootstrap import ensure_seeded

    ensure_seeded()
    app.run(host="127.0.0.1", port=settings.port or 8050, debug=False)
