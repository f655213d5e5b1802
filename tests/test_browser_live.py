"""Headless Chromium: the map's "Live now" mode (issue 15) colours the points and its legend states each feed's
age; the status panel opens with its charts and lists. Screenshots at 1920x1080 and 1366x768."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dash.testing.wait import until
from sqlalchemy import update

from app import create_app
from bench.ocpi_fake import Handler, Script, london_points, serve
from data import queries, schema
from layouts import ids
from tests.sources_util import new_store
from tests.test_browser_dashboard import RECORD_CALLBACK_REQUESTS
from tests.watch_util import run_day

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/evcharge-screenshots"))
LIVE_RADIO = f"#{ids.MAP_MODE} input[value=live]"
POINT_PATHS = ".leaflet-overlay-pane path.leaflet-interactive"
COLOURS = "return [...new Set([...document.querySelectorAll(arguments[0])].map(p => p.getAttribute('fill')))]"


@pytest.fixture
def live_store(demo_with_boundaries, shared_data, request):
    """The demo plus a scripted day of two operators' status feeds on its last day; feed a polled a minute
    and a half ago, feed b two hours ago (stale)."""
    db = demo_with_boundaries
    _, last = queries.date_bounds(db, queries.read_version(db))
    script = Script(london_points(shared_data), evses=200, seed=3, day=datetime.fromisoformat(last))
    Handler.faults = {}
    httpd, base = serve(script, page=80)
    engine = new_store(db)
    request.addfinalizer(engine.dispose)
    run_day(engine, script, base)
    httpd.shutdown()
    httpd.server_close()
    now = datetime.now(UTC).replace(tzinfo=None)
    f = schema.status_feeds
    with engine.begin() as conn:
        for feed, age in (("a", timedelta(seconds=90)), ("b", timedelta(hours=2))):
            conn.execute(update(f).where(f.c.feed == feed).values(last_good_poll=now - age))
    return db


def test_brl001_live_now_colours_the_points_and_the_legend_states_each_feed_age(dash_duo, live_store, free_port):
    dash_duo.start_server(create_app(live_store), port=free_port)
    dash_duo.wait_for_contains_text(f"#{ids.MAP_COUNT}", "devices shown", timeout=30)
    dash_duo.find_element(LIVE_RADIO).click()
    dash_duo.wait_for_contains_text(f"#{ids.MAP_LIVE_LEGEND}", "Feed a: updated 1 min ago", timeout=30)
    legend = dash_duo.find_element(f"#{ids.MAP_LIVE_LEGEND}").text
    assert "Feed b: stale, last updated 2 h ago" in legend and "in use" in legend and "not working" in legend
    assert not dash_duo.find_element(f"#{ids.MAP_BAND_LEGEND}").is_displayed()
    # At London's zoom each cluster's ring is its points' shares of each status (its title says them in words).
    until(lambda: dash_duo.driver.find_elements("css selector", ".ev-cluster.live"), timeout=20)
    ring = dash_duo.driver.find_element("css selector", ".ev-cluster.live")
    assert "conic-gradient" in ring.find_element("css selector", "div").get_attribute("style")
    assert " in use, " in ring.get_attribute("title") and ring.get_attribute("title").endswith(" unknown")
    SHOTS.mkdir(parents=True, exist_ok=True)
    dash_duo.driver.set_window_size(1366, 1500)
    dash_duo.driver.save_screenshot(str(SHOTS / "live-clusters-london.png"))
    until(lambda: "map=live" in dash_duo.driver.execute_script("return window.location.search"), timeout=10)
    # Issue 19: a band toggle sends the status views nothing (their gates hold), in Live now too.
    dash_duo.driver.execute_script(RECORD_CALLBACK_REQUESTS)
    dash_duo.driver.execute_script("const b = document.querySelector(arguments[0]); b.scrollIntoView({block: "
                                   "'center'}); b.click()", f"#{ids.FILTER_BANDS} input[value='slow']")
    until(lambda: "slow" not in dash_duo.driver.execute_script("return window.location.search"), timeout=20)
    until(lambda: any(ids.COMPARE_GRAPH in o for o in dash_duo.driver.execute_script("return window.__dashOutputs")),
          timeout=20)
    outputs = dash_duo.driver.execute_script("return window.__dashOutputs")
    assert not [o for o in outputs if ids.MAP_LIVE_LEGEND in o or ids.LIVE_BODY in o], outputs
    # A link in Live now colours the points at load (the gate fires the status callback without a click);
    # zoomed in on central London, where the clusters open into single points.
    dash_duo.driver.get(f"{dash_duo.server_url}/?map=live&lat=51.5100&lon=-0.1300&zoom=14")
    dash_duo.wait_for_contains_text(f"#{ids.MAP_LIVE_LEGEND}", "Feed a: updated", timeout=30)
    until(lambda: {c.upper() for c in dash_duo.driver.execute_script(COLOURS, POINT_PATHS) if c} >= {"#009E73", "#E69F00"},
          timeout=20)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1920, 1080), (1366, 768)):
        dash_duo.driver.set_window_size(width, height)
        dash_duo.driver.execute_script(f"document.getElementById('{ids.MAP}').scrollIntoView({{block: 'center'}})")
        dash_duo.driver.save_screenshot(str(SHOTS / f"live-map-{width}x{height}.png"))
    dash_duo.driver.execute_script(f"document.getElementById('{ids.LIVE_DETAILS}').open = true;"
                                   f"document.getElementById('{ids.LIVE_DETAILS}').scrollIntoView()")
    dash_duo.wait_for_contains_text(f"#{ids.LIVE_BODY}", "Busiest devices", timeout=30)
    dash_duo.wait_for_element(f"#{ids.LIVE_BODY} .js-plotly-plot", timeout=30)
    # Each officer list is folded and built only when opened (issue 7's speed: the panel never scans devices).
    assert not dash_duo.driver.find_elements("css selector", f"#{ids.LIVE_BODY} .live-list table")
    dash_duo.driver.execute_script("document.querySelectorAll('.live-list')[3].open = true")  # busiest devices
    dash_duo.wait_for_element(f"#{ids.LIVE_BODY} .live-list table", timeout=30)
    assert len(dash_duo.driver.find_elements("css selector", f"#{ids.LIVE_BODY} .live-list table")) == 1
    for width, height in ((1920, 1080), (1366, 768)):
        dash_duo.driver.set_window_size(width, height)
        dash_duo.driver.execute_script(f"document.getElementById('{ids.LIVE_DETAILS}').scrollIntoView()")
        dash_duo.driver.save_screenshot(str(SHOTS / f"live-panel-{width}x{height}.png"))
        dash_duo.driver.execute_script("document.querySelector('.live-list').scrollIntoView()")
        dash_duo.driver.save_screenshot(str(SHOTS / f"live-lists-{width}x{height}.png"))
    assert dash_duo.get_logs() == []
