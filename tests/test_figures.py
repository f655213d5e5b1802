"""Figure builders, metric definitions and frame shaping on small hand-made frames."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from data import frames, metrics
from figures import compare, mapdata, series


def _daily() -> pd.DataFrame:
    days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-08"] * 2)
    return pd.DataFrame({
        "area": ["London"] * 3 + ["E09000001"] * 3, "day": days,
        "sessions": [33.0, 66.0, 99.0, 3.0, 0.0, 1.0], "kwh": [330.0, 660.0, 990.0, 30.0, 0.0, 10.0],
        "plugged_hours": [24.0, 48.0, 0.0, 12.0, 12.0, 0.0], "device_days": [10.0, 10.0, 10.0, 2.0, 2.0, 0.0],
    })


def test_fig001_utilisation_is_a_ratio_of_sums_not_an_average_of_ratios():
    sums = pd.DataFrame({"plugged_hours": [24.0, 0.0], "device_days": [1.0, 3.0], "sessions": [1, 1],
                         "kwh": [1.0, 1.0]})
    per_row = metrics.compute("utilisation", sums)
    assert list(per_row) == [100.0, 0.0]
    total = metrics.compute("utilisation", sums.sum().to_frame().T).iloc[0]
    assert total == 25.0  # 24 h of 96 available hours, not the mean of 100 % and 0 %


def test_fig002_zero_denominators_are_no_data_not_infinity():
    sums = pd.DataFrame({"sessions": [5.0], "kwh": [1.0], "plugged_hours": [1.0], "device_days": [0.0]})
    assert math.isnan(metrics.compute("sessions_per_device_day", sums).iloc[0])
    assert metrics.fmt_value("utilisation", float("nan")) == "no data"


def test_fig003_ratio_metrics_ignore_the_denominator_and_unknown_keys_fall_back():
    assert metrics.denominator_for("utilisation", "per_100k").column is None
    assert metrics.denominator_for("devices", "per_device").column is None
    assert metrics.denominator_for("sessions", "bogus").key == metrics.DEFAULT_DENOMINATOR
    assert metrics.metric("DROP TABLE").key == metrics.DEFAULT_METRIC
    assert metrics.title("sessions", "per_100k") == "Sessions per 100k residents"


def test_fig004_granularity_from_range_and_choice():
    assert frames.granularity_for("2024-01-01", "2024-01-31") == "day"
    assert frames.granularity_for("2024-01-01", "2024-06-30") == "week"
    assert frames.granularity_for("2023-01-01", "2024-12-31") == "month"
    assert frames.granularity_for("2023-01-01", "2024-12-31", "day") == "day"


def test_fig005_weekly_series_sums_before_dividing_and_london_is_per_average_borough():
    out = frames.usage_series(_daily(), "week", "sessions")
    london = out[out["area"] == "London"].set_index("bucket")["value"]
    assert list(london) == [99.0 / 33, 99.0 / 33]
    util = frames.usage_series(_daily(), "week", "utilisation")
    city = util[util["area"] == "E09000001"].iloc[0]["value"]
    assert city == 100.0 * 24.0 / (4.0 * 24.0)


def test_fig006_stock_series_reads_devices_in_service_on_each_bucket_end():
    daily = pd.DataFrame({"area": ["A", "A", "A", "London", "London"],
                          "day": pd.to_datetime(["2024-01-30", "2024-01-31", "2024-02-29", "2024-01-31", "2024-02-29"]),
                          "device_days": [5.0, 2.0, 1.0, 66.0, 33.0]})
    out = frames.stock_series(daily, ["London", "A", "B"], "2024-01-01", "2024-02-29", "month")
    value = out.set_index(["area", out["bucket"].dt.strftime("%Y-%m-%d")])["value"]
    assert value["A", "2024-01-31"] == 2.0 and value["A", "2024-02-29"] == 1.0  # the last day, not a sum
    assert value["London", "2024-01-31"] == 2.0  # per average borough
    assert value["B", "2024-01-31"] == 0.0 and len(out) == 6  # an area without rows has none in service


def test_fig007_ranking_and_key_figures_from_sums():
    boroughs = pd.DataFrame({"gss_code": ["A", "B"], "name": ["Alpha", "Beta"], "inner_outer": ["Inner", "Outer"],
                             "area_km2": [10.0, 30.0], "population": [100_000.0, 300_000.0],
                             "plugin_vehicles": [1000.0, 500.0]})
    usage = pd.DataFrame({"gss_code": ["A", "B"], "sessions": [50.0, 60.0], "kwh": [1.0, 1.0],
                          "plugged_hours": [24.0, 24.0], "device_days": [10.0, 20.0]})
    counts = pd.DataFrame({"gss_code": ["A", "B", "B"], "power_band": ["slow", "rapid", "slow"], "devices": [1, 1, 2]})
    sums = frames.borough_sums(boroughs, usage, counts, days=10)
    ranked, london = frames.ranking(sums, "sessions", "per_100k")
    assert list(ranked["gss_code"]) == ["A", "B"]
    assert london == 110.0 / 400_000 * 1e5
    figures = frames.key_figures(sums, counts, ())
    assert figures["devices"] == 4 and figures["rapid_share"] == 25.0
    assert figures["utilisation"] == 100.0 * 48.0 / (30.0 * 24.0)
    assert frames.key_figures(sums, counts, ("A",))["sessions"] == 50.0


def test_fig008_time_series_figure_has_one_line_per_area_and_official_markers():
    out = frames.usage_series(_daily(), "day", "sessions")
    official = pd.DataFrame({"area": ["E09000001"], "bucket": pd.to_datetime(["2024-01-01"]), "value": [7.0]})
    fig = series.time_series(out, {"E09000001": "City of London"}, title="t", y_title="y", official=official)
    assert isinstance(fig, go.Figure)
    names = [t.name for t in fig.data]
    assert names == ["City of London", "London", "City of London (DfT official)", "DfT official count (quarterly)"]
    assert fig.data[2].showlegend is False
    assert fig.data[1].line.dash == "dash" and fig.layout.yaxis.fixedrange


def test_fig008b_a_series_of_one_or_two_periods_is_drawn_with_markers():
    """A line through one point draws nothing: a status metric's first week showed an empty chart."""
    one = pd.DataFrame({"area": ["London"], "bucket": pd.to_datetime(["2022-12-26"]), "value": [99.5]})
    assert series.time_series(one, {}, title="t", y_title="%").data[0].mode == "lines+markers"
    many = frames.usage_series(_daily(), "day", "sessions")
    assert {t.mode for t in series.time_series(many, {}, title="t", y_title="y").data} == {"lines"}


def test_fig009_heatmap_is_seven_by_twenty_four_shares():
    frame = pd.DataFrame({"dow": [0, 6], "hour": [8, 23], "sessions": [3.0, 1.0], "kwh": [1.0, 1.0]})
    fig = series.hour_of_week(frame, title="t")
    z = fig.data[0].z
    assert len(z) == 7 and len(z[0]) == 24
    assert z[0][8] == 75.0 and z[6][23] == 25.0


def test_fig010_ranking_bars_highlight_the_selection_and_carry_codes():
    ranked = pd.DataFrame({"gss_code": ["A", "B"], "name": ["Alpha", "Beta"], "inner_outer": ["Inner", "Outer"],
                           "value": [2.0, 1.0]})
    fig = compare.ranking_bars(ranked, london=1.5, london_label="London", title="t", x_title="x", selected=("B",))
    inner, outer = fig.data
    assert list(inner.customdata) == ["A"] and list(outer.customdata) == ["B"]
    assert outer.marker.line.width[0] == 4 and inner.marker.line.width[0] == 0
    assert fig.layout.shapes[0].x0 == 1.5


def _every_figure() -> list[go.Figure]:
    official = pd.DataFrame({"area": ["E09000001"], "bucket": pd.to_datetime(["2024-01-01"]), "value": [7.0]})
    ranked = pd.DataFrame({"gss_code": ["A", "B"], "name": ["Alpha", "Beta"], "inner_outer": ["Inner", "Outer"],
                           "value": [2.0, 1.0]})
    heat = pd.DataFrame({"dow": [0, 6], "hour": [8, 23], "sessions": [3.0, 1.0], "kwh": [1.0, 1.0]})
    return [series.time_series(frames.usage_series(_daily(), "day", "sessions"), {}, title="t", subtitle="s",
                               y_title="y", official=official),
            series.hour_of_week(heat, title="t", subtitle="s"),
            compare.ranking_bars(ranked, london=1.5, london_label="L", title="t", subtitle="s", x_title="x")]


def test_fig013_every_builder_passes_plotly_validation():
    # The builders skip validation for speed; here every property they set is validated (and a made-up
    # one is shown to fail, so this test can fail).
    for fig in _every_figure():
        checked = go.Figure(fig.to_plotly_json())
        assert checked.to_plotly_json()["layout"]["title"]["text"] == "t"
    bad = _every_figure()[2].to_plotly_json()
    bad["data"][0]["colour"] = "red"
    with pytest.raises(ValueError, match="colour"):
        go.Figure(bad)


def test_fig011_points_payload_is_terse_and_quintiles_have_six_edges():
    devices = pd.DataFrame({"device_id": ["d1", "d2"], "latitude": [51.123456789, 51.5], "longitude": [-0.1, 0.2],
                            "power_band": ["rapid", "slow"], "operator": ["Op B", "Op A"],
                            "location_type": ["on-street", "en-route"],
                            "installed_on": pd.to_datetime(["1970-01-11", None]),
                            "removed_on": pd.to_datetime([None, "1970-02-01"])})
    payload = mapdata.points_payload(devices, ["Op A", "Op B"])
    assert payload == {"id": ["d1", "d2"], "lat": [51.12346, 51.5], "lon": [-0.1, 0.2], "b": [2, 0],
                       "o": [1, 0], "l": [0, 2], "t": [10, 0], "x": [0, 31]}
    assert mapdata.quintile_breaks(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, float("nan")]))[::5] == [1.0, 6.0]
    assert mapdata.quintile_breaks(pd.Series([float("nan")])) == []
    assert len(mapdata.legend_rows([0, 1, 2, 3, 4, 5], str)) == 5


def test_fig012_totals_leave_out_partly_covered_edge_buckets():
    days = pd.date_range("2024-01-03", "2024-02-20", freq="D")  # starts and ends mid-week
    daily = pd.DataFrame({"area": "E09000001", "day": days, "sessions": 1.0, "kwh": 1.0, "plugged_hours": 1.0,
                          "device_days": 1.0})
    weeks = frames.usage_series(daily, "week", "sessions", "2024-01-03", "2024-02-20")
    assert set(weeks["value"]) == {7.0}  # only full weeks
    util = frames.usage_series(daily, "week", "utilisation", "2024-01-03", "2024-02-20")
    assert len(util) == len(weeks) + 2  # ratios are fair in part-weeks too


def test_fig014_partly_covered_edge_weeks_are_left_out_over_any_denominator_and_the_data_span():
    """The period starts on a Sunday: its first "week" is 1 day. A total per 100k residents there was a seventh of
    the others (the line dipped to near 0 at its start); so was a week the data covers in part."""
    from data import timeseries
    days = pd.date_range("2024-01-07", "2024-02-20", freq="D")  # Sunday .. Tuesday
    daily = pd.DataFrame({"area": "E09000001", "day": days, "sessions": 1.0, "kwh": 1.0, "plugged_hours": 1.0,
                          "device_days": 1.0})

    def den_for(buckets):
        return pd.DataFrame({"gss_code": "E09000001", "bucket": pd.DatetimeIndex(buckets), "population": 1e5,
                             "plugin_vehicles": 10.0, "area_km2": 1.0})

    per = timeseries.usage_lines(daily, "week", "sessions", "per_100k", den_for, "2024-01-07", "2024-02-20")
    assert per["value"].round(9).eq(7.0).all() and per["bucket"].min() == pd.Timestamp("2024-01-08")
    # the period is whole weeks (Monday 1 Jan .. Sunday 25 Feb) but the sessions start on Sunday 7 Jan and end on
    # Tuesday 20 Feb: those weeks are partial too
    totals = frames.usage_series(daily, "week", "sessions", "2024-01-01", "2024-02-25")
    assert set(totals["value"]) == {7.0}
    # a period shorter than a full week keeps what it has (the panel says the week is partial)
    short = frames.usage_series(daily[daily["day"] <= "2024-01-09"], "week", "sessions", "2024-01-07", "2024-01-09")
    assert sorted(short["value"]) == [1.0, 2.0]


def test_fig015_where_next_leaves_room_for_the_value_labels_beyond_the_longest_bars():
    from figures.where_next import needed_bars
    ranked = pd.DataFrame({"name": ["A", "B", "C"], "gss_code": ["E1", "E2", "E3"], "inner_outer": ["Outer", "Inner", "Inner"],
                           "gap": [1480.0, 600.0, -295.0]})
    lo, hi = needed_bars(ranked, title="t", subtitle="s", x_title="x").layout.xaxis.range
    assert hi >= 1480 * 1.1 and lo <= -295 - 0.1 * 1480


def test_fig016_the_series_says_which_partly_covered_ends_it_leaves_out():
    from views.series import partial_note
    state = {"metric": "sessions", "from": "2024-01-07", "to": "2024-02-20"}
    kept = pd.DataFrame({"area": "E09000001", "bucket": pd.date_range("2024-01-08", "2024-02-12", freq="7D"),
                         "value": 7.0})
    assert partial_note(state, kept, "week") == "first and last week left out (the period covers them in part)"
    assert partial_note({**state, "metric": "utilisation"}, kept, "week") == ""  # a ratio is fair in part-weeks
    assert partial_note(state, kept, "day") == ""
