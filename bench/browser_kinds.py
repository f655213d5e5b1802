"""Each interaction kind the browser benchmark times: what it does to the page, alternating between two views
(so a warm run is a view the server has seen), and the input event its time starts from."""

from __future__ import annotations

import datetime as dt
import logging
import statistics

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from bench.browser import measure, settle, summary
from data import metrics
from layouts import ids

log = logging.getLogger(__name__)
DENOMS = list(metrics.DENOMINATORS)[:2]
METRICS = ["sessions", "energy"]


ARM = "window.__bench.arm(null);"  # the input's time is now: in the same script as the input itself


def _set(driver, cid: str, props: dict, arm: str = ARM) -> None:
    driver.execute_script(arm + "window.dash_clientside.set_props(arguments[0], arguments[1])", cid, props)


def bar(driver, i, dates):
    """A click on a bar (plotly_click with the bar's point, as Plotly emits it): selects, then deselects."""
    driver.execute_script(ARM + f"""var gd = document.querySelector('#{ids.COMPARE_GRAPH} .js-plotly-plot');
        var c = gd.data.findIndex(function (t) {{ return t.customdata && t.customdata.length > 3; }});
        gd.emit('plotly_click', {{points: [{{curveNumber: c, pointNumber: 3, customdata: gd.data[c].customdata[3]}}]}});""")


def borough(driver, i, dates):
    """A click on a borough of the choropleth (a DOM click on its SVG path, as Leaflet receives one)."""
    driver.execute_script(f"""var p = document.querySelectorAll(
        '#{ids.MAP} .leaflet-boroughs-pane path.leaflet-interactive')[7];  // a borough, not a device's circle
        var r = p.getBoundingClientRect();
        p.dispatchEvent(new MouseEvent('click', {{bubbles: true, cancelable: true, view: window,
            clientX: r.left + r.width / 2, clientY: r.top + r.height / 2}}));""")


def band(driver, i, dates):
    """A click on the "rapid" power band box: unticks, then ticks again."""
    driver.find_elements(By.CSS_SELECTOR, f"#{ids.FILTER_BANDS} input")[2].click()


def metric(driver, i, dates):
    """The metric changed (set as the dropdown sets it; the dropdown's own menu is not timed)."""
    _set(driver, ids.FILTER_METRIC, {"value": METRICS[(i + 1) % 2]})


def denominator(driver, i, dates):
    """The denominator changed, the same way."""
    _set(driver, ids.FILTER_DENOMINATOR, {"value": DENOMS[(i + 1) % 2]})


def typed_date(driver, i, dates):
    """A start date typed into the date picker (its display format, D MMM YYYY) and Enter pressed: one or two
    weeks into the period (a date after the end date is refused by the picker, and sends nothing)."""
    day = dt.date.fromisoformat(dates[0]) + dt.timedelta(days=7 * (1 + i % 2))
    box = driver.find_element(By.CSS_SELECTOR, "input.dash-datepicker-start-date")
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(f"{day.day} {day:%b %Y}", Keys.ENTER)


def dragged_date(driver, i, dates):
    """A drag across the time series (from 30 % to 60 % of its width), after the dates were reset."""
    layer = driver.find_element(By.CSS_SELECTOR, f"#{ids.SERIES_GRAPH} .nsewdrag")
    w = layer.size["width"]
    (ActionChains(driver).move_to_element(layer).move_by_offset(int(-w * 0.2), 0).click_and_hold()
     .move_by_offset(int(w * 0.1), 0).move_by_offset(int(w * 0.2), 0).release().perform())


KINDS = {"bar click": (bar, None), "map borough click": (borough, "click"), "band toggle": (band, "click"),
         "metric": (metric, None), "denominator": (denominator, None), "typed date": (typed_date, "keydown"),
         "dragged date": (dragged_date, "mouseup")}


def run_kind(driver, live, name: str, warm_n: int, cold_n: int, dates: tuple[str, str]) -> dict:
    """Two warm-up runs, ``warm_n`` warm and ``cold_n`` with the server's cache emptied just before the input."""
    act, latch = KINDS[name]
    warm, cold = [], []
    for i in range(2 + warm_n + cold_n):
        if name == "dragged date":  # the same drag on the same axis each time: the same view
            _set(driver, ids.FILTER_DATES, {"start_date": dates[0], "end_date": dates[1]}, arm="")
            settle(driver)
        is_cold = i >= 2 + warm_n
        run = measure(driver, lambda i=i: act(driver, i, dates), latch, before=live.clear_cache if is_cold else None)
        if run["requests"] == 0:
            log.warning("%s run %d sent no callback: the input did not reach the app", name, i)
        if i >= 2:
            (cold if is_cold else warm).append(run)
    return {"warm": summary(warm), "cold_server": summary(cold)}


def run_browser(live, dates: tuple[str, str], n: int = 10, loads: int = 3) -> dict:
    """First loads (cold, then warm browser cache) and every interaction kind, in one headless Chromium."""
    from bench.browser import chrome, first_load, sign_in

    driver = chrome()
    try:
        sign_in(driver, live.server.base, live.session.headers["Cookie"])
        out = {"first_load": {"cold": [], "warm": []}, "interactions": {}}
        for _ in range(loads):
            live.clear_cache()  # and the server's cache empty too: the first visit after a refresh
            out["first_load"]["cold"].append(first_load(driver, live.server.base, cold=True))
            out["first_load"]["warm"].append(first_load(driver, live.server.base, cold=False))
        for name in KINDS:
            log.info("browser: %s", name)
            first_load(driver, live.server.base, cold=False)  # each kind from the default view
            try:
                out["interactions"][name] = run_kind(driver, live, name, n, n, dates)
                log.info("browser: %s %s", name, out["interactions"][name])
            except Exception as exc:  # noqa: BLE001 - one kind failing must not lose the others' figures
                log.exception("browser: %s failed", name)
                out["interactions"][name] = {"error": repr(exc)[:300]}
        return out
    finally:
        driver.quit()


def table(b: dict) -> str:
    """The browser's figures: first loads, then one line per interaction kind (warm and cold server cache)."""
    rows = ["browser (headless Chromium 1920x1080, gunicorn as the Procfile runs it), ms from input to settled:"]
    for state, loads in b["first_load"].items():
        ms = [x["ms"] for x in loads]
        rows.append(f"  first load {state} browser cache: {min(ms):.0f}-{max(ms):.0f} ms (median "
                    f"{statistics.median(ms):.0f}), {loads[-1]['bytes'] / 1e6:.2f} MB on the wire, "
                    f"{loads[-1]['requests']} requests ({loads[-1]['from_cache']} from cache, "
                    f"{loads[-1]['callbacks']} callbacks)")
    rows.append(f"  {'interaction':18s} {'warm p50':>8s} {'warm p95':>8s} {'cold p50':>8s} {'cold p95':>8s} "
                f"{'requests':>8s} {'callbacks':>9s} {'depth':>5s} {'204s':>4s}")
    for name, r in b["interactions"].items():
        if "error" in r:
            rows.append(f"  {name:18s} failed: {r['error']}")
            continue
        w, c = r["warm"], r["cold_server"]
        rows.append(f"  {name:18s} {w['p50_ms']:8.0f} {w['p95_ms']:8.0f} {c['p50_ms']:8.0f} {c['p95_ms']:8.0f} "
                    f"{max(w['requests_max'], c['requests_max']):8d} {max(w['callbacks_max'], c['callbacks_max']):9d} "
                    f"{max(w['depth_max'], c['depth_max']):5d} {w['no_update_204'] + c['no_update_204']:4d}")
    return "\n".join(rows)
