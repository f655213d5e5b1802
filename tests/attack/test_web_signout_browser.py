"""Sign-out in Chromium (issue 18, item 7): the header's "Sign out" is a form POST with the session's token, and
a copy of the session cookie taken before it no longer opens the dashboard."""

from __future__ import annotations

import pytest
import requests

from tests.hosted_server import Gunicorn, hosted_env, seed_demo
from tests.test_hosted_browser import (
    _wait,
    browser,  # noqa: F401 - the fixture
    sign_in_browser,
)

pytestmark = pytest.mark.browser


def test_web_sb001_sign_out_button_revokes_the_copied_cookie(browser, sqlite_url, tmp_path):  # noqa: F811
    seed_demo(sqlite_url)
    env = hosted_env(sqlite_url, None, HOSTED="0", WEB_CONCURRENCY="1")  # plain http: the cookie is not Secure
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        sign_in_browser(browser, server.base)
        _wait(lambda: browser.find_elements("id", "sign-out"), what="the sign-out button")
        copied = {c["name"]: c["value"] for c in browser.get_cookies()}
        assert requests.get(server.base + "/_dash-layout", cookies=copied, timeout=30).status_code == 200
        button = browser.find_element("id", "sign-out")
        assert button.tag_name == "button" and button.get_attribute("type") == "submit"
        button.click()
        _wait(lambda: "/auth/login" in browser.current_url, what="the sign-in page after sign-out")
        assert requests.get(server.base + "/_dash-layout", cookies=copied, timeout=30).status_code == 401
    finally:
        server.stop()
