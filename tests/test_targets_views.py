"""Issue 17's views on stores seeded by the loader from the real files (SQLite and PostgreSQL), their CSV
exports through the real callback route, and event markers on the usage time series.

Hand-read from the files: DfT's London row (E12000007) has 7,865 devices at 2021-10-01 and 11,028 at 2022-10-01
(LA table), 1,216 rapid at 2024-07-01 and 1,431 at 2025-07-01 (July 2025 rapid table)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from app import create_app
from bench.dash_http import post
from data import queries
from data.loader.sources.context import DEFAULT_FILES
from layouts import ids
from state.selection import default_state
from tests.sources_util import load, new_store
from views import peers, targets, where_next
from views.common import Source

FILES = (("boundaries", "london_boroughs_simplified.geojson"), ("dft-devices", "dft_ev_charging_devices_by_la_2019_2022.csv"),
         ("dft-devices", "dft_rapid_devices_london_2019_2025.csv"), ("population", "london_borough_population_area.csv"),
         ("plugin-vehicles", "london_plugin_vehicles_by_borough_quarterly_approx.csv"))


def seed_real(url: str, shared_data) -> None:
    engine = new_store(url)
    for source, name in FILES:
        load(engine, source, shared_data / name)
    for source, path in DEFAULT_FILES.items():
        load(engine, source, path)


@pytest.fixture
def real_url(store_url, shared_data):
    seed_real(store_url, shared_data)
    return store_url


def _src(url: str) -> Source:
    return Source(url, queries.data_version(url))


def test_tgv001_tracker_on_the_real_files(real_url):
    app = create_app(real_url)
    with app.server.test_request_context():
        state = {**default_state(None), "boroughs": ["E09000033"]}
        total, _ = targets.frame(_src(real_url), state)
        rapid, _ = targets.frame(_src(real_url), {**state, "track": "dft_rapid", "basis": "plugin_vehicles"})
        near, _ = peers.frame(_src(real_url), state)
    t = total.track
    assert (t.latest["devices"], t.latest["quarter"]) == (11028, pd.Timestamp("2022-10-01"))
    assert t.run_rate == (11028 - 7865) / 4 and t.target == 40000 and (t.low, t.high) == (40000, 60000)
    # 28,972 to go at 790.75 a quarter: 36.6 -> 37 quarters after Oct 2022 = Jan 2032
    assert t.reached == pd.Timestamp("2032-01-01")
    assert rapid.track.run_rate == (1431 - 1216) / 4 and rapid.devices_quarter == pd.Timestamp("2025-07-01")
    assert len(total.boroughs) == 33 and total.boroughs["target_share"].sum() == pytest.approx(40000)
    # by plug-in vehicles: the shares add up to the target too, and every borough has a count
    assert rapid.boroughs["target_share"].sum() == pytest.approx(4000) and rapid.boroughs["devices"].notna().all()
    # 9,002,425 residents (mid-2020, the 33 boroughs) / 40,000 devices
    assert where_next.ratio_text(total).startswith("London's target ratio: 225 residents per public charging device")
    assert near["name"].iloc[0] == "Westminster" and len(near) == 6 and near["distance"].is_monotonic_increasing


def _download(app, button: str, output: str, state: dict) -> tuple[str, pd.DataFrame]:
    resp = post(app, output, {f"{button}.n_clicks": 1, f"{ids.STATE}.data": state}, [f"{button}.n_clicks"])
    data = resp.get_json()["response"][output]["data"]
    return data["filename"], pd.read_csv(io.StringIO(data["content"]))


def test_tgv002_csv_exports_carry_the_figures_and_their_sources(real_url):
    app = create_app(real_url)
    state = {**default_state(None), "boroughs": ["E09000033"], "track": "dft_rapid"}
    name, tracker = _download(app, ids.TARGETS_CSV, ids.TARGETS_DOWNLOAD, state)
    assert name == "london-ev-2030-tracker-dft_rapid-population.csv"
    london = tracker[tracker["row"] == "London devices"]
    assert london["devices"].iloc[-1] == 1431 and len(tracker[tracker["row"].str.startswith("borough")]) == 33
    assert tracker["counts_source"].str.contains("dft_rapid_devices_london_2019_2025.csv").all()
    assert tracker["target_source"].str.contains("Infrastructure Strategy").all()
    _, ranking = _download(app, ids.WHERE_CSV, ids.WHERE_DOWNLOAD, state)
    assert list(ranking["rank"]) == list(range(1, 34)) and ranking["devices_needed"].is_monotonic_decreasing
    assert ranking["ratio"].iloc[0] == pytest.approx(ranking["basis"].sum() / 4000)
    _, near = _download(app, ids.PEERS_CSV, ids.PEERS_DOWNLOAD, state)
    assert near["gss_code"].iloc[0] == "E09000033" and {"density", "z_density", "distance", "method"} <= set(near)


def test_tgv003_local_events_mark_the_usage_series_and_can_be_hidden(demo_sqlite, tmp_path):
    engine = new_store(demo_sqlite)
    local = tmp_path / "local.csv"
    local.write_text("date,title,detail,scope,kind,source\n"
                     "2022-12-15,On-street scheme live,200 lamp-post chargers,E09000033,local,Westminster cabinet\n"
                     "2022-12-20,Elsewhere,not shown,E09000001,local,City\n", encoding="utf-8")
    load(engine, "events", local)
    app = create_app(demo_sqlite)
    with app.server.test_request_context():
        from callbacks.common import validated

        state = validated({"boroughs": ["E09000033"], "metric": "sessions"})
    def figure(st):
        resp = post(app, ids.SERIES_GRAPH, {f"{ids.STATE}.data": st}, [f"{ids.STATE}.data"])
        return resp.get_json()["response"][ids.SERIES_GRAPH]["figure"]
    shown = [t for t in figure(state)["data"] if t.get("name") == "Events"]
    assert len(shown) == 1 and len(shown[0]["text"]) == 1 and "On-street scheme live" in shown[0]["text"][0]
    assert not [t for t in figure({**state, "events": "off"})["data"] if t.get("name") == "Events"]
