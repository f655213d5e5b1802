"""Probes and stray paths (issue 18, item 13): /readyz follows the database, the cache is only "degraded";
/auth/* and /favicon.ico never fall through to Dash's page shell."""

from __future__ import annotations

import pytest

from tests.attack.web_apps import (
    make_app,
    module_demo_db,  # noqa: F401 - the demo_db fixture
    officer_env,
)
from tests.hosted_server import free_port

DEAD_REDIS = "redis://127.0.0.1:{port}/0"


@pytest.fixture
def dead_redis() -> str:
    return DEAD_REDIS.format(port=free_port())  # bound then released: nothing listens there


def test_web_pr001_redis_down_is_degraded_not_unready(demo_db, dead_redis, tmp_path):
    client = make_app(officer_env(demo_db, REDIS_URL=dead_redis)).server.test_client()
    resp = client.get("/readyz")
    body = resp.get_json()
    assert resp.status_code == 200, body
    assert body["status"] == "degraded" and body["degraded"] == ["cache"] and body["down"] == ["cache"]
    assert body["checks"]["database"] == "ok" and body["checks"]["cache"].startswith("down: ")
    # Readiness still follows the database: without it the instance is out of rotation.
    missing = f"sqlite:///{tmp_path / 'no-such-dir' / 'store.sqlite'}"
    gone = make_app(officer_env(missing, REDIS_URL=dead_redis)).server.test_client().get("/readyz")
    assert gone.status_code == 503 and gone.get_json()["status"] == "unavailable"
    assert gone.get_json()["down"] == ["cache", "database"]


@pytest.mark.parametrize("mode", ["officer", "public"])
def test_web_pr002_unknown_auth_paths_are_404(demo_db, mode):
    env = officer_env(demo_db) if mode == "officer" else {"DATABASE_URL": demo_db, "APP_MODE": "public"}
    client = make_app(env).server.test_client()
    for path in ("/auth/", "/auth/nope", "/auth/login/extra", "/auth/oidc/elsewhere"):
        resp = client.get(path)
        assert resp.status_code == 404, (path, resp.status_code)
        assert "_dash-config" not in resp.get_data(as_text=True), f"{path} served Dash's page shell"
    assert client.get("/auth/login").status_code == 200


def test_web_pr003_favicon_is_an_icon(demo_db):
    client = make_app(officer_env(demo_db)).server.test_client()  # anonymous visitor, sign-in required
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200 and resp.content_type == "image/x-icon"
    assert resp.data[:4] == b"\x00\x00\x01\x00"  # an ICO file, not the page shell
    assert client.get("/").status_code == 302  # the page itself still asks to sign in
