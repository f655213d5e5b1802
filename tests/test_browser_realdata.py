"""Headless Chromium on the public data London actually has (../shared/data: boundaries, both registry files,
both DfT tables, population, plug-in vehicles; no demo, no sessions), then with a few months of sessions.

Issue 14: every panel must be meaningful on this store: a device metric by default, no "0 - 0" legend class,
no chart of zeros, DfT's quarters drawn, the header's count equal to the store's, provenance with the data's
own dates; usage comes alive for exactly the months and boroughs a sessions file covers.
"""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests
from dash.testing.wait import until
from sqlalchemy import create_engine, select

from app import create_app
from data import metrics, schema
from data import spans as data_spans
from data.loader.status import store_status
from layouts import ids
from tests.conftest import run_loader
from views.availability import NO_SESSIONS

pytestmark = pytest.mark.browser

ARTEFACTS = Path(__file__).parent / "artefacts"  # git-ignored
REAL_FILES = (  # README "Loading real data", in its order: boundaries first
    ("boundaries", "London_Borough_Excluding_MHW.geojson"),
    ("ncr", "ncpr_uk_snapshot_2017-11_full.csv"),
    ("ncr", "ncpr_london_subset_2019-2020.csv"),
    ("dft-devices", "dft_ev_charging_devices_by_la_2019_2022.csv"),
    ("dft-devices", "dft_rapid_devices_london_2019_2025.csv"),
    ("population", "london_borough_population_area.csv"),
    ("plugin-vehicles", "london_plugin_vehicles_by_borough_quarterly_approx.csv"),
)
SESSION_MONTHS = ("2020-03", "2020-04", "2020-05")
FIGURE = """
const el = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
if (!el) { return null; }
const plain = v => (v === undefined || v === null) ? [] : Array.from(v, x => (typeof x === 'number' && !isFinite(x)) ? null : x);
return {data: el._fullData.map(t => ({name: t.name, orientation: t.orientation, x: plain(t.x), y: plain(t.y)})),
        layout: el.layout, range: el._fullLayout.xaxis.range};
"""


@pytest.fixture(scope="module")
def real_store(tmp_path_factory, shared_data) -> Path:
    """A SQLite store loaded only from the public files, with the loader's own commands."""
    path = tmp_path_factory.mktemp("real") / "real.sqlite"
    for source, name in REAL_FILES:
        run_loader(f"sqlite:///{path}", "load", source, str(shared_data / name))
    return path


def _open(duo, url: str, port: int, query: str = "") -> None:
    duo.start_server(create_app(url), port=port)
    if query:
        duo.driver.get(f"{duo.server_url}/?{query}")
    duo.wait_for_contains_text(f"#{ids.MAP_COUNT}", "devices shown", timeout=60)
    until(duo._wait_for_callbacks, timeout=60, poll=0.2)


def _figure(duo, graph_id: str) -> dict | None:
    return duo.driver.execute_script(FIGURE, graph_id)


def _state(duo) -> dict:
    """The view's state: from the link once the app has pushed one, else (a page just opened: the app pushes
    only changes, issue 19) the state the page was served with."""
    search = duo.driver.execute_script("return window.location.search")
    if search:
        return {k: v[-1] for k, v in parse_qs(search.lstrip("?")).items()}
    layout = requests.get(f"{duo.server_url}/_dash-layout", timeout=30).json()
    return _find_store(layout, ids.STATE)


def _find_store(node, store_id: str):
    """The data of the component ``store_id`` in a /_dash-layout tree."""
    if isinstance(node, dict):
        if (node.get("props") or {}).get("id") == store_id:
            return node["props"]["data"]
        children = [*node.values()]
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find_store(child, store_id)
        if found is not None:
            return found
    return None


def _numbers(trace: dict) -> list[float]:
    values = trace.get("x") if trace.get("orientation") == "h" else trace.get("y")
    return [float(v) for v in (values or []) if isinstance(v, int | float)]


def test_real001_public_data_only_every_panel_meaningful(dash_duo, real_store, free_port):
    url = f"sqlite:///{real_store}"
    engine = create_engine(url)
    status = store_status(engine)
    spans = data_spans.spans(engine)
    with engine.connect() as conn:
        o = schema.official_device_stats.c
        quarters = {str(q)[:10] for (q,) in conn.execute(select(o.quarter).distinct().where(
            o.la_code.like("E09%"), o.total_devices.is_not(None)))}
    _open(dash_duo, url, free_port)
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",  # the viewport itself 1920x1080
                                    {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    dash_duo.wait_for_element(f"#{ids.SERIES_GRAPH} .scatterlayer .trace", timeout=30)

    state = _state(dash_duo)
    assert not metrics.metric(state["metric"]).usage and state["metric"] == "official_devices"

    legend = [e.text for e in dash_duo.find_elements(f"#{ids.MAP_LEGEND} .legend-row")]
    assert legend and not [t for t in legend if re.fullmatch(r"\s*(\S+)\s*–\s*\1\s*", t)]

    for graph in (ids.SERIES_GRAPH, ids.COMPARE_GRAPH):
        fig = _figure(dash_duo, graph)
        values = [v for t in fig["data"] for v in _numbers(t)]
        assert values and any(v != 0 for v in values), graph

    series = _figure(dash_duo, ids.SERIES_GRAPH)
    drawn = {str(x)[:10] for t in series["data"] for x in (t.get("x") or []) if x}
    assert quarters and quarters <= drawn  # DfT's series over every quarter it gives
    lo, hi = (str(v)[:10] for v in series["range"])
    assert lo <= min(quarters) and hi >= max(quarters)
    assert min(quarters) <= state["from"] <= state["to"] <= max(quarters)

    header = dash_duo.find_element("#kf-devices .kf-value").text
    shown = dash_duo.find_element(f"#{ids.MAP_COUNT}").text
    london = status["counts"]["london_devices"]
    assert int(header.replace(",", "")) == london == int(shown.split(" of ")[0].replace(",", ""))
    assert status["devices_by_band"].get("unknown")  # the 2019-2020 file's devices, counted and shown

    registry = data_spans.label(spans[spans["kind"] == "devices"].iloc[0])
    assert registry.startswith("registry snapshot ")
    compare = _figure(dash_duo, ids.COMPARE_GRAPH)
    assert registry in compare["layout"]["title"]["subtitle"]["text"]
    assert registry in dash_duo.find_element(f"#{ids.HEADER_AS_OF}").text
    ARTEFACTS.mkdir(exist_ok=True)
    dash_duo.driver.save_screenshot(str(ARTEFACTS / "realdata-1920x1080.png"))
    assert dash_duo.get_logs() == []


def _sessions_file(path: Path, devices: list[str]) -> Path:
    """Two sessions a day for each device, every day of the three months."""
    rows = []
    for month in SESSION_MONTHS:
        day = datetime.fromisoformat(f"{month}-01")
        while day.strftime("%Y-%m") == month:
            for device in devices:
                for hour in (8, 18):
                    start = day.replace(hour=hour)
                    rows.append((device, start.isoformat(sep=" "), (start + timedelta(hours=2)).isoformat(sep=" "),
                                 "12.5"))
            day += timedelta(days=1)
    with path.open("w", newline="") as f:
        csv.writer(f).writerows([("charger", "plug_in", "plug_out", "energy_kwh"), *rows])
    return path


def test_real002_sessions_bring_usage_alive_exactly_where_they_are(dash_duo, real_store, free_port, tmp_path):
    store = tmp_path / "with-sessions.sqlite"
    shutil.copy(real_store, store)
    url = f"sqlite:///{store}"
    d = schema.devices.c
    with create_engine(url).connect() as conn:
        picked = conn.execute(select(d.device_id, d.gss_code).where(d.gss_code.in_(("E09000007", "E09000033")))
                              .where(d.installed_on < date(2020, 1, 1)).order_by(d.device_id)).all()
    devices = [p.device_id for p in picked if p.gss_code == "E09000007"][:2] + \
        [p.device_id for p in picked if p.gss_code == "E09000033"][:1]
    boroughs = {p.gss_code for p in picked if p.device_id in devices}
    assert len(devices) == 3 and boroughs == {"E09000007", "E09000033"}
    run_loader(url, "load", "sessions-csv", str(_sessions_file(tmp_path / "s.csv", devices)),
               "--map", "charger=device", "--map", "plug_in=start", "--map", "plug_out=end",
               "--map", "energy_kwh=kwh", "--month-first")

    query = "metric=sessions&denominator=total&granularity=month&from=2020-01-01&to=2020-08-31"
    _open(dash_duo, url, free_port, f"{query}&boroughs=E09000007,E09000033,E09000001")
    dash_duo.wait_for_element(f"#{ids.SERIES_GRAPH} .scatterlayer .trace", timeout=30)
    series = _figure(dash_duo, ids.SERIES_GRAPH)
    alive = {t["name"]: {str(x)[:7] for x, y in zip(t["x"], t["y"], strict=True) if isinstance(y, int | float)}
             for t in series["data"] if t.get("x")}
    assert alive["Camden"] == alive["Westminster"] == set(SESSION_MONTHS)
    assert alive.get("City of London", set()) == set()  # no session data there: no figure, not 0
    compare = _figure(dash_duo, ids.COMPARE_GRAPH)
    with_bars = {n for t in compare["data"] if t["name"].endswith("London")
                 for n, v in zip(t["y"], t["x"], strict=True) if isinstance(v, int | float)}
    assert with_bars == {"Camden", "Westminster"}
    assert dash_duo.find_element("#kf-sessions .kf-value").text == f"{len(devices) * 2 * (31 + 30 + 31):,}"

    dash_duo.driver.get(f"{dash_duo.server_url}/?metric=sessions&from=2021-01-01&to=2021-12-31")
    dash_duo.wait_for_text_to_equal(f"#{ids.SERIES_MESSAGE}", NO_SESSIONS, timeout=30)
    dash_duo.wait_for_text_to_equal(f"#{ids.COMPARE_MESSAGE}", NO_SESSIONS, timeout=30)
    assert dash_duo.find_element("#kf-sessions .kf-value").text == "–"
    assert dash_duo.find_element(f"#{ids.HEADER_NOTE}").text == NO_SESSIONS
    assert dash_duo.get_logs() == []
