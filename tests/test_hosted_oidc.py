"""Officer sign-in through OpenID Connect against a real (loopback) provider: Authlib does the protocol."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import dash
import pytest
import requests
from dash import html

import config
import web
from tests.hosted_oidc import CLIENT_ID, CLIENT_SECRET, FakeIdP


@pytest.fixture
def idp():
    provider = FakeIdP()
    try:
        yield provider
    finally:
        provider.close()


def _app(idp: FakeIdP, domains: str = "camden.gov.uk"):
    app = dash.Dash(__name__)
    app.layout = html.Div("officers only", id="body")
    web.install(app, cfg=config.load({"OIDC_DISCOVERY_URL": idp.discovery_url, "OIDC_CLIENT_ID": CLIENT_ID,
                                      "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_ALLOWED_DOMAINS": domains,
                                      "RATELIMIT_ENABLED": "0"}))
    return app


def _round_trip(idp, client, nxt="/?borough=E09000007"):
    start = client.get(f"/auth/oidc/login?next={requests.utils.quote(nxt)}")
    assert start.status_code == 302 and start.headers["Location"].startswith(f"{idp.issuer}/authorize?")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["client_id"] == [CLIENT_ID] and "openid" in query["scope"][0] and query["nonce"]
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10).headers["Location"]
    url = urlsplit(back)
    return client.get(f"{url.path}?{url.query}")


def test_ho001_oidc_sign_in_round_trip(idp):
    client = _app(idp).server.test_client()
    assert client.get("/").status_code == 302
    login_page = client.get("/auth/login").get_data(as_text=True)
    assert "Sign in with Microsoft" in login_page and 'name="password"' not in login_page  # no APP_USERS
    done = _round_trip(idp, client)
    assert done.status_code == 302 and done.headers["Location"] == "/?borough=E09000007"
    assert client.get("/").status_code == 200 and client.get("/_dash-layout").status_code == 200


def test_ho002_oidc_user_outside_allowed_domains_is_refused(idp):
    idp.email = "someone@example.com"
    client = _app(idp).server.test_client()
    assert _round_trip(idp, client).status_code == 403
    assert client.get("/_dash-layout").status_code == 401


def test_ho003_forged_state_is_refused(idp):
    client = _app(idp).server.test_client()
    client.get("/auth/oidc/login")
    assert client.get("/auth/oidc/callback?code=code-0&state=forged").status_code == 401
    assert client.get("/_dash-layout").status_code == 401
