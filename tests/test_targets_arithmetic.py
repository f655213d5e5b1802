"""The 2030 tracker, where next, peers and event markers: arithmetic against figures worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from figures.events import event_layer
from figures.peers import peer_bars
from figures.targets import tracker
from figures.where_next import needed_bars
from views import events, peers, targets

Q = pd.Timestamp


def official(rows):
    return pd.DataFrame(rows, columns=["la_code", "quarter", "total_devices", "rapid_devices"]).assign(
        quarter=lambda f: pd.to_datetime(f["quarter"]))


LONDON = official([("E12000007", q, v, v / 10) for q, v in [
    ("2023-01-01", 100), ("2023-04-01", 110), ("2023-07-01", 130), ("2023-10-01", 150), ("2024-01-01", 170),
    ("2024-04-01", 200)]])
TARGETS = pd.DataFrame({
    "name": ["B strategy range", "A manifesto", "C rapid"], "measure": ["dft_total", "dft_total", "dft_rapid"],
    "value": [1000.0, 1000.0, 100.0], "low": [900.0, None, None], "high": [1500.0, None, None],
    "target_date": pd.to_datetime(["2030-12-31"] * 3), "scope": ["E12000007"] * 3, "source": ["S1", "S2", "S3"],
    "source_url": [None] * 3})


def test_tgt001_run_rate_is_the_last_four_quarters_growth_over_four():
    series = targets.london_series(LONDON, "total_devices")
    # 2024-04-01: 200; four quarters earlier, 2023-04-01: 110 -> (200 - 110) / 4
    assert targets.run_rate(series) == 22.5
    assert targets.run_rate(series.head(4)) is None  # 2023-10 has no quarter four earlier loaded


def test_tgt002_needed_rate_over_the_days_left():
    # 2024-04-01 -> 2030-04-01: 6 x 365 + 1 leap day (29 Feb 2028) = 2191 days; -> 2030-12-31: 274 more = 2465
    assert targets.quarters_left(Q("2024-04-01"), Q("2030-12-31")) == pytest.approx(2465 / 91.3125)
    assert targets.needed_rate(200, Q("2024-04-01"), 1000, Q("2030-12-31")) == pytest.approx(800 / (2465 / 91.3125))
    assert targets.needed_rate(1200, Q("2024-04-01"), 1000, Q("2030-12-31")) == 0.0
    assert math.isinf(targets.needed_rate(200, Q("2031-01-01"), 1000, Q("2030-12-31")))


def test_tgt003_quarter_the_target_is_reached():
    # 800 devices to go at 22.5 a quarter: 35.6 -> 36 quarters = 9 years after 2024-04-01
    assert targets.quarter_reached(200, Q("2024-04-01"), 1000, 22.5) == Q("2033-04-01")
    assert targets.quarter_reached(200, Q("2024-04-01"), 1000, 0.0) is None
    assert targets.quarter_reached(200, Q("2024-04-01"), 1000, None) is None
    assert targets.quarter_reached(1000, Q("2024-04-01"), 1000, 5.0) == Q("2024-04-01")
    # exactly on a quarter: 800 / 200 = 4 quarters
    assert targets.quarter_reached(200, Q("2024-04-01"), 1000, 200.0) == Q("2025-04-01")


def test_tgt004_track_uses_the_point_target_and_draws_the_range():
    tr, reason = targets.track(LONDON, TARGETS, "dft_total")
    assert reason is None and tr.name == "A manifesto" and (tr.low, tr.high) == (900.0, 1500.0)
    assert (tr.run_rate, tr.reached) == (22.5, Q("2033-04-01"))
    assert tr.path.to_dict("list") == {"quarter": [Q("2023-01-01"), Q("2030-12-31")], "devices": [100.0, 1000.0]}
    rapid, _ = targets.track(LONDON, TARGETS, "dft_rapid")
    assert rapid.run_rate == pytest.approx(2.25) and (rapid.low, rapid.high) == (None, None)
    assert targets.track(LONDON.iloc[0:0], TARGETS, "dft_total") == (None, targets.NO_COUNTS)
    assert targets.track(LONDON, TARGETS[TARGETS["measure"] == "dft_rapid"], "dft_total") == (None, targets.NO_TARGET)


def test_tgt005_london_is_the_sum_of_the_boroughs_without_a_london_row():
    frame = official([("E09000001", "2024-01-01", 3, 1), ("E09000002", "2024-01-01", 4, 0),
                      ("E09000001", "2024-04-01", 5, 1), ("E09000002", "2024-04-01", 6, 2), ("E06000001", "2024-04-01", 99, 9)])
    assert targets.london_series(frame, "total_devices")["devices"].tolist() == [7, 11]


def test_tgt006_borough_share_gap_and_target_ratio():
    boroughs = pd.DataFrame({"gss_code": ["E09000001", "E09000002", "E09000003"], "name": ["A", "B", "C"],
                             "inner_outer": ["Inner", "Outer", "Outer"], "population": [100.0, 300.0, float("nan")],
                             "plugin_vehicles": [30.0, 10.0, 0.0]})
    devices = pd.Series({"E09000001": 4.0, "E09000002": 35.0})
    shares = targets.borough_shares(boroughs, devices, 40.0, "population").set_index("name")
    # London 400 residents / 40 devices = 10 residents per device; A: 100 / 10 = 10 less 4 = 6; B: 30 - 35 = -5
    assert shares.loc[["A", "B"], ["share", "target_share", "gap"]].to_dict("list") == {
        "share": [0.25, 0.75], "target_share": [10.0, 30.0], "gap": [6.0, -5.0]}
    assert shares["ratio"].iloc[0] == 10.0 and pd.isna(shares.loc["C", "gap"])
    by_plugins = targets.borough_shares(boroughs, devices, 40.0, "plugin_vehicles").set_index("name")
    # 40 plug-ins / 40 devices = 1 per device: A 30 - 4 = 26, B 10 - 35 = -25, C has no devices count: no gap
    assert by_plugins["gap"].tolist()[:2] == [26.0, -25.0] and list(by_plugins.index) == ["A", "B", "C"]
    assert by_plugins.loc["C", "target_share"] == 0.0 and pd.isna(by_plugins.loc["C", "gap"])


PEER_BOROUGHS = pd.DataFrame({
    "gss_code": ["E09000001", "E09000002", "E09000003", "E09000004", "E09000005"],
    "name": ["A", "B", "C", "D", "E"], "inner_outer": ["Inner", "Inner", "Outer", "Outer", "Outer"],
    "area_km2": [1.0, 1.0, 1.0, 1.0, 1.0], "population": [1000.0, 3000.0, 1000.0, 3000.0, 2000.0],
    "plugin_vehicles": [10.0, 30.0, 30.0, 90.0, float("nan")]})


def test_tgt007_peer_distances_by_hand():
    # E lacks plug-in vehicles, so it is left out. Then inner 1,1,0,0 -> z +1,+1,-1,-1 (mean 0.5, sd 0.5);
    # density 1000,3000,1000,3000 -> -1,+1,-1,+1 (mean 2000, sd 1000); plug-ins per 1,000 residents
    # 10,10,30,30 -> -1,-1,+1,+1 (mean 20, sd 10). From A (+1,-1,-1): B differs by 2 on one measure: 2;
    # C by 2 on two: sqrt(8); D by 2 on all three: sqrt(12).
    result = peers.peers(PEER_BOROUGHS, "E09000001")
    assert result["name"].tolist() == ["A", "B", "C", "D"]
    assert result["distance"].tolist() == pytest.approx([0.0, 2.0, math.sqrt(8), math.sqrt(12)])
    assert result.set_index("name").loc["D", ["z_inner", "z_density", "z_plugins_per_1000"]].tolist() == [-1, 1, 1]
    assert peers.peers(PEER_BOROUGHS, "E09000005").empty


def test_tgt008_five_peers_and_a_measure_with_no_spread():
    many = pd.DataFrame({"gss_code": [f"E090000{n:02d}" for n in range(1, 9)], "name": list("ABCDEFGH"),
                         "inner_outer": ["Outer"] * 8, "area_km2": [1.0] * 8,
                         "population": [1000.0 * n for n in range(1, 9)], "plugin_vehicles": [10.0 * n for n in range(1, 9)]})
    result = peers.peers(many, "E09000001")
    # inner/outer and plug-ins per 1,000 (10 each) have no spread: z 0; density 1000..8000 alone decides
    assert result["name"].tolist() == ["A", "B", "C", "D", "E", "F"]
    sd = pd.Series([1000.0 * n for n in range(1, 9)]).std(ddof=0)
    assert result["distance"].tolist() == pytest.approx([0.0] + [1000.0 * k / sd for k in range(1, 6)])


def test_tgt009_event_markers_in_the_period_and_for_the_areas_shown():
    ev = pd.DataFrame({"date": pd.to_datetime(["2019-04-08", "2023-08-29", "2024-03-01", "2024-05-01"]),
                       "title": ["ULEZ", "ULEZ all", "Local A", "Local B"], "detail": ["", "", "", ""],
                       "gss_code": [None, None, "E09000001", "E09000002"], "kind": ["policy"] * 2 + ["local"] * 2,
                       "source": ["TfL"] * 4})
    shown = events.markers(ev, "2023-01-01", "2024-12-31", ("E09000001",))
    assert shown["title"].tolist() == ["ULEZ all", "Local A"]
    traces, layout = event_layer(shown)
    assert len(layout["shapes"]) == 2 and "Local A" in traces[0]["text"][1] and "TfL" in traces[0]["text"][1]
    assert event_layer(None) == ([], {}) and event_layer(shown.iloc[0:0]) == ([], {})


def test_tgt010_figures_are_valid_plotly():
    tr, _ = targets.track(LONDON, TARGETS, "dft_total")
    fig = tracker(tr, title="t", subtitle="s", label="devices", events=pd.DataFrame({
        "date": [Q("2023-08-29")], "title": ["ULEZ"], "detail": ["x"], "source": ["TfL"]}))
    go.Figure(fig.to_plotly_json())  # validates every property
    names = [t.name for t in fig.data]
    assert names[:3] == ["London, DfT official devices", "Straight line to the target",
                         "At the last four quarters' run-rate (22 a quarter)"]
    # projection: 200 + 22.5 a quarter from 2024-04-01, 26 whole quarters to the target date
    assert fig.data[2].y[-1] == 200 + 22.5 * 26
    assert fig.data[3].error_y.array == (500.0,) and fig.data[3].error_y.arrayminus == (100.0,)
    shares = targets.borough_shares(PEER_BOROUGHS.assign(plugin_vehicles=1.0), pd.Series(
        {"E09000001": 0.0}), 10.0, "population")
    bars = needed_bars(shares, title="t", subtitle="s", x_title="x", selected=("E09000001",))
    go.Figure(bars.to_plotly_json())
    assert [t for tr_ in bars.data for t in tr_.text] == ["1"]  # A: 1,000 of 10,000 residents x 10 = 1, less 0; the others have no count
    result = peers.peers(PEER_BOROUGHS, "E09000001")
    pb = peer_bars(result, peers.MEASURES, title="t", subtitle="s")
    go.Figure(pb.to_plotly_json())
    assert pb.data[0].text == ("2.00", "2.83", "3.46") and "Residents per km²: 3,000" in pb.data[0].hovertext[0]


def test_tgt011_the_context_keys_travel_in_a_deck_slide_and_the_reducer_leaves_link_changes_alone():
    from layouts import ids
    from state import urlstate
    from state.context import control_values, reduce_context
    from state.reducers import add_slide
    from state.selection import default_state

    state = {**default_state(("2024-01-01", "2024-12-31")), "boroughs": ["E09000033"], "track": "dft_rapid",
             "basis": "plugin_vehicles", "events": "off"}
    slide = add_slide([], "Rapid", "note", state, {})[0]
    known = {"bounds": ("2024-01-01", "2024-12-31"), "boroughs": {"E09000033", "E09000001"}, "operators": set()}
    back, _, fell_back = urlstate.from_query(slide["q"], **known)
    assert (back["track"], back["basis"], back["events"], fell_back) == ("dft_rapid", "plugin_vehicles", "off", [])
    assert control_values(slide["q"]) == ("dft_rapid", "plugin_vehicles", "off")
    assert control_values("?track=sessions") == ("dft_total", "population", "on")
    default = default_state(("2024-01-01", "2024-12-31"))
    # a control the user moved: the state follows
    assert reduce_context(default, ids.TARGETS_TRACK, "dft_rapid", "?track=dft_total")["track"] == "dft_rapid"
    # a control moved because the link did: the state callback owns that step
    assert reduce_context(default, ids.TARGETS_TRACK, "dft_rapid", slide["q"]) is None
    click = {"points": [{"customdata": "E09000001"}]}
    assert reduce_context(default, ids.WHERE_GRAPH, click, "")["boroughs"] == ["E09000001"]
    assert reduce_context({**default, "boroughs": ["E09000001"]}, ids.PEERS_GRAPH, click, "")["boroughs"] == []
    assert reduce_context(default, ids.PEERS_COMPARE, 1, "", ["E09000033", "E09000001"])["boroughs"] == [
        "E09000033", "E09000001"]
    assert reduce_context(default, ids.PEERS_COMPARE, 1, "", None) is None


def test_tgt012_a_peers_slide_without_a_borough_says_what_it_would_show_and_how_to_get_it():
    # the prompt alone was all a deck slide saved with no borough showed the room
    result, reason = peers.frame(None, {"boroughs": []})
    assert result is None and reason.startswith("Select a borough")
    assert "five nearest" in reason and "plug-in vehicles" in reason and "“Add to deck”" in reason
