"""Officer sessions can end (issue 18, item 7): an absolute lifetime, revocation on sign-out, the user
re-checked against APP_USERS on each request, published placeholder secrets refused, sign-out by POST
with the form token only."""

from __future__ import annotations

import json
import time

import pytest
from werkzeug.security import generate_password_hash

import config
from tests.attack.web_apps import (
    USER,
    csrf_of,
    make_app,
    module_demo_db,  # noqa: F401 - the demo_db fixture
    officer_env,
    sign_in,
)

LAYOUT = "/_dash-layout"
PLACEHOLDER = "change-me-to-64-random-hex-characters-change-me-to-64-random-hex"


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _with_cookie(app, value: str):
    other = app.server.test_client()
    other.set_cookie("session", value)
    return other


def _form_token(node) -> str | None:
    """The value of the header sign-out form's hidden csrf field, found in the layout tree."""
    if isinstance(node, list):
        return next((t for t in map(_form_token, node) if t), None)
    if isinstance(node, dict):
        props = node.get("props", {})
        if isinstance(props, dict) and props.get("name") == "csrf":
            return props.get("value")
        return next((t for t in map(_form_token, node.values()) if t), None)
    return None


def _sign_out(client):
    return client.post("/auth/logout", data={"csrf": _form_token(client.get(LAYOUT).get_json())})


def test_web_se001_a_copied_cookie_dies_with_sign_out(demo_db):
    app = make_app(officer_env(demo_db))
    client = app.server.test_client()
    assert sign_in(client).status_code == 302
    copied = _cookie(client)
    assert _with_cookie(app, copied).get(LAYOUT).status_code == 200  # the copy works while signed in
    assert _sign_out(client).status_code == 302
    assert client.get(LAYOUT).status_code == 401
    assert _with_cookie(app, copied).get(LAYOUT).status_code == 401, "a cookie copied before sign-out still works"


def test_web_se002_use_does_not_extend_the_lifetime(demo_db, monkeypatch):
    app = make_app(officer_env(demo_db, SESSION_HOURS="8"))
    client = app.server.test_client()
    start = time.time()
    assert sign_in(client).status_code == 302
    for hours in (2, 4, 6, 7.5):  # used all day long, each response could push the end back
        monkeypatch.setattr(time, "time", lambda h=hours: start + h * 3600)
        assert client.get(LAYOUT).status_code == 200, hours
    monkeypatch.setattr(time, "time", lambda: start + 8.5 * 3600)
    assert client.get(LAYOUT).status_code == 401, "the session outlived SESSION_HOURS since sign-in"


@pytest.mark.parametrize("change", ["removed", "new password"])
def test_web_se003_the_user_is_rechecked_against_app_users(demo_db, change):
    client = make_app(officer_env(demo_db)).server.test_client()
    assert sign_in(client).status_code == 302
    users = "bob:" + generate_password_hash("x") if change == "removed" else f"{USER}:{generate_password_hash('new')}"
    later = make_app(officer_env(demo_db, APP_USERS=users))  # the same SECRET_KEY, the users changed
    assert _with_cookie(later, _cookie(client)).get(LAYOUT).status_code == 401


def test_web_se004_the_published_placeholder_is_refused_as_secret(demo_db):
    env = officer_env(demo_db, HOSTED="1", SECRET_KEY=PLACEHOLDER)
    with pytest.raises(config.ConfigError, match="placeholder"):
        config.load(env)
    with pytest.raises(config.ConfigError, match="placeholder"):
        config.load({**env, "SECRET_KEY": "change-me-please-to-something-random-0123456789"})


def test_web_se005_sign_out_needs_a_post_with_the_form_token(demo_db):
    client = make_app(officer_env(demo_db)).server.test_client()
    assert sign_in(client).status_code == 302
    assert client.get("/auth/logout").status_code in (404, 405)  # a cross-site link or <img>
    assert client.get(LAYOUT).status_code == 200
    assert client.post("/auth/logout").status_code == 400  # a cross-site form has no token
    assert client.post("/auth/logout", data={"csrf": "guess"}).status_code == 400
    assert client.get(LAYOUT).status_code == 200
    layout = json.dumps(client.get(LAYOUT).get_json())
    assert '"action": "/auth/logout"' in layout and '"method": "POST"' in layout
    assert _sign_out(client).status_code == 302 and client.get(LAYOUT).status_code == 401
    assert csrf_of(client)  # the sign-in page is still there
