"""Rate limits (Flask-Limiter, Redis storage shared by every worker): strict on sign-in, generous on callbacks."""

from __future__ import annotations

import hashlib
import logging

from flask import Flask, jsonify, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from config import Settings
from web.auth import current_user
from web.errors import request_id

log = logging.getLogger(__name__)

CALLBACK_ENDPOINTS = ("/_dash-update-component",)
SIGNIN_ENDPOINTS = ("auth.login", "auth.oidc_login", "auth.oidc_callback")


def client_key() -> str:
    """Signed-in officers are counted per user (a council office shares one address); others per address."""
    user = current_user()
    return f"user:{user}" if user else f"ip:{get_remote_address()}"


def account_key() -> str:
    """The user name a password POST tries (digested: any text may arrive), whatever address sent it."""
    name = request.form.get("username", "")[:128].strip().lower()
    return "account:" + hashlib.sha256(name.encode()).hexdigest()[:24]


def _breached(exc):
    log.warning("rate limit hit (%s) by %s, request %s", exc.description, get_remote_address(), request_id())
    return jsonify(error="too many requests", request_id=request_id()), 429


def make_limiter(server: Flask, cfg: Settings) -> Limiter:
    """A limiter that never takes the site down with it: storage errors fall back to per-worker memory."""
    limiter = Limiter(
        key_func=client_key,  # ProxyFix makes the address the real client's when hosted
        app=server,
        storage_uri=cfg.ratelimit_storage_uri,
        storage_options={"socket_connect_timeout": 1, "socket_timeout": 1}
        if cfg.ratelimit_storage_uri.startswith("redis") else {},
        key_prefix=cfg.ratelimit_key_prefix,
        strategy="moving-window",
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        headers_enabled=True,
        enabled=cfg.ratelimit_enabled,
    )
    server.register_error_handler(429, _breached)
    # Flask-Limiter keeps only weak references to itself: without a strong one it is collected, and
    # every limited view then fails with ReferenceError.
    server.extensions["web.limiter"] = limiter
    return limiter


def install_limits(server: Flask, cfg: Settings) -> Limiter:
    """Decorate the already registered sign-in and callback views with their limits."""
    limiter = make_limiter(server, cfg)
    for endpoint in SIGNIN_ENDPOINTS:
        if endpoint in server.view_functions:
            # Only the password POST is strict: the sign-in page itself is where every anonymous visit lands.
            methods = ["POST"] if endpoint == "auth.login" else None
            view = limiter.limit(cfg.ratelimit_signin, methods=methods)(server.view_functions[endpoint])
            if endpoint == "auth.login":
                # Per account too: rotating addresses (or a botnet) must not multiply the tries on one name.
                view = limiter.limit(cfg.ratelimit_signin_account, key_func=account_key, methods=["POST"],
                                     scope="signin-account")(view)
            server.view_functions[endpoint] = view
    for endpoint in CALLBACK_ENDPOINTS:
        if endpoint in server.view_functions:
            server.view_functions[endpoint] = limiter.limit(cfg.ratelimit_callbacks)(
                server.view_functions[endpoint])
    return limiter
