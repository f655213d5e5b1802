"""Issue 16 in headless Chromium at 1920x1080 and 1366x768: slides that fit, chart text for the room, axe-core
clean in default, Present and dark+Present; Copy link, the deck list and the Updating badge. Screenshots go to
tests/artefacts/ (git-ignored)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys

from app import create_app
from layouts import ids
from tests.conftest import missing
from tests.test_browser_share import AXE, RUN_AXE, _serious

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artefacts"
SIZES = [(1920, 1080, 20), (1366, 768, 16)]  # width, height, smallest chart text allowed in Present mode (px)
# Every piece of text in the charts and key figures on the slide (hover layers and the hidden tabs excluded).
SLIDE_TEXT = """
const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && getComputedStyle(el).visibility !== 'hidden' && el.closest('.panel, .kf-row') && !el.closest('.hoverlayer'); };
const texts = [...document.querySelectorAll('.js-plotly-plot text, .kf-row *, .map-legend *')]
    .filter(el => el.childNodes.length && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .filter(shown);
return texts.map(el => [parseFloat(getComputedStyle(el).fontSize), el.textContent.trim().slice(0, 30)]);
"""
SCROLLS = ("const d = document.documentElement; "
           "return [d.scrollHeight - window.innerHeight, d.scrollWidth - window.innerWidth]")


HOLD = {"on": False}


def _held():
    """A request held open on purpose (installed before the app's first request, switched on by the test)."""
    from flask import request
    if HOLD["on"] and request.path == "/_dash-update-component":
        time.sleep(2.0)


@pytest.fixture
def present_app(dash_duo, demo_with_boundaries, free_port):
    app = create_app(demo_with_boundaries)
    HOLD["on"] = False
    app.server.before_request(_held)
    dash_duo.start_server(app, port=free_port)
    dash_duo.wait_for_element(f"#{ids.COMPARE_GRAPH} .bars .point", timeout=30)
    return dash_duo, app


def _size(duo, width: int, height: int) -> None:
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500})


def _open(duo, query: str) -> None:
    duo.driver.get(f"{duo.server_url}/?{query}")
    try:
        duo.wait_for_element(f"#{ids.COMPARE_GRAPH} .bars .point", timeout=40)
    except Exception:
        _shot(duo, "failed-open-" + (query.replace("=", "-").replace("&", "_") or "default"))
        raise
    until(lambda: duo.driver.execute_script("return document.querySelectorAll('[data-dash-is-loading]').length") == 0,
          timeout=30)


def _shot(duo, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    duo.driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


@pytest.mark.parametrize(("width", "height", "least"), SIZES)
def test_prs001_slides_fit_text_is_legible_and_axe_finds_nothing(present_app, width, height, least):
    if not AXE.exists():
        missing("axe-core is not installed: run `npm ci` at the repository root")
    duo, _ = present_app
    _size(duo, width, height)
    for query in ("", "present=1", "present=1&theme=dark"):
        _open(duo, query)
        until(lambda q=query: duo.driver.execute_script(
            "const r = document.documentElement; return [r.dataset.bsTheme, r.classList.contains('present')]")
              == ["dark" if "dark" in q else "light", "present" in q], timeout=10)
        time.sleep(1.5)  # the charts' refit after the layout settled
        if "present" in query:
            # Chart text sized for the room: the slide's text all at least `least` px once the refit landed.
            until(lambda: min(s for s, _ in duo.driver.execute_script(SLIDE_TEXT)) >= least, timeout=15)
            assert duo.driver.execute_script(SCROLLS) == [0, 0], query  # the slide does not scroll
            assert duo.find_element(".filter-bar").rect["width"] <= 1  # controls off screen...
            assert duo.driver.execute_script(  # ...but in the accessibility tree (not display: none)
                "return getComputedStyle(document.querySelector('.filter-bar')).display") != "none"
            days = duo.driver.execute_script(
                f"return [...document.querySelectorAll('#{ids.SERIES_HEATMAP} .ytick text')].map(t => t.textContent)")
            assert days == [] or len(days) == 7
        _shot(duo, f"present-{width}x{height}-{query.replace('=', '-').replace('&', '_') or 'default'}")
        duo.driver.execute_script(AXE.read_text())
        assert _serious(duo.driver.execute_async_script(RUN_AXE)) == [], (width, query)
    assert duo.get_logs() == []


def test_prs002_the_heatmap_labels_every_day_and_every_other_hour(present_app):
    duo, _ = present_app
    _size(duo, 1366, 768)
    _open(duo, "present=1")
    duo.find_element(f"#{ids.DECK_PANELS}")  # the chooser exists (off screen in Present mode)
    duo.driver.execute_script("document.documentElement.setAttribute('data-slide', 'series heatmap');"
                              "document.documentElement.setAttribute('data-slide-n', '1');"
                              "window.dispatchEvent(new Event('resize'));")
    until(lambda: len(duo.driver.execute_script(
        f"return [...document.querySelectorAll('#{ids.SERIES_HEATMAP} .ytick text')]")) == 7, timeout=15)
    hours = duo.driver.execute_script(
        f"return [...document.querySelectorAll('#{ids.SERIES_HEATMAP} .xtick text')].map(t => t.textContent)")
    assert [int(h) for h in hours] == list(range(0, 24, 2))
    until(lambda: min(s for s, _ in duo.driver.execute_script(SLIDE_TEXT)) >= 16, timeout=15)
    assert duo.driver.execute_script(SCROLLS) == [0, 0]
    _shot(duo, "present-1366x768-series-heatmap")


RECORD_COPIES = """
window.__copies = [];
const clip = navigator.clipboard, inner = clip.writeText.bind(clip);
clip.writeText = text => { window.__copies.push(text); return inner(text).catch(() => undefined); };
"""


def test_prs003_copy_link_clicked_on_its_words_copies_and_says_so(present_app):
    duo, _ = present_app
    duo.driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": duo.server_url,
                                                            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    _open(duo, "metric=energy")
    duo.driver.execute_script(RECORD_COPIES)
    words = duo.driver.execute_script(  # the words, not the icon
        f"const b = document.getElementById('{ids.SHARE_COPY}'); const r = document.createRange();"
        "const t = [...b.childNodes].find(n => n.nodeType === 3); r.selectNode(t); const q = r.getBoundingClientRect();"
        "return [q.x + q.width / 2, q.y + q.height / 2]")
    from selenium.webdriver.common.action_chains import ActionChains
    ActionChains(duo.driver).move_by_offset(*words).click().perform()
    until(lambda: duo.find_element(f"#{ids.SHARE_COPY_STATUS}").text == "Link copied", timeout=10)
    copied = duo.driver.execute_script("return window.__copies")
    assert len(copied) == 1 and copied[0].startswith(duo.server_url) and "metric=energy" in copied[0]
    status = duo.find_element(f"#{ids.SHARE_COPY_STATUS}")
    assert status.get_attribute("aria-live") == "polite"
    time.sleep(2.2)
    assert status.text == "Link copied"  # still there after 2 s
    _shot(duo, "copy-link")


def _titles(duo) -> list[str]:
    return duo.driver.execute_script(
        "return [...document.querySelectorAll('.deck-item-title')].map(i => i.value)")


def test_prs004_the_deck_list_renames_deletes_and_reorders(present_app):
    duo, _ = present_app
    duo.driver.execute_script("localStorage.clear()")
    _open(duo, "")
    for title in ("One", "Two", "Three"):
        box = duo.find_element(f"#{ids.DECK_TITLE}")
        box.clear()
        box.send_keys(title)
        duo.find_element(f"#{ids.DECK_ADD}").click()
        duo.wait_for_contains_text(f"#{ids.DECK_FEEDBACK}", f"“{title}”", timeout=20)
    assert "3 slides in the deck" in duo.find_element(f"#{ids.DECK_FEEDBACK}").text
    duo.find_element(".deck-details summary").click()
    until(lambda: _titles(duo) == ["One", "Two", "Three"], timeout=20)
    # Dash writes a pattern-matching id as its JSON (keys sorted): matched as an attribute, not as a #selector.
    field = duo.find_element(f"[id='{{\"index\":1,\"type\":\"{ids.DECK_ITEM_TITLE}\"}}']")
    # Typed over as a person does (select all, type, Enter): WebDriver's clear() blurs the field, which commits
    # an empty title (a debounced input) and re-renders the list under the test.
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("Second\n")
    until(lambda: _titles(duo) == ["One", "Second", "Three"], timeout=20)
    duo.wait_for_contains_text(f"#{ids.DECK_FEEDBACK}", "renamed", timeout=10)
    duo.driver.execute_script("document.querySelectorAll('.deck-item')[2].querySelectorAll('button')[0].click()")
    until(lambda: _titles(duo) == ["One", "Three", "Second"], timeout=20)
    duo.driver.execute_script("document.querySelectorAll('.deck-item')[0].querySelectorAll('button')[2].click()")
    until(lambda: _titles(duo) == ["Three", "Second"], timeout=20)
    duo.wait_for_contains_text(f"#{ids.DECK_FEEDBACK}", "deleted", timeout=10)
    stored = duo.driver.execute_script(f"return JSON.parse(localStorage.getItem('{ids.DECK}'))")
    assert [s["title"] for s in stored] == ["Three", "Second"] and all(s["panels"] for s in stored)
    _shot(duo, "deck-list")
    assert duo.get_logs() == []


def test_prs005_a_panel_shows_it_is_updating_while_its_request_is_held(present_app):
    duo, _ = present_app
    _open(duo, "")
    assert not duo.driver.execute_script("return document.querySelector('.updating-badge')")
    HOLD["on"] = True
    duo.find_element(f"#{ids.SERIES_GRANULARITY} input[value=week]").click()
    until(lambda: duo.driver.execute_script("return document.querySelectorAll('.updating-badge').length") > 0,
          timeout=15)
    badge = duo.find_element(".updating-badge")
    assert badge.text == "Updating…" and badge.get_attribute("role") == "status"
    _shot(duo, "updating")
    HOLD["on"] = False
    until(lambda: duo.driver.execute_script("return document.querySelectorAll('.updating-badge').length") == 0,
          timeout=30)


# The comparison's borough names on screen: any two whose boxes overlap by more than 2 px either way.
NAMES_OVERLAP = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
const cat = gd.data[0].orientation === 'v' ? 'x' : 'y';
const boxes = [...gd.querySelectorAll('.' + cat + 'tick text')].map(t => t.getBoundingClientRect());
let worst = 0;
for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
  const a = boxes[i], b = boxes[j];
  worst = Math.max(worst, Math.min(Math.min(a.right, b.right) - Math.max(a.left, b.left),
                                   Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)));
}
return [gd.data[0].orientation, boxes.length, Math.round(worst)];
"""


def test_prs006_in_a_browser_window_at_1366x768_the_comparison_names_each_borough_legibly(present_app):
    # 1366x768 less the browser's chrome leaves ~12 px a row for 33 names at 16 px: they were drawn over each other.
    # The slide draws columns instead, the names under them; off the slide the bars are the server's again.
    duo, _ = present_app
    _size(duo, 1366, 625)
    _open(duo, "present=1")
    until(lambda: duo.driver.execute_script(NAMES_OVERLAP, ids.COMPARE_GRAPH)[0] == "v", timeout=15)
    time.sleep(0.5)  # the refit's text sizes
    orientation, names, overlap = duo.driver.execute_script(NAMES_OVERLAP, ids.COMPARE_GRAPH)
    assert names == 33 and overlap <= 2, (orientation, names, overlap)
    until(lambda: min(s for s, _ in duo.driver.execute_script(SLIDE_TEXT)) >= 16, timeout=15)
    assert duo.driver.execute_script(SCROLLS) == [0, 0]
    _shot(duo, "present-1366x625-comparison-columns")
    duo.find_element("body").send_keys(Keys.ESCAPE)  # leaves presentation mode
    until(lambda: duo.driver.execute_script(NAMES_OVERLAP, ids.COMPARE_GRAPH)[:2] == ["h", 33], timeout=15)
    assert duo.get_logs() == []


LONDON_IN_MAP = """
// What is seen of the map: its box, cut by the panel and the band key under it.
const m = document.querySelector('.map').getBoundingClientRect(), key = document.querySelector('.map-panel .band-legend');
const box = {top: m.top, left: m.left, right: m.right, bottom: Math.min(m.bottom,
    document.querySelector('.map-panel').getBoundingClientRect().bottom, key ? key.getBoundingClientRect().top : m.bottom)};
const parts = [...document.querySelectorAll('.map .leaflet-boroughs-pane path.leaflet-interactive')].map(p => p.getBoundingClientRect())
    .filter(r => r.width > 0);
if (!parts.length) return null;
return [Math.round(Math.min(...parts.map(r => r.top)) - box.top), Math.round(box.bottom - Math.max(...parts.map(r => r.bottom))),
        Math.round(Math.min(...parts.map(r => r.left)) - box.left), Math.round(box.right - Math.max(...parts.map(r => r.right)))];
"""


def test_prs007_the_slide_map_shows_all_of_london_in_a_browser_window_at_1366x768(present_app):
    # Leaflet kept the page's map height when the slide made its box shorter (526 px for 432): the south was cut off
    duo, _ = present_app
    _size(duo, 1366, 625)
    _open(duo, "present=1")
    # the slide laid out (the comparison refitted to it), then the map's boroughs all within what is seen
    until(lambda: duo.driver.execute_script(NAMES_OVERLAP, ids.COMPARE_GRAPH)[0] == "v", timeout=15)
    until(lambda: duo.driver.execute_script(LONDON_IN_MAP) is not None, timeout=15)
    time.sleep(1.0)  # Leaflet's own redraw after the box changed
    edges = duo.driver.execute_script(LONDON_IN_MAP)
    assert min(edges) >= 0, edges  # top, bottom, left, right margins in px
    _shot(duo, "present-1366x625-map")
    assert duo.get_logs() == []
