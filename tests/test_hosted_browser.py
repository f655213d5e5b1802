"""Headless Chromium under the real Content-Security-Policy: sign in, the dashboard renders, nothing refused."""

from __future__ import annotations

import time

import pytest

from tests.conftest import missing
from tests.hosted_server import OFFICER, PASSWORD, Gunicorn, hosted_env, seed_demo

pytestmark = pytest.mark.browser

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture
def browser():
    from pathlib import Path

    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        missing("chromium and chromium-driver are not installed")
    opts = Options()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--window-size=1400,1000"):
        opts.add_argument(flag)
    opts.binary_location = CHROMIUM
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(predicate, timeout: float = 45, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def sign_in_browser(browser, base: str) -> None:
    """Open the dashboard, be sent to the sign-in form, sign in as the officer."""
    browser.get(base + "/")
    _wait(lambda: "/auth/login" in browser.current_url, what="the sign-in page")
    browser.find_element("name", "username").send_keys(OFFICER)
    browser.find_element("name", "password").send_keys(PASSWORD)
    browser.find_element("css selector", "button[type=submit]").click()


def test_hb001_dashboard_runs_under_the_csp(browser, sqlite_url, tmp_path):
    seed_demo(sqlite_url)
    # HOSTED=0 keeps the cookie usable on plain http; sign-in is still required because APP_USERS is set.
    env = hosted_env(sqlite_url, None, HOSTED="0", WEB_CONCURRENCY="1",
                     TILE_URL="http://127.0.0.1:9/{z}/{x}/{y}.png")
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        sign_in_browser(browser, server.base)
        _wait(lambda: len(browser.find_elements("css selector", ".main-svg")) > 0, what="a plotly figure")
        _wait(lambda: browser.find_elements("css selector", ".leaflet-container"), what="the map")
        time.sleep(2)  # let late callbacks and lazy bundles run, so their CSP reports land in the log
        browser.save_screenshot(str(tmp_path / "dashboard.png"))
        logs = [e["message"] for e in browser.get_log("browser")]
        refused = [m for m in logs if "Content Security Policy" in m or "Refused to" in m]
        assert refused == [], refused
        alert = browser.find_element("id", "hosted-alert")
        assert not alert.is_displayed()
    finally:
        server.stop()
