"""What the loaded data lets the page offer (views/availability.py), on the demo and on public files only, on
SQLite and PostgreSQL: bounds and the default period from the data's spans, the default metric, the metrics
and denominators that stay listed but disabled with their reason, and the one explained empty state."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import config
from app import create_app
from data import metrics, queries
from data.frames import official_at
from figures.caption import as_of_text, caption_text
from figures.mapdata import legend_rows
from layouts.filters import denominator_options, metric_note, metric_options
from state.selection import clean_state, default_state
from tests.conftest import run_loader
from tests.test_queries import ctx  # noqa: F401 - a fixture
from views import availability
from views.common import Source
from web.security import build_csp

pytestmark = pytest.mark.usefixtures("ctx")  # the queries run in an app context with a fresh cache


def _offer(url: str) -> availability.Offer:
    src = Source(url, queries.data_version(url))
    return availability.offer(src)


@pytest.fixture
def public_store(store_url: str, shared_data: Path) -> str:
    """Boundaries, the 2019-2020 registry file (no connector power) and DfT's rapid table only."""
    run_loader(store_url, "load", "boundaries", str(shared_data / "london_boroughs_simplified.geojson"))
    run_loader(store_url, "load", "ncr", str(shared_data / "ncpr_london_subset_2019-2020.csv"))
    run_loader(store_url, "load", "dft-devices", str(shared_data / "dft_rapid_devices_london_2019_2025.csv"))
    return store_url


def test_av001_public_files_open_on_dft_counts_with_usage_disabled_and_explained(public_store):
    off = _offer(public_store)
    assert off.metric == "official_rapid"  # the all-devices table is not loaded: DfT's rapid count
    assert off.period == ("2024-07-02", "2025-07-01")  # the latest year of that count, not of today
    assert off.bounds[0] <= "2019-10-01" and off.bounds[1] == "2025-07-01"
    assert off.denominator == "total" and off.sessions is None  # no population loaded, no sessions
    reasons = availability.metric_reasons(off)
    usage = {k for k, m in metrics.METRICS.items() if m.usage}
    assert {k for k, r in reasons.items() if r} == usage | {"plugin_vehicles_per_device", "occupancy", "reliability"}
    assert "sessions-csv, ocpi-cdrs" in reasons["sessions"]
    assert reasons["occupancy"] == reasons["reliability"] == metrics.missing_text("status")  # no status history
    options = {o["value"]: o for o in metric_options(reasons)}
    assert options["sessions"]["disabled"] and options["sessions"]["title"] == reasons["sessions"]
    assert not options["official_rapid"].get("disabled")
    dens = {o["value"]: o
            for o in denominator_options("official_rapid", availability.denominator_reasons(off, "official_rapid"))}
    assert dens["per_plugin"]["disabled"] and dens["per_100k"]["disabled"] and dens["per_device"]["disabled"]
    assert dens["per_plugin"]["label"].startswith("Plug-in vehicles per device")
    assert not dens["total"].get("disabled") and not dens["per_km2"].get("disabled")

    state = default_state(**availability.state_defaults(off))
    assert availability.unavailable(off, state) is None
    assert availability.unavailable(off, {**state, "metric": "sessions"}) == availability.NO_SESSIONS
    assert "plug-in vehicle" in availability.unavailable(off, {**state, "denominator": "per_plugin"})
    # A shared link for 2019-2022 is kept as asked; one reaching past the data is cut to it.
    link = clean_state({"from": "2019-01-01", "to": "2022-12-31"}, boroughs=set(), operators=set(),
                       **availability.state_defaults(off))
    assert (link["from"], link["to"]) == ("2019-01-01", "2022-12-31")
    late = clean_state({"from": "2024-01-01", "to": "2030-01-01"}, boroughs=set(), operators=set(),
                       **availability.state_defaults(off))
    assert late["to"] == "2025-07-01"


def test_av002_demo_opens_on_usage_over_the_last_year_of_sessions(demo_store):
    off = _offer(demo_store)
    assert off.metric == metrics.DEFAULT_METRIC and off.sessions is not None
    assert off.period[1] == off.sessions[1]  # the latest year of the session data, never today
    assert not any(availability.metric_reasons(off)[k] for k, m in metrics.METRICS.items() if m.usage)
    state = default_state(**availability.state_defaults(off))
    assert availability.unavailable(off, state) is None
    before = {**state, "from": off.bounds[0], "to": off.bounds[0]}
    assert off.bounds[0] < off.sessions[0] and availability.unavailable(off, before) == availability.NO_SESSIONS


def test_av008_the_demo_says_in_words_what_it_lacks(demo_store):
    # the demo has no DfT counts: the note under the metrics names them in words, one sentence each
    off = _offer(demo_store)
    note = metric_note(availability.metric_reasons(off))
    assert "No DfT device counts loaded." in note and "official_counts" not in note
    assert all(metrics.missing_text(kind).endswith(".") for kind in ("devices", "official_counts", "sessions",
                                                                      "population", "plugin_vehicles", "status",
                                                                      "boundaries", "something_new"))
    assert metrics.missing_text("something_new") == "No something new data loaded."


def test_av003_provenance_names_each_kind_with_its_own_date_and_when_loaded(public_store):
    src = Source(public_store, queries.data_version(public_store))
    prov = availability.provenance(src)
    assert prov["by_kind"]["official_counts"] == "DfT EV charging statistics, Jul 2025"
    assert prov["by_kind"]["devices"].startswith("registry snapshot ")
    header = as_of_text(prov)
    assert header.startswith("Data: ") and "loaded " in header and "DfT EV charging statistics, Jul 2025" in header
    state = {"metric": "official_rapid", "denominator": "total", "bands": [], "locations": [], "operators": []}
    caption = caption_text(prov, state, availability.caption_kinds(state))
    assert "DfT EV charging statistics, Jul 2025" in caption and "registry snapshot" in caption
    assert "population" not in caption


def test_av004_no_legend_class_reads_the_same_value_twice():
    rows = legend_rows([0.0, 0.0, 0.0, 3.0, 5.0, 9.0], lambda v: f"{v:g}")
    assert [label for _, label in rows] == ["0", "0 – 3", "3 – 5", "5 – 9"]
    assert [label for _, label in legend_rows([2.0] * 6, lambda v: f"{v:g}")] == ["2"]


def test_av005_official_counts_at_a_date_take_each_measure_latest_quarter():
    official = pd.DataFrame({"la_code": ["E09000001", "E09000001", "E09000001", "E12000007"],
                             "quarter": pd.to_datetime(["2022-10-01", "2025-04-01", "2025-07-01", "2025-07-01"]),
                             "total_devices": [10.0, None, None, 999.0], "rapid_devices": [1.0, 2.0, 3.0, 99.0]})
    row = official_at(official, "2025-05-01").iloc[0]
    assert (row["gss_code"], row["official_devices"], row["official_rapid"]) == ("E09000001", 10.0, 2.0)
    assert str(row["official_devices_quarter"])[:10] == "2022-10-01"
    assert str(row["official_rapid_quarter"])[:10] == "2025-04-01"
    assert official_at(official.iloc[:0], "2025-05-01").empty


def test_av006_plugin_vehicles_per_device_is_the_officers_ratio():
    sums = pd.DataFrame({"devices": [4.0, 0.0], "plugin_vehicles": [100.0, 50.0], "official_devices": [5.0, 2.0]})
    assert metrics.compute("devices", sums, "per_plugin").tolist()[0] == 25.0  # vehicles per device, not 0.04
    assert pd.isna(metrics.compute("devices", sums, "per_plugin").tolist()[1])  # no device: no figure
    assert metrics.compute("official_devices", sums, "per_plugin").tolist() == [20.0, 25.0]
    assert metrics.title("official_devices", "per_plugin") == "Plug-in vehicles per official device (DfT)"


def test_av007_basemap_is_openstreetmap_unless_tile_url_is_set_empty():
    osm = config.load({})
    assert osm.tile_url == config.OSM_TILES and "OpenStreetMap" in osm.tile_attribution
    assert "img-src 'self' data: blob: https://tile.openstreetmap.org;" in build_csp(create_app(settings=osm), osm.tile_url)
    offline = config.load({"TILE_URL": ""})
    assert offline.tile_url is None and offline.tile_attribution is None
    own = config.load({"TILE_URL": "https://tiles.example/{z}/{x}/{y}.png", "TILE_ATTRIBUTION": "© Example"})
    assert (own.tile_url, own.tile_attribution) == ("https://tiles.example/{z}/{x}/{y}.png", "© Example")
