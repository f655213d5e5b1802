"""Headless Chromium: the 2030 tracker, where next and peer boroughs drawn from the real public files alone
(boundaries, DfT counts, population, plug-in vehicles, the shipped targets and events), loaded with the real
loader; linked to the map, in the link, and their controls follow a link.

Figures checked here were read off the files themselves: DfT's London row (E12000007) holds 11,028 devices at
2022-10-01 in the LA table and 1,431 rapid devices at 2025-07-01 in the July 2025 rapid table."""

from __future__ import annotations

import re

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains

from app import create_app
from layouts import ids
from tests.conftest import run_loader

pytestmark = pytest.mark.browser

BOROUGH_PATHS = ".leaflet-boroughs-pane path.leaflet-interactive"
CLICK_LARGEST_BOROUGH = """
const paths = [...document.querySelectorAll(arguments[0])];
const area = p => { const r = p.getBoundingClientRect(); return r.width * r.height; };
paths.sort((a, b) => area(b) - area(a));
const r = paths[0].getBoundingClientRect();
paths[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window,
                                               clientX: r.x + r.width / 2, clientY: r.y + r.height / 2}));
"""
WESTMINSTER = "E09000033"
PNG_OF_GRAPH = """
const done = arguments[arguments.length - 1];
const gd = document.getElementById(arguments[0]).querySelector('.js-plotly-plot');
const opts = gd._context.toImageButtonOptions;
Plotly.toImage(gd, {format: opts.format, width: opts.width, height: opts.height, scale: opts.scale})
    .then(url => done({url: url.slice(0, 40), opts: opts})).catch(e => done({error: String(e)}));
"""


@pytest.fixture(scope="module")
def real_store(tmp_path_factory, shared_data):
    """Only the real files, through the loader CLI (the shipped targets and events too); the tests only read it."""
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('real') / 'store.db'}"
    for source, name in (("boundaries", "london_boroughs_simplified.geojson"),
                         ("dft-devices", "dft_ev_charging_devices_by_la_2019_2022.csv"),
                         ("dft-devices", "dft_rapid_devices_london_2019_2025.csv"),
                         ("population", "london_borough_population_area.csv"),
                         ("plugin-vehicles", "london_plugin_vehicles_by_borough_quarterly_approx.csv")):
        run_loader(sqlite_url, "load", source, str(shared_data / name))
    run_loader(sqlite_url, "load", "targets", "data/reference/targets.csv")
    run_loader(sqlite_url, "load", "events", "data/reference/events.csv")
    return sqlite_url


@pytest.fixture
def context_app(dash_duo, real_store, free_port):
    dash_duo.start_server(create_app(real_store), port=free_port)
    dash_duo.wait_for_element(f"#{ids.TARGETS_GRAPH} .scatterlayer .trace", timeout=90)
    dash_duo.wait_for_element(f"#{ids.WHERE_GRAPH} .bars .point", timeout=30)
    until(lambda: len(dash_duo.find_elements(BOROUGH_PATHS)) == 33, timeout=30)
    until(dash_duo._wait_for_callbacks, timeout=30, poll=0.2)
    # no smooth scrolling (Bootstrap's): a screen-point click must not land while the window still moves
    dash_duo.driver.execute_script("document.documentElement.style.scrollBehavior = 'auto'")
    return dash_duo


def _js(duo, script, *args):
    return duo.driver.execute_script(script, *args)


def _text(duo, element_id: str) -> str:
    return _js(duo, "return document.getElementById(arguments[0]).textContent", element_id)


def _click(duo, selector: str) -> None:
    """A control below the fold: scrolled into view and clicked as a user would."""
    duo.driver.execute_script("const e = document.querySelector(arguments[0]);"
                              "e.scrollIntoView({block: 'center'}); e.click()", selector)


def _search(duo) -> dict:
    return dict(re.findall(r"([a-z]+)=([^&]*)", _js(duo, "return window.location.search")))


def _legend(duo, graph_id: str) -> list[str]:
    return _js(duo, "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)",
               f"#{graph_id} .legendtext")


def test_tgb001_tracker_and_where_next_from_the_real_files(context_app):
    duo = context_app
    duo.wait_for_contains_text(f"#{ids.TARGETS_SUMMARY}", "London had 11,028 public charging devices in Oct 2022",
                               timeout=45)
    assert "against a target of 40,000 by Dec 2030" in _text(duo, ids.TARGETS_SUMMARY)
    legend = _legend(duo, ids.TARGETS_GRAPH)
    assert "Straight line to the target" in legend and "Events" in legend
    assert any(x.startswith("Target: 40,000 by Dec 2030 (range 40,000-60,000)") for x in legend)
    assert len(duo.find_elements(f"#{ids.WHERE_GRAPH} .bars .point")) == 33
    assert len(duo.find_elements(f"#{ids.WHERE_GRAPH} .bars .point text")) == 33  # the figure on every bar
    assert "225 residents per public charging device" in _text(duo, ids.WHERE_GRAPH)
    # the share table is built only when its <details> opens (issue 19), then has every borough
    assert duo.find_elements(f"#{ids.TARGETS_TABLE} tbody tr") == []
    _click(duo, f"#{ids.TARGETS_TABLE_DETAILS} summary")
    until(lambda: len(duo.find_elements(f"#{ids.TARGETS_TABLE} tbody tr")) == 33, timeout=45)
    # the rapid target, by plug-in vehicles: the controls set the state, and the link carries it
    _click(duo, f"#{ids.TARGETS_TRACK} input[value='dft_rapid']")
    duo.wait_for_contains_text(f"#{ids.TARGETS_SUMMARY}", "London had 1,431 rapid charging devices in Jul 2025",
                               timeout=45)
    _click(duo, f"#{ids.TARGETS_BASIS} input[value='plugin_vehicles']")
    until(lambda: "plug-in vehicles per rapid charging device" in _text(duo, ids.WHERE_GRAPH), timeout=45)
    until(lambda: (_search(duo).get("track"), _search(duo).get("basis")) == ("dft_rapid", "plugin_vehicles"),
          timeout=45)
    # events hidden: gone from the tracker, and the link says so
    _click(duo, f"#{ids.SERIES_EVENTS} input[value='off']")  # on the time series, up the page
    _js(duo, "document.getElementById(arguments[0]).scrollIntoView({block: 'center'})", ids.TARGETS_GRAPH)
    until(lambda: "Events" not in _legend(duo, ids.TARGETS_GRAPH), timeout=45)  # drawn once back in sight
    until(lambda: _search(duo).get("events") == "off", timeout=45)
    assert duo.get_logs() == []


def test_tgb002_a_borough_clicked_anywhere_is_followed_and_compared_with_its_peers(context_app):
    duo = context_app
    assert "Select a borough" in _text(duo, ids.PEERS_MESSAGE)
    _js(duo, CLICK_LARGEST_BOROUGH, BOROUGH_PATHS)  # the map
    _js(duo, "document.getElementById(arguments[0]).scrollIntoView({block: 'center'})", ids.PEERS_GRAPH)
    duo.wait_for_contains_text(f"#{ids.PEERS_SUMMARY}", "Boroughs most like", timeout=45)  # drawn once in sight
    picked = re.search(r"most like (.+?):", _text(duo, ids.PEERS_SUMMARY)).group(1)
    assert len(duo.find_elements(f"#{ids.PEERS_GRAPH} .bars .point")) == 5
    assert len(duo.find_elements(f"#{ids.PEERS_TABLE} tbody tr")) == 6
    bold = _js(duo, "return [...document.querySelectorAll(arguments[0])].map(e => e.innerHTML)",
               f"#{ids.WHERE_GRAPH} .ytick text")
    assert [b for b in bold if "bold" in b and picked in b]  # where next writes the selected borough in bold
    _click(duo, f"#{ids.PEERS_COMPARE}")
    until(lambda: len(_search(duo).get("boroughs", "").split(",")) == 6, timeout=45)
    until(lambda: len(duo.find_elements(f"#{ids.WHERE_GRAPH} .ytick text")) == 33, timeout=45)
    # a bar on where next selects (toggles) that borough everywhere: the top bar, Croydon (all devices, residents)
    top = duo.find_elements(f"#{ids.WHERE_GRAPH} .bars .point path")
    ActionChains(duo.driver).move_to_element(top[0]).click().perform()
    until(lambda: len(_search(duo).get("boroughs", "").split(",")) in (5, 7), timeout=45)
    assert duo.get_logs() == []


def test_tgb003_a_link_sets_the_panels_and_their_controls(context_app):
    duo = context_app
    duo.driver.get(f"{duo.server_url}/?boroughs={WESTMINSTER}&track=dft_rapid&basis=plugin_vehicles&events=off")
    duo.wait_for_contains_text(f"#{ids.PEERS_SUMMARY}", "Boroughs most like Westminster: Hammersmith and Fulham",
                               timeout=30)
    duo.wait_for_contains_text(f"#{ids.TARGETS_SUMMARY}", "1,431 rapid charging devices", timeout=45)
    checked = "return document.querySelector(arguments[0] + ' input:checked').value"
    until(lambda: _js(duo, checked, f"#{ids.TARGETS_TRACK}") == "dft_rapid", timeout=45)
    assert _js(duo, checked, f"#{ids.TARGETS_BASIS}") == "plugin_vehicles"
    assert _js(duo, checked, f"#{ids.SERIES_EVENTS}") == "off"
    assert "Events" not in _legend(duo, ids.TARGETS_GRAPH)
    # each panel's camera button saves a slide-sized PNG named for it, its subtitle carrying the sources
    duo.driver.set_script_timeout(60)
    for graph, name, source in ((ids.TARGETS_GRAPH, "london-ev-2030-tracker", "Counts: DfT"),
                                (ids.WHERE_GRAPH, "london-ev-where-next", "devices: DfT"),
                                (ids.PEERS_GRAPH, "london-ev-peers", "sources:")):
        duo.wait_for_contains_text(f"#{graph} .gtitle-subtitle", source, timeout=45)
        out = duo.driver.execute_async_script(PNG_OF_GRAPH, graph)
        assert "error" not in out and out["url"].startswith("data:image/png"), out
        assert (out["opts"]["filename"], out["opts"]["width"], out["opts"]["scale"]) == (name, 1920, 2)
    assert duo.get_logs() == []


def _tracker_slide(duo, height: int) -> None:
    """Presentation mode at 1366 x ``height``, the slide showing the tracker and where next."""
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1366, "height": height, "deviceScaleFactor": 1, "mobile": False})
    duo.driver.get(f"{duo.server_url}/?present=1")
    duo.wait_for_element(f"#{ids.WHERE_GRAPH} .bars .point", timeout=45)
    _js(duo, "document.documentElement.setAttribute('data-slide', 'tracker where-next');"
             "document.documentElement.setAttribute('data-slide-n', '2');"
             "window.dispatchEvent(new Event('resize'));")


def test_tgb004_the_tracker_and_where_next_make_a_slide(context_app):
    # issue 17: "can be a deck slide": a slide showing the tracker and where next fits a 1366x768 screen, its
    # chart text at least 16 px, the other panels and the controls off the slide
    duo = context_app
    _tracker_slide(duo, 768)
    shown = ("return [...document.querySelectorAll('.panels > .panel')]"
             ".filter(p => getComputedStyle(p).display !== 'none').map(p => p.className)")
    until(lambda: sorted(_js(duo, shown)) == ["panel targets-panel", "panel where-next-panel"], timeout=15)
    sizes = ("return [...document.querySelectorAll('.targets-panel .js-plotly-plot text, "
             ".where-next-panel .js-plotly-plot text')].filter(t => t.getBoundingClientRect().width > 0 && "
             "t.textContent.trim() && !t.closest('.hoverlayer')).map(t => parseFloat(getComputedStyle(t).fontSize))")
    until(lambda: _js(duo, sizes) and min(_js(duo, sizes)) >= 16, timeout=15)
    assert _js(duo, "const d = document.documentElement; "
                    "return [d.scrollHeight - window.innerHeight, d.scrollWidth - window.innerWidth]") == [0, 0]
    assert duo.find_element(".targets-panel .panel-export").rect["width"] <= 1  # the CSV button is off the slide
    assert duo.get_logs() == []


FITS = """
const out = [];
for (const id of arguments) {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot'), box = gd.getBoundingClientRect();
  const title = gd.querySelector('.gtitle'), labels = [...gd.querySelectorAll('.bartext')];
  out.push([id, title ? Math.round(title.getBoundingClientRect().right - box.right) : null,
            labels.length ? Math.round(Math.max(...labels.map(t => t.getBoundingClientRect().right)) - box.right) : null]);
}
return out;
"""


def test_tgb005_a_half_width_slide_in_a_browser_window_cuts_no_title_and_no_bar_label(context_app):
    # 1366x768 less the browser's chrome: the tracker's title (73 characters) was cut at the chart's right edge and
    # where next's longest bar's label touched it; both must end inside the chart, with a few pixels to spare
    duo = context_app
    _tracker_slide(duo, 625)
    until(lambda: _js(duo, "return document.querySelector('#' + arguments[0] + ' .js-plotly-plot')"
                           ".layout.meta.evFit.startsWith('true')", ids.WHERE_GRAPH), timeout=15)
    until(lambda: [t <= -2 for _, t, _ in _js(duo, FITS, ids.TARGETS_GRAPH, ids.WHERE_GRAPH)] == [True, True],
          timeout=15)
    until(lambda: _js(duo, FITS, ids.WHERE_GRAPH)[0][2] <= -2, timeout=15)
    assert duo.get_logs() == []
