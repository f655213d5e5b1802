"""Security headers, a Content-Security-Policy that Dash runs under, cookie flags, proxy handling."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

CALLBACK_PREFIX = "/_dash-"
CALLBACK_URL = "/_dash-update-component"
MAX_BODY_BYTES = 2 * 1024 * 1024  # no uploads in this app: a bigger body is not a real callback


def malformed_callback(body, callback_map) -> str | None:
    """Why a /_dash-update-component body is not a call of a registered callback, or None if it is."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    if not isinstance(body.get("output"), str) or body["output"] not in callback_map:
        return "unknown output"
    for key in ("inputs", "state"):
        items = body.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, (dict, list)) for i in items):
            return f"{key} is not a list of inputs"
    return None


def install_callback_guard(dash_app) -> None:
    """Answer 400 (not Dash's 500) to a callback request that is not even shaped like one."""
    server: Flask = dash_app.server
    server.config.setdefault("MAX_CONTENT_LENGTH", MAX_BODY_BYTES)

    @server.before_request
    def _shape():
        if request.path != CALLBACK_URL or request.method != "POST":
            return None
        reason = malformed_callback(request.get_json(silent=True), dash_app.callback_map)
        if reason:
            log.warning("malformed callback request refused: %s", reason)
            return jsonify(error=f"malformed callback request: {reason}"), 400
        return None


def _origin(url: str) -> str | None:
    """scheme://host of an absolute URL ('{s}' tile subdomains become a wildcard), else None."""
    parts = urlsplit(url.replace("{s}.", "*."))
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def _external_origins(resources) -> list[str]:
    origins = []
    for res in resources or []:
        url = res.get("src") or res.get("href") if isinstance(res, dict) else res
        origin = _origin(url or "")
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def build_csp(dash_app, tile_url: str | None) -> str:
    """The policy: scripts only from this origin plus hashes of Dash's own inline scripts.

    Relaxations, each needed by what Dash 4 renders (checked in headless Chromium, tests/test_hosted_csp.py):
    - style-src 'unsafe-inline': plotly.js and React set style attributes and inject <style> elements at
      run time; CSP cannot hash those. Styles cannot run code, so this is the usual accepted trade.
    - img-src data: blob:: plotly's modebar icons and image export use data:/blob: URLs.
    No 'unsafe-eval' and no 'unsafe-inline' for scripts.
    """
    scripts = ["'self'", *dash_app.csp_hashes(),
               *_external_origins(dash_app.config.external_scripts)]
    styles = ["'self'", "'unsafe-inline'", *_external_origins(dash_app.config.external_stylesheets)]
    tiles = _origin(tile_url or "")
    images = ["'self'", "data:", "blob:", *([tiles] if tiles else [])]
    fonts = ["'self'", "data:", *_external_origins(dash_app.config.external_stylesheets)]
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": styles,
        "img-src": images,
        "font-src": fonts,
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items())


def configure_cookies(server: Flask, hosted: bool, session_hours: int) -> None:
    """Session cookie flags: Secure when hosted (local runs are plain http), HttpOnly, SameSite=Lax.

    Lax, not Strict: the OIDC provider redirects back with a top-level GET that must carry the session
    (it holds the OAuth state); Lax still withholds the cookie from cross-site POSTs.
    """
    from datetime import timedelta

    server.config.update(
        SESSION_COOKIE_SECURE=hosted,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="__Host-session" if hosted else "session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=session_hours),
    )


def install_headers(dash_app, hosted: bool, tile_url: str | None) -> None:
    """Add the security headers to every response; trust one proxy hop (the platform router) when hosted."""
    server: Flask = dash_app.server
    if hosted:
        # Heroku-style routers terminate TLS and set X-Forwarded-For/-Proto: one hop, no more.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1)
    policy: dict[str, str] = {}

    @server.after_request
    def _headers(response):
        if "csp" not in policy:
            # Hashes are computed on first use: callbacks (and their inline scripts) are all registered by then.
            policy["csp"] = build_csp(dash_app, tile_url)
        h = response.headers
        h.setdefault("Content-Security-Policy", policy["csp"])
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if hosted:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if (request.path.startswith(CALLBACK_PREFIX) and not request.path.startswith("/_dash-component-suites/")) \
                or request.path.startswith("/auth/"):
            # Officer data and sign-in pages must not sit in shared or browser caches. The versioned bundles keep
            # Dash's own one-year max-age: a repeat visit does not fetch them again.
            h["Cache-Control"] = "no-store"
        return response
