"""Sign-in hardening (issue 18, item 8): no open redirect through ``next``, no 500 from it, and the sign-in
rate limits hold against rotating X-Forwarded-For (only the platform's proxy is trusted) and per account."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from tests.attack.web_apps import (
    USER,
    make_app,
    module_demo_db,  # noqa: F401 - the demo_db fixture
    officer_env,
    sign_in,
)
from web.auth import safe_next

HTTPS = "https://dash.example"
TRICKS = ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example", "/\x00/evil.example",
          "\t//evil.example", "/\\evil.example", "https:evil.example", "/%09/evil.example"]


def _lands_off_site(location: str) -> bool:
    """Where a browser goes: it drops tabs and line breaks from a URL before resolving it."""
    cleaned = re.sub(r"[\t\n\r]", "", location)
    return bool(urlsplit(cleaned).netloc) or cleaned.startswith(("//", "/\\"))


def test_web_si001_next_never_leaves_the_site(demo_db):
    client = make_app(officer_env(demo_db)).server.test_client()
    for target in TRICKS:
        assert not _lands_off_site(safe_next(target)), target
        resp = sign_in(client, nxt=target)
        assert resp.status_code == 302, (target, resp.status_code)
        assert not _lands_off_site(resp.headers["Location"]), (target, resp.headers["Location"])


def test_web_si002_a_newline_in_next_is_no_500(demo_db):
    client = make_app(officer_env(demo_db)).server.test_client()
    assert client.get("/auth/login?next=/a%0d%0aSet-Cookie:%20x=1").status_code == 200
    resp = sign_in(client, nxt="/a\r\nSet-Cookie: x=1")
    assert resp.status_code == 302 and "\n" not in resp.headers["Location"] and "x=1" not in resp.headers.get(
        "Set-Cookie", "")


def _hosted(db: str, **extra: str):
    env = officer_env(db, HOSTED="1", RATELIMIT_ENABLED="1", RATELIMIT_STORAGE_URI="memory://",
                      RATELIMIT_KEY_PREFIX=f"evtest-{uuid.uuid4().hex[:8]}", **extra)
    return make_app(env).server.test_client()


def _try(client, user: str, forwarded: str) -> int:
    page = client.get("/auth/login", base_url=HTTPS, headers={"X-Forwarded-For": forwarded})
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post("/auth/login", base_url=HTTPS, headers={"X-Forwarded-For": forwarded},
                       data={"csrf": csrf, "username": user, "password": "wrong"}).status_code


def test_web_si003_rotating_forwarded_for_does_not_reset_the_address_limit(demo_db):
    # The platform's router is 10.9.9.9; this client talks to the app directly and forges the header.
    client = _hosted(demo_db, FORWARDED_ALLOW_IPS="10.9.9.9", RATELIMIT_SIGNIN_ACCOUNT="1000 per hour")
    statuses = [_try(client, f"user{i}", f"203.0.113.{i}") for i in range(8)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429] * 3, statuses


def test_web_si004_an_account_has_its_own_limit_whatever_the_address(demo_db):
    client = _hosted(demo_db, RATELIMIT_SIGNIN_ACCOUNT="3 per hour")  # the router may be anyone (default *)
    statuses = [_try(client, USER, f"198.51.100.{i}") for i in range(5)]
    assert statuses == [401, 401, 401, 429, 429], statuses
    assert _try(client, "someone-else", "198.51.100.99") == 401  # other accounts are not locked

