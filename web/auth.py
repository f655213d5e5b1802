"""Officer sign-in: OpenID Connect (Entra ID style, via Authlib) and/or APP_USERS password hashes.

Anonymous page requests are sent to /auth/login; anonymous Dash requests get 401 JSON and no data.
"""

from __future__ import annotations

import getpass
import hmac
import logging
import pkgutil
import re
import secrets
import sys
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, g, jsonify, redirect, request, session, url_for
from markupsafe import escape
from werkzeug.security import check_password_hash, generate_password_hash

from config import Settings
from web import sessions

log = logging.getLogger(__name__)

OPEN_PATHS = ("/healthz", "/readyz", "/favicon.ico", "/_favicon.ico")
# Control characters and white space: browsers drop tabs and newlines inside URLs, so "/\t/evil" is "//evil".
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")
API_PREFIXES = ("/_dash-", "/_reload-hash")
# Compared against when the user name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))

bp = Blueprint("auth", __name__, url_prefix="/auth")

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:24em;margin:4em auto">
<h1>London EV charge points</h1><p>Officers sign in to see the dashboard.</p>{error}{oidc}{form}</body></html>"""
FORM = """<form method="post" action="{action}">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
<p><label>User name<br><input name="username" autocomplete="username" required></label></p>
<p><label>Password<br><input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Sign in</button></p></form>"""


def _state() -> dict:
    """This app's sign-in settings and OIDC client (kept per app, not per module)."""
    return current_app.extensions.setdefault("web.auth", {})


def current_user() -> str | None:
    """The signed-in user's name (or e-mail for OIDC) while the session is still good, else None.

    Checked once per request (web.sessions): lifetime, revocation, the user still in the settings.
    """
    if "signed_in_user" in g:
        return g.signed_in_user
    user, state = session.get("user"), _state()
    name = None
    if user is not None and "settings" in state:
        reason = sessions.why_invalid(user, state["settings"], state["revoked"])
        if reason:
            log.info("session refused (%s) for %r", reason, user.get("name") if isinstance(user, dict) else None)
            session.pop("user", None)
        else:
            name = user["name"]
    g.signed_in_user = name
    return name


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would make the sign-in page a phishing tool."""
    target = _UNSAFE.sub("", target or "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


def csrf_token() -> str:
    """This session's form token (the sign-in and sign-out forms carry it)."""
    return _csrf_token()


def _csrf_ok() -> bool:
    sent = request.form.get("csrf", "")
    return bool(sent) and hmac.compare_digest(sent, session.get("csrf", ""))


def _csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(24)
    return token


def _sign_in(name: str, via: str):
    session.clear()  # a fresh session on sign-in: no fixation
    session.permanent = True
    session["user"] = sessions.record(name, via, _state()["settings"])
    g.pop("signed_in_user", None)
    log.info("signed in: %s via %s", name, via)


def _login_page(error: str = "", status: int = 200):
    cfg: Settings = _state()["settings"]
    nxt = safe_next(request.values.get("next"))
    oidc = (f'<p><a href="{escape(url_for("auth.oidc_login", next=nxt))}">{escape(cfg.oidc.label)}</a></p>'
            if cfg.oidc else "")
    form = (FORM.format(action=escape(url_for("auth.login")), csrf=escape(_csrf_token()), next=escape(nxt))
            if cfg.users else "")
    err = f'<p role="alert" style="color:#b00">{escape(error)}</p>' if error else ""
    return PAGE.format(error=err, oidc=oidc, form=form), status, {"Content-Type": "text/html; charset=utf-8"}


@bp.route("/login", methods=["GET", "POST"])
def login():
    cfg: Settings = _state()["settings"]
    if request.method == "GET":
        return _login_page()
    if not cfg.users:
        abort(404)
    if not _csrf_ok():
        return _login_page("The form expired: please try again.", 400)
    name = request.form.get("username", "")[:128]
    hashed = cfg.users.get(name)
    ok = check_password_hash(hashed or _DUMMY_HASH, request.form.get("password", "")[:1024])
    if not (ok and hashed):
        log.warning("failed sign-in for %r from %s", name, request.remote_addr)
        return _login_page("Wrong user name or password.", 401)
    _sign_in(name, "password")
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    """Sign out: a POST carrying the form token (a cross-site link or form cannot sign anyone out), and the
    session id revoked so that a copy of the cookie stops working too."""
    if not _csrf_ok():
        abort(400, "The sign-out form expired: reload the page and try again.")
    sessions.revoke(session.get("user"), _state()["settings"], _state()["revoked"])
    session.clear()
    return redirect(url_for("auth.login"))


def favicon():
    """/favicon.ico, which browsers ask for on their own: Dash's icon, never the page shell."""
    return pkgutil.get_data("dash", "favicon.ico"), 200, {"Content-Type": "image/x-icon",
                                                          "Cache-Control": "public, max-age=86400"}


def _unknown_auth_path():
    """/auth/<anything that is not a sign-in route> is a 404, not Dash's page shell (in every mode)."""
    if request.path.startswith("/auth/") and request.blueprint != "auth":
        abort(404)


@bp.get("/oidc/login")
def oidc_login():
    client = _state().get("oidc")
    if client is None:
        abort(404)
    session["oidc_next"] = safe_next(request.args.get("next"))
    return client.authorize_redirect(url_for("auth.oidc_callback", _external=True))


@bp.get("/oidc/callback")
def oidc_callback():
    client, cfg = _state().get("oidc"), _state()["settings"]
    if client is None:
        abort(404)
    try:
        token = client.authorize_access_token()
    except Exception as exc:  # noqa: BLE001 - state mismatch, provider error, bad code
        log.warning("OIDC sign-in failed: %s", exc.__class__.__name__)
        return _login_page("Sign-in with your organisation failed: please try again.", 401)
    claims = token.get("userinfo") or {}
    name = claims.get("email") or claims.get("preferred_username") or claims.get("sub")
    domain = str(name or "").rpartition("@")[2].lower()
    if not name or (cfg.oidc.allowed_domains and domain not in cfg.oidc.allowed_domains):
        log.warning("OIDC user %r refused: domain not allowed", name)
        return _login_page("Your account is not allowed to use this dashboard.", 403)
    nxt = session.get("oidc_next", "/")
    _sign_in(str(name), "oidc")
    return redirect(safe_next(nxt))


def _guard():
    """Before every request: open paths pass, signed-in users pass, others are sent to sign in."""
    path = request.path
    if path in OPEN_PATHS or path.startswith("/auth/") or current_user():
        return None
    if path.startswith(API_PREFIXES):
        return jsonify(error="sign-in required"), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _register_oidc(server: Flask, cfg: Settings) -> None:
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(server)
    server.extensions["web.auth"]["oidc"] = oauth.register(
        "oidc", client_id=cfg.oidc.client_id, client_secret=cfg.oidc.client_secret,
        server_metadata_url=cfg.oidc.discovery_url, client_kwargs={"scope": cfg.oidc.scopes})


def install_auth(server: Flask, cfg: Settings, cache=None) -> None:
    """Sign-in routes always exist (they say so when unused); the guard only when sign-in is required.

    ``cache``: where signed-out session ids are kept (the app's shared cache; per process without one).
    """
    server.extensions["web.auth"] = {"settings": cfg, "revoked": sessions.store_for(cache)}
    if cfg.oidc:
        _register_oidc(server, cfg)
    server.register_blueprint(bp)
    server.add_url_rule("/favicon.ico", "favicon", favicon)
    server.before_request(_unknown_auth_path)
    if cfg.auth_required:
        server.before_request(_guard)
    else:
        log.warning("sign-in is OFF (mode=%s, hosted=%s): every visitor sees the dashboard", cfg.mode, cfg.hosted)


def main(argv: list[str] | None = None) -> int:
    """``python -m web.auth hash``: print an APP_USERS entry for a user name and a typed password."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or args[0] != "hash":
        print("usage: python -m web.auth hash USERNAME   (reads the password from the terminal)", file=sys.stderr)
        return 2
    password = getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    print(f"{args[1]}:{generate_password_hash(password)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
