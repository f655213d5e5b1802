"""Security headers, a Content-Security-Policy that Dash runs under, cookie flags, proxy handling."""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

CALLBACK_PREFIX = "/_dash-"
CALLBACK_URL = "/_dash-update-component"
MAX_BODY_BYTES = 2 * 1024 * 1024  # no uploads in this app: a bigger body is not a real callback


def _is_prop(item) -> bool:
    """One {"id", "property"} reference (a pattern-matching id is a dict)."""
    return (isinstance(item, dict) and isinstance(item.get("id"), str | dict) and isinstance(item.get("property"), str)
            and bool(item["id"]) and bool(item["property"]))


def _props(items, expected: int) -> bool:
    """A list of ``expected`` references, each one or (pattern-matching ALL) a list of them."""
    return isinstance(items, list) and len(items) == expected and all(
        _is_prop(i) or (isinstance(i, list) and all(_is_prop(j) for j in i)) for i in items)


def malformed_callback(body, callback_map) -> str | None:
    """Why a /_dash-update-component body is not a call of a registered callback, or None if it is.

    Checked against the callback's own declaration, so that Dash only ever sees the shape it builds itself
    (any other shape is a 500 inside Dash): outputs, inputs and state of the declared lengths, each a
    reference with a string property; changedPropIds a list of strings.
    """
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    spec = callback_map.get(body.get("output")) if isinstance(body.get("output"), str) else None
    if spec is None:
        return "unknown output"
    declared = spec.get("output")
    if isinstance(declared, list | tuple):
        if not _props(body.get("outputs"), len(declared)):
            return "outputs do not match the callback"
    elif not (_is_prop(body.get("outputs")) or (isinstance(body.get("outputs"), list)
                                                and all(_is_prop(o) for o in body["outputs"]))):
        return "outputs do not match the callback"
    for key in ("inputs", "state"):
        if not _props(body.get(key, []), len(spec.get(key) or [])):
            return f"{key} is not the callback's list of {key}"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds is not a list of strings"
    return None


def install_callback_guard(dash_app) -> None:
    """Answer 400 (not Dash's 500) to a callback request that is not even shaped like one."""
    server: Flask = dash_app.server
    # Set, not setdefault: Flask already holds the key (None, no limit). Werkzeug then refuses a longer body
    # with 413 before reading it, and stops reading a chunked one at the limit.
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @server.before_request
    def _shape():
        if request.path != CALLBACK_URL or request.method != "POST":
            return None
        if request.content_length is None and len(request.get_data(cache=True)) >= MAX_BODY_BYTES:
            # A chunked body: Werkzeug stops reading at the limit without saying so (a cut body is not JSON).
            abort(413)
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
        # The cookie's expiry is set at sign-in and not pushed back by each response (web.sessions also
        # checks the sign-in time server-side: the lifetime is absolute).
        SESSION_REFRESH_EACH_REQUEST=False,
    )


class TrustedProxyFix:
    """ProxyFix (one hop) for requests whose peer is one of ``allowed`` (FORWARDED_ALLOW_IPS; "*": any).

    From any other peer X-Forwarded-* are ignored: a client talking to the app directly cannot pick the
    address the rate limits count it under by sending its own X-Forwarded-For.
    """

    def __init__(self, app, allowed: str):
        self.app, self.fixed = app, ProxyFix(app, x_for=1, x_proto=1, x_host=1)
        items = [a.strip() for a in allowed.split(",") if a.strip()]
        self.any = "*" in items
        self.networks = [ipaddress.ip_network(a, strict=False) for a in items if a != "*"]

    def trusted(self, peer: str) -> bool:
        if self.any:
            return True
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        return any(address in net for net in self.networks)

    def __call__(self, environ, start_response):
        peer = environ["REMOTE_ADDR"] if "REMOTE_ADDR" in environ else ""  # the WSGI request, not the OS
        app = self.fixed if self.trusted(peer) else self.app
        return app(environ, start_response)


def install_headers(dash_app, hosted: bool, tile_url: str | None, proxies: str = "*") -> None:
    """Add the security headers to every response; trust one proxy hop (the platform router) when hosted,
    and only from the addresses in ``proxies`` (FORWARDED_ALLOW_IPS)."""
    server: Flask = dash_app.server
    if hosted:
        # Heroku-style routers terminate TLS and set X-Forwarded-For/-Proto: one hop, no more.
        server.wsgi_app = TrustedProxyFix(server.wsgi_app, proxies)
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
