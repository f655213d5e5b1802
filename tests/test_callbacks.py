"""Callbacks called directly and through /_dash-update-component on a store seeded by the demo loader."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from app import create_app
from bench.dash_http import post
from callbacks import compare, overview, series
from layouts import ids
from state.reducers import MIRRORED, reduce_state
from state.selection import default_state


@pytest.fixture
def dash_app(demo_sqlite):
    return create_app(demo_sqlite)


def _state(app, **changes) -> dict:
    with app.server.test_request_context():
        from callbacks.common import source
        from data import queries

        db, version = source().db, source().version
        return {**default_state(queries.date_bounds(db, version)), **changes}


def test_cbk001_reducer_toggles_boroughs_and_takes_a_range_from_the_time_axis():
    state = default_state(("2024-01-01", "2024-12-31"))
    click = {"properties": {"g": "E09000007", "n": "Camden"}}
    picked = reduce_state(state, ids.MAP_BOROUGHS, {ids.MAP_BOROUGHS: click})
    assert picked["boroughs"] == ["E09000007"]
    assert reduce_state(picked, ids.MAP_BOROUGHS, {ids.MAP_BOROUGHS: click})["boroughs"] == []
    bar = {"points": [{"customdata": "E09000033"}]}
    assert reduce_state(picked, ids.COMPARE_GRAPH, {ids.COMPARE_GRAPH: bar})["boroughs"] == ["E09000007", "E09000033"]
    ranged = reduce_state(state, ids.SERIES_PICKED,
                          {ids.SERIES_PICKED: {"xaxis.range[0]": "2024-03-01 05:00", "xaxis.range[1]": "2024-04-02"}})
    assert (ranged["from"], ranged["to"]) == ("2024-03-01", "2024-04-02")
    assert reduce_state(state, ids.SERIES_PICKED, {ids.SERIES_PICKED: {"autosize": True}}) == state


def test_cbk002_panels_called_directly_follow_the_state(dash_app):
    state = _state(dash_app)
    with dash_app.server.test_request_context():
        fig, hidden, msg = compare.update_compare(state)
        fig = go.Figure(fig)  # panels are cached as plain figure dicts
        assert not hidden and msg is None
        assert sum(len(t.y) for t in fig.data) == 33
        assert compare.update_compare_table(state, "chart") == []  # the table is built only on its own tab
        table = compare.update_compare_table(state, "table")
        body = table.children[1].children
        assert len(body) == 33
        # the table's rows are the chart's bars, ranked
        assert {row.children[1].children for row in body} == {name for t in fig.data for name in t.y}
        assert [row.children[0].children for row in body] == [f"{i:,.0f}" for i in range(1, 34)]
        picked = {**state, "boroughs": [fig.data[0].customdata[0]]}
        fig2, *_ = compare.update_compare(picked)
        assert max(go.Figure(fig2).data[0].marker.line.width) == 4
        line, hidden, _ = series.update_series(state)
        assert not hidden and len(line["data"]) == 6  # five largest boroughs and London
        line, *_ = series.update_series(picked)
        assert len(line["data"]) == 2
        # the key figures' texts: scope, then each figure's value and unit, the note, no message
        scope, devices, unit, *_rest, message = overview.update_key_figures(picked)
        all_scope, all_devices, *_ = overview.update_key_figures(state)
        assert scope != all_scope and unit == "" and message is None
        assert 0 < int(devices.replace(",", "")) < int(all_devices.replace(",", ""))


def test_cbk007_the_choropleth_legend_shows_only_when_boundaries_are_loaded(demo_sqlite, shared_data):
    from tests.conftest import run_loader

    app = create_app(demo_sqlite)
    state = _state(app)
    with app.server.test_request_context():
        hideout, legend, _ = overview.update_choropleth(state)
        assert legend == [] and len(hideout["vals"]) == 33  # the demo alone has no boundaries
    run_loader(demo_sqlite, "load", "boundaries", str(shared_data / "london_boroughs_simplified.geojson"))
    with app.server.test_request_context():
        from cache import cache

        cache.clear()  # data_version is cached for 5 s; the load rolled it over
    state = _state(app)
    with app.server.test_request_context():
        hideout, legend, _ = overview.update_choropleth(state)
        assert len(legend) == 6 and "–" in str(legend[1].children)  # a title and five quintile classes


def test_cbk003_an_empty_selection_is_a_plain_message(dash_app):
    state = _state(dash_app, bands=[])
    with dash_app.server.test_request_context():
        fig, hidden, msg = compare.update_compare(state)
        assert hidden and "power band" in msg.children
        assert compare.update_compare_table(state, "table") == []
        _, hidden, msg = series.update_series(state)
        assert hidden and "power band" in msg.children


def test_cbk004_http_map_click_selects_a_borough_and_tampered_values_fall_back(dash_app):
    state = _state(dash_app)
    values = {f"{ids.STATE}.data": {**state, "metric": "sessions; DROP TABLE devices", "boroughs": ["<script>"]},
              f"{ids.MAP_BOROUGHS}.n_clicks": 1,
              f"{ids.MAP_BOROUGHS}.clickData": {"properties": {"g": "E09000007"}},
              f"{ids.FILTER_DATES}.start_date": state["from"], f"{ids.FILTER_DATES}.end_date": state["to"],
              **{f"{control}.value": state[key] for control, key in MIRRORED}}
    values[f"{ids.FILTER_METRIC}.value"] = values[f"{ids.STATE}.data"]["metric"]
    resp = post(dash_app, ids.STATE, values, [f"{ids.MAP_BOROUGHS}.n_clicks"])
    assert resp.status_code == 200
    out = resp.get_json()["response"]
    assert out[ids.STATE]["data"]["boroughs"] == ["E09000007"]
    assert out[ids.STATE]["data"]["metric"] == "sessions"
    assert out[ids.FILTER_BOROUGHS]["value"] == ["E09000007"]
    assert out[ids.FILTER_METRIC]["value"] == "sessions"  # the control shows the cleaned state
    assert ids.FILTER_BANDS not in out  # unchanged controls are left alone


def test_cbk005_http_comparison_responds_with_a_figure(dash_app):
    state = _state(dash_app, boroughs=["E09000007"], metric="utilisation")
    resp = post(dash_app, ids.COMPARE_GRAPH, {f"{ids.STATE}.data": state}, [f"{ids.STATE}.data"])
    assert resp.status_code == 200
    out = resp.get_json()["response"]
    assert out[ids.COMPARE_WRAP]["hidden"] is False
    assert out[ids.COMPARE_GRAPH]["figure"]["layout"]["title"]["text"] == "Utilisation (%)"


def test_cbk006_a_broken_store_gives_a_banner_not_a_stack_trace(sqlite_url):
    app = create_app(sqlite_url)  # never migrated: every table is missing
    resp = post(app, ids.COMPARE_GRAPH, {f"{ids.STATE}.data": default_state(None)}, [f"{ids.STATE}.data"])
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "could not be drawn" in body and "Traceback" not in body and "sqlite" not in body.lower()
    click = post(app, ids.STATE, {f"{ids.MAP_BOROUGHS}.n_clicks": 1}, [f"{ids.MAP_BOROUGHS}.n_clicks"])
    assert click.status_code == 200 and click.get_json()["response"] == {}  # changes nothing rather than failing
    page = app.server.test_client().get("/_dash-layout").get_data(as_text=True)  # no tables: the loader never ran
    assert "No usage data is loaded yet: run the loader" in page and "Traceback" not in page


def test_cbk007_a_clicked_device_gets_its_popup_lazily_and_clusters_do_not(dash_app):
    from dash import no_update

    from callbacks.common import source
    from callbacks.map import show_popup
    from data import queries

    state = _state(dash_app)
    with dash_app.server.test_request_context():
        dev = queries.device_frame(source().db, source().version).iloc[0]
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [dev.longitude, dev.latitude]},
                   "properties": {"d": dev.device_id, "b": 0}}
        popup = show_popup(1, feature, state)
        text = json.dumps(popup[0].to_plotly_json(), default=lambda o: o.to_plotly_json())
        assert "Installed" in text and "sessions" in text and "Connectors" in text
        assert popup[0].position == [dev.latitude, dev.longitude]
        assert show_popup(2, {"properties": {"cluster": True, "point_count": 5}}, state) is no_update


def test_cbk008_an_empty_store_shows_plain_messages_not_failures(sqlite_url):
    from tests.conftest import run_loader

    run_loader(sqlite_url, "migrate")
    app = create_app(sqlite_url)
    assert "No usage data is loaded yet" in app.server.test_client().get("/_dash-layout").get_data(as_text=True)
    for output in (ids.HEADER_SCOPE, ids.COMPARE_GRAPH, ids.SERIES_GRAPH, ids.SERIES_HEATMAP):  # the first: + map
        resp = post(app, output, {f"{ids.STATE}.data": default_state(None)}, [f"{ids.STATE}.data"])
        assert resp.status_code == 200 and "could not be drawn" not in resp.get_data(as_text=True), output


def test_cbk009_a_store_never_loaded_says_so_without_a_traceback(tmp_path, caplog):
    """No tables at all (the loader has not run): the page says to run the loader, and the log has one warning
    line, not an ERROR with a stack trace (app start-up's warm-up printed one on every such store)."""
    app = create_app(f"sqlite:///{tmp_path / 'never-loaded.sqlite'}")
    with caplog.at_level("WARNING", logger="layouts.page"):
        body = app.server.test_client().get("/_dash-layout").get_data(as_text=True)
    assert "No usage data is loaded yet" in body
    assert {r.levelname for r in caplog.records if r.name == "layouts.page"} == {"WARNING"}
    assert not [r for r in caplog.records if r.exc_info]


def test_cbk010_the_definitions_are_built_when_opened_not_carried_in_the_page(demo_sqlite):
    """"How the figures are defined" is folded and empty in the layout; opening it builds the table, with a
    row per metric; folding it again leaves the table as it is."""
    from dash import no_update

    from data import metrics

    app = create_app(demo_sqlite)
    layout = app.server.test_client().get("/_dash-layout").get_data(as_text=True)
    assert ids.HEADER_HELP_BODY in layout and "help-table" not in layout
    resp = post(app, ids.HEADER_HELP_BODY, {f"{ids.HEADER_HELP}.open": True}, [f"{ids.HEADER_HELP}.open"])
    body = json.dumps(resp.get_json()["response"][ids.HEADER_HELP_BODY]["children"])
    assert all(label in body for label, _unit, _formula in metrics.help_rows()) and "help-table" in body
    assert overview.show_help(False) is no_update
