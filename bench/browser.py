"""The dashboard in headless Chromium against gunicorn (issue 19): first load and every interaction kind,
from the input to "settled" (bench/instrument.js), with bytes on the wire, callbacks and waterfall depth.

Run through ``python -m bench --browser``; prints, never asserts a time.
"""

from __future__ import annotations

import logging
import statistics
import time
from pathlib import Path

from selenium import webdriver

from bench.dashboard import p95
from layouts import ids

log = logging.getLogger(__name__)
INSTRUMENT = (Path(__file__).with_name("instrument.js")).read_text()
CHROMIUM = "/usr/bin/chromium"
QUIET_MS = 100
DRAWN = f"""return !!(document.querySelector('#{ids.SERIES_GRAPH} .main-svg') &&
    document.querySelector('#{ids.SERIES_HEATMAP} .main-svg') && document.querySelector('#{ids.COMPARE_GRAPH} .main-svg')
    && document.getElementById('{ids.key_figure_value("devices")}').textContent &&
    document.querySelectorAll('#{ids.MAP} path.leaflet-interactive').length >= 33);"""


def chrome() -> webdriver.Chrome:
    """Debian's headless Chromium at 1920 x 1080, the instrumentation injected into every document."""
    opts = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--window-size=1920,1080", "--disable-dev-shm-usage"):
        opts.add_argument(flag)
    opts.binary_location = CHROMIUM
    driver = webdriver.Chrome(options=opts)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": INSTRUMENT})
    driver.execute_cdp_cmd("Network.enable", {})
    driver.set_script_timeout(60)
    return driver


def sign_in(driver, base: str, cookie_header: str) -> None:
    """The benchmark's signed-in officer: the requests session's cookies, given to the browser."""
    for pair in filter(None, (p.strip() for p in cookie_header.split(";"))):
        name, value = pair.split("=", 1)  # hosted cookies are Secure: 127.0.0.1 is a secure context to Chromium
        driver.execute_cdp_cmd("Network.setCookie", {"name": name, "value": value, "url": base + "/", "path": "/",
                                                     "secure": True, "httpOnly": True})


def settle(driver, timeout: float = 30.0) -> float:
    """Wait until the page has been quiet for QUIET_MS; the time (performance.now) its last activity ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script("return window.__bench.quietFor()") >= QUIET_MS:
            return driver.execute_script("return window.__bench.last")
        time.sleep(0.02)
    raise TimeoutError("the page did not settle")


def wire(driver) -> dict:
    """Bytes on the wire and requests of this document so far (Resource Timing: 0 bytes = from the cache)."""
    return driver.execute_script("""
        var nav = performance.getEntriesByType('navigation')[0], res = performance.getEntriesByType('resource');
        var bytes = nav.transferSize, cached = 0;
        res.forEach(function (r) { bytes += r.transferSize; if (!r.transferSize && r.decodedBodySize) { cached++; } });
        return {bytes: bytes, requests: res.length + 1, from_cache: cached,
                callbacks: res.filter(function (r) { return r.name.indexOf('_dash-update-component') >= 0; }).length};
    """)


def first_load(driver, base: str, cold: bool) -> dict:
    """Navigation start to every panel drawn and settled; the browser's cache emptied first when ``cold``."""
    if cold:
        driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.get(base + "/")
    deadline = time.monotonic() + 60
    while not driver.execute_script(DRAWN):
        if time.monotonic() > deadline:
            raise TimeoutError("the panels were not drawn in 60 s")
        time.sleep(0.05)
    done = settle(driver)
    return {"ms": round(done, 1), **wire(driver)}


def _levels(calls: list[dict]) -> int:
    """Waterfall depth: a request sent after another one's response arrived is one level below it."""
    level = {}
    for i, c in enumerate(sorted(calls, key=lambda c: c["start"])):
        before = [level[j] for j, d in enumerate(sorted(calls, key=lambda c: c["start"])) if j in level
                  and d["end"] is not None and d["end"] <= c["start"]]
        level[i] = 1 + max(before, default=0)
    return max(level.values(), default=0)


def measure(driver, act, latch: str | None, before=None) -> dict:
    """Arm, act, settle: input to settled, callbacks (server requests and all completed) and depth. ``latch``:
    the input event type whose time starts the clock; None: ``act`` arms the clock itself, in its own script."""
    settle(driver)
    if before:
        before()
    if latch:
        driver.execute_script("window.__bench.arm(arguments[0])", latch)
    act()
    done = settle(driver)
    b = driver.execute_script("return {t0: window.__bench.t0, calls: window.__bench.calls, "
                              "completed: window.__bench.completed() - window.__bench.done0}")
    if b["t0"] is None:
        raise RuntimeError("the input event was not seen")
    calls = [c for c in b["calls"] if c["start"] >= b["t0"] - 1]
    return {"ms": round(done - b["t0"], 1), "requests": len(calls), "callbacks": b["completed"],
            "depth": _levels(calls), "no_update_204": sum(1 for c in calls if c["status"] == 204)}


def summary(runs: list[dict]) -> dict:
    times = [r["ms"] for r in runs]
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(p95(times), 1), "n": len(runs),
            "requests_max": max(r["requests"] for r in runs), "callbacks_max": max(r["callbacks"] for r in runs),
            "depth_max": max(r["depth"] for r in runs), "no_update_204": sum(r["no_update_204"] for r in runs)}
