"""Ratios officers use (issue 14 item 6) and metrics offered only from the data loaded (item 2, data side)."""

from __future__ import annotations

import pandas as pd

from data import frames, metrics


def test_mr001_plugin_vehicles_per_device_per_borough_and_for_london():
    boroughs = pd.DataFrame({"gss_code": ["A", "B", "C"], "name": ["a", "b", "c"], "inner_outer": "Inner",
                             "area_km2": 1.0, "population": 1e5, "plugin_vehicles": [1200.0, 300.0, 50.0]})
    counts = pd.DataFrame({"gss_code": ["A", "A", "B"], "power_band": ["slow", "unknown", "rapid"],
                           "devices": [30, 10, 20]})
    sums = frames.borough_sums(boroughs, pd.DataFrame(columns=["gss_code"]), counts, days=365)
    ranked, london = frames.ranking(sums, "plugin_vehicles_per_device", "per_100k")
    # A: 1,200 vehicles / 40 devices (the unknown band counts); B: 300 / 20; C has no device: no data, last.
    assert ranked["gss_code"].tolist() == ["A", "B", "C"]
    assert ranked["value"].tolist()[:2] == [30.0, 15.0] and pd.isna(ranked["value"].iloc[2])
    assert london == (1200 + 300 + 50) / 60  # all London's vehicles over all its devices, not per borough
    # Its own ratio: no denominator applies, whatever the page's choice.
    assert metrics.title("plugin_vehicles_per_device", "per_100k") == "Plug-in vehicles per device (vehicles)"
    assert metrics.fmt_value("plugin_vehicles_per_device", 25.04) == "25.0"


def test_mr002_a_metric_needing_data_not_loaded_says_which_and_how_to_load_it():
    real = {"devices", "official_counts", "population", "boundaries"}  # the public files, no sessions
    assert "sessions-csv, ocpi-cdrs" in metrics.unavailable("sessions", "total", real)
    assert "sessions-csv" in metrics.unavailable("utilisation", "per_100k", real)
    assert metrics.unavailable("devices", "per_100k", real) is None
    assert "plugin-vehicles" in metrics.unavailable("devices", "per_plugin", real)
    assert "plugin-vehicles" in metrics.unavailable("plugin_vehicles_per_device", "total", real)
    assert metrics.unavailable("plugin_vehicles_per_device", "total", real | {"plugin_vehicles"}) is None
    assert "population" in metrics.unavailable("devices", "per_100k", {"devices"})
