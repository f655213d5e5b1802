"""Hosted deployment and hardening for the Dash app: ``web.install(app)`` wires it all in.

What install() adds to a Dash app (call it once, after the layout and callbacks are set):
  request ids and plain errors with a banner (web.errors),
  /healthz and /readyz (web.health), officer sign-in (web.auth), rate limits (web.limits),
  security headers and cookie flags (web.security). Public mode helpers live in web.public.
"""

from __future__ import annotations

import logging
import secrets

import config
from config import ConfigError, Settings

log = logging.getLogger(__name__)

__all__ = ["ConfigError", "Settings", "install", "warm_up"]


def install(dash_app, cache=None, cfg: Settings | None = None) -> Settings:
    """Harden ``dash_app`` in place for ``cfg`` (the process's settings by default: config.settings()).

    ``cache``: the app's flask-caching object (create_app set it up from the same settings).
    """
    from web.auth import install_auth
    from web.caching import cache_config, describe
    from web.errors import install_errors
    from web.health import install_health
    from web.limits import install_limits
    from web.security import configure_cookies, install_callback_guard, install_headers

    cfg = cfg or config.settings()
    server = dash_app.server
    server.config.setdefault("EVCHARGE_SETTINGS", cfg)  # create_app's own (its store) when it made the app
    if cfg.secret_key:
        server.secret_key = cfg.secret_key
    elif not server.secret_key:
        # Local runs only (load() refuses a hosted start without SECRET_KEY): sessions end with the process.
        server.secret_key = secrets.token_hex(32)
        log.warning("SECRET_KEY is not set: using a throwaway key (fine locally, refused when hosted)")
    if cfg.hosted:
        server.debug = False
        server.config["PROPAGATE_EXCEPTIONS"] = False
    if cache is not None:  # create_app gave it cache_config(settings): Redis that degrades to misses
        log.info(describe(cache_config(cfg)))
    configure_cookies(server, cfg.hosted, cfg.session_hours)
    install_errors(dash_app)
    install_health(server)
    install_auth(server, cfg, cache)
    install_limits(server, cfg)
    install_callback_guard(dash_app)
    install_headers(dash_app, cfg.hosted, cfg.tile_url, cfg.gunicorn.forwarded_allow_ips)
    log.info("hosted=%s mode=%s sign-in=%s", cfg.hosted, cfg.mode,
             "required" if cfg.auth_required else "off")
    return cfg


def warm_up(dash_app) -> None:
    """Make the app ready before the worker takes its first request (call it last, after install()).

    Dash registers its component libraries, builds its script tags and validates the layout on the first
    request it sees; requests running meanwhile (the page's twelve bundles, in parallel) found no library
    registered and got 500, so a fresh worker could serve a blank page. One request through Flask's test
    client (to /healthz: open, not rate limited) runs that set-up while nothing else can be served.
    """
    with dash_app.server.test_client() as client:
        status = client.get("/healthz", headers={"X-Request-ID": "worker-warm-up"}).status_code
    log.info("app ready (warm-up answered %s)", status)
