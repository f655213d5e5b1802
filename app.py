"""Wiring only: create the app, init the cache, set the layout, register callbacks, expose server."""

from __future__ import annotations

import logging
import os

import dash

import callbacks
import config
import web
from cache import cache
from callbacks.page import build_layout

logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def cache_config(redis_url: str | None) -> dict:
    """RedisCache when REDIS_URL is set (shared by workers), SimpleCache (per process) otherwise."""
    if redis_url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url, "CACHE_KEY_PREFIX": "evcharge:",
                "CACHE_DEFAULT_TIMEOUT": 3600}
    return {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 3600, "CACHE_THRESHOLD": 2000}


def create_app(database_url: str | None = None, cache_overrides: dict | None = None) -> dash.Dash:
    """A Dash app reading the store at ``database_url`` (DATABASE_URL by default)."""
    settings = config.settings()
    # Bootstrap's CSS is served from assets/ (no CDN): the app must work offline and under a strict CSP.
    app = dash.Dash(__name__, title="London EV charge points", assets_folder=str(config.ROOT / "assets"),
                    update_title=None)
    app.server.config["DATABASE_URL"] = config.normalise_database_url(database_url or settings.database_url)
    cache.init_app(app.server, config={**cache_config(settings.redis_url), **(cache_overrides or {})})
    app.layout = build_layout
    callbacks.attach(app)
    return app


app = create_app()
web.install(app, cache)  # sign-in, health probes, headers, limits, error banner; checks the env
server = app.server

if __name__ == "__main__":
    from data.loader.bootstrap import ensure_seeded

    ensure_seeded()
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8050")), debug=False)
