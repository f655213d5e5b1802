"""Live status in the dashboard (issue 15 item 4): the views on a store the watcher filled from the scripted
day (SQLite and PostgreSQL), the callbacks through /_dash-update-component, public mode's hiding of devices,
and plain sentences on a store without status history."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

import config
from app import create_app
from bench.dash_http import post
from bench.ocpi_fake import Script, london_points
from cache import cache
from data import metrics, queries, schema, status_cached
from data import status_queries as sq
from data.db import make_engine
from data.loader import store
from layouts import ids
from state.selection import default_state
from tests.watch_util import filled_store
from views import availability, compare, live
from views.common import Source


@pytest.fixture(scope="module")
def script(shared_data):
    return Script(london_points(shared_data), evses=120, seed=7)


@pytest.fixture
def filled(store_url, shared_data, script, request):
    engine = filled_store(store_url, shared_data, script, request)
    with engine.connect() as conn:
        last = conn.execute(select(schema.status_feeds.c.last_good_poll)).scalars().all()
    return store_url, max(last)


@pytest.fixture
def app_context(filled):
    """The views read through the app's cache: an app on the filled store, its context pushed."""
    with create_app(filled[0]).server.app_context():
        yield


def _state(script) -> dict:
    day = script.day.date().isoformat()
    return {**default_state((day, day)), "from": day, "to": day}


def _src(db: str, min_count: int = 0) -> Source:
    return Source(db, queries.read_version(db), min_count)


def test_liv001_views_on_a_filled_store(filled, script, app_context):
    db, last = filled
    src, state = _src(db), _state(script)
    boroughs, rapid, reason = live.aggregates(src, state)
    assert reason is None
    expect = sq.minutes(db, state["from"], state["to"], by="borough").set_index("borough")
    got = boroughs.set_index("borough")
    assert got["occupancy"].to_dict() == pytest.approx(expect["occupancy"].to_dict())
    assert set(got["name"]) <= set(got["name"]) and not got["name"].str.startswith("E09").any()  # names, not codes
    want = sq.rapid_reliability(db, state["from"], state["to"]).set_index("operator")
    assert rapid.set_index("operator")["reliability"].to_dict() == pytest.approx(want["reliability"].to_dict())
    ops = live.operators(src, state).set_index("operator")
    want_ops = sq.minutes(db, state["from"], state["to"], by="operator").set_index("operator")
    assert ops["reliability"].to_dict() == pytest.approx(want_ops["reliability"].to_dict())
    # Fresh feeds: every device has a class, and it is the status query's; the legend says each feed's age.
    shown = live.live_map(src, last + timedelta(minutes=2))
    cur = sq.current_status(db, (last + timedelta(minutes=2)).isoformat()).set_index("device_id")["live"]
    order = queries.device_frame(db, src.version)["device_id"]  # the points the browser holds, in their order
    assert [live.LIVE_CLASSES[int(k)] for k in shown["codes"]] == [cur.get(d, "unknown") for d in order]
    assert {"available", "in use"} <= {live.LIVE_CLASSES[int(k)] for k in shown["codes"]}
    assert [t for t, stale in shown["feeds"]] == ["Feed a: updated 2 min ago", "Feed b: updated 2 min ago"]
    # A day later both feeds are stale: every device unknown, never available, and the legend says so.
    later = live.live_map(src, last + timedelta(days=1))
    assert set(later["codes"]) == {str(live.LIVE_CLASSES.index("unknown"))}
    assert all(stale and "stale, last updated 1 day ago" in t for t, stale in later["feeds"])
    # The officer lists: worst rapid first, busiest first, least used first.
    now = last + timedelta(minutes=2)
    worst, _ = live.device_list(src, state, "least_reliable", now)
    assert worst["reliability"].is_monotonic_increasing and set(worst["power_band"]) <= set(sq.RAPID)
    busiest, _ = live.device_list(src, state, "busiest", now)
    least, _ = live.device_list(src, state, "least_used", now)
    assert busiest["occupancy"].is_monotonic_decreasing and least["occupancy"].is_monotonic_increasing
    assert busiest["occupancy"].iloc[0] == pytest.approx(sq.by_use(db, state["from"], state["to"], n=1)["occupancy"].iloc[0])
    none, sentence = live.device_list(src, state, "not_working", now)
    assert none is None and sentence == "No device has been not working for more than 7 days."


def test_liv002_public_mode_shows_aggregates_only(filled, script, app_context):
    db, last = filled
    src, state = _src(db, min_count=5), _state(script)
    boroughs, rapid, reason = live.aggregates(src, state)
    assert reason is None and "device" not in boroughs and "device" not in rapid
    small = boroughs["devices"].isna()
    assert boroughs.loc[small, "occupancy"].isna().all()  # a borough of < 5 devices shows no rate
    assert live.live_map(src, last)["codes"] == "" and live.live_map(src, last)["message"] == live.PUBLIC_MAP
    for kind in live.LISTS:
        assert live.device_list(src, state, kind, last) == (None, live.OFFICERS_ONLY)


def _body(app, state) -> str:
    resp = post(app, ids.LIVE_BODY, {f"{ids.LIVE_PANEL_GATE}.data": state}, [f"{ids.LIVE_PANEL_GATE}.data"])
    assert resp.status_code == 200
    return json.dumps(resp.get_json()["response"][ids.LIVE_BODY]["children"])


def _list(app, state, kind: str, opened: bool = True) -> str | None:
    """One officer list's rows, as the browser asks when its <details> opens (None: no update)."""
    resp = post(app, ids.LIVE_LIST_BODY, {f"{ids.LIVE_LIST}.open": opened, f"{ids.LIVE_PANEL_GATE}.data": state,
                                          "MATCH": kind}, [f"{ids.LIVE_LIST}.open"])
    if resp.status_code == 204:
        return None
    assert resp.status_code == 200
    out = resp.get_json()["response"]
    return json.dumps(next(iter(out.values()))["children"]) if out else None


def test_liv003_http_panel_and_map_officer_and_public(filled, script):
    db, _ = filled
    state = _state(script)
    officer = create_app(db)
    body = _body(officer, state)
    assert "Rapid networks (50 kW+): reliability by operator" in body and "99 % required" in body
    assert "Operators: occupancy and reliability" in body
    assert not any(uid in body for uid in script.uid)  # the device lists are folded, built only when opened
    for kind, (title, _) in live.LISTS.items():
        assert title in body
        rows = _list(officer, state, kind)
        assert title in rows and any(uid in rows for uid in script.uid)  # (not working: the day is long past)
    assert _list(officer, state, "busiest", opened=False) is None  # closing it asks for nothing
    public = create_app(db, settings=config.load({"APP_MODE": "public", "PUBLIC_MIN_COUNT": "5"}))
    body = _body(public, state)
    assert "Rapid networks" in body and live.OFFICERS_ONLY in body
    assert not any(uid in body for uid in script.uid)  # no device anywhere in the public panel
    assert live.OFFICERS_ONLY in _list(public, state, "busiest")  # a crafted request for a list: the sentence
    for app, codes in ((officer, True), (public, False)):
        resp = post(app, ids.MAP_LIVE_LEGEND, {f"{ids.LIVE_GATE}.data": {"map": "live"}, f"{ids.LIVE_TICK}.n_intervals": None},
                    [f"{ids.LIVE_GATE}.data"])
        out = resp.get_json()["response"]
        patch = out[ids.MAP_POINTS]["hideout"]
        assert not any(uid in json.dumps(patch) for uid in script.uid)  # digits in the points' order, no ids
        # One digit per point (stale feeds: all unknown, 3), or none at all in public mode: no device's status.
        assert ('"s": "' + "3" * 50 in json.dumps(patch)) is codes
        legend = json.dumps(out[ids.MAP_LIVE_LEGEND]["children"])
        assert "Live now" in legend and "stale, last updated" in legend  # the scripted day is long past
        assert ("available (0)" in legend) is codes  # stale feeds: nothing shown as available


def test_liv004_a_store_without_status_history_says_so(demo_sqlite):
    app = create_app(demo_sqlite)
    with app.server.test_request_context():
        from callbacks.common import source
        src = source()
        state = default_state(("2024-01-01", "2024-12-31"))
        assert live.aggregates(src, state) == (None, None, live.NO_HISTORY)
        assert live.live_map(src, pd.Timestamp("2025-01-01").to_pydatetime())["message"] == live.NO_HISTORY
        assert live.device_list(src, state, "busiest", pd.Timestamp("2025-01-01").to_pydatetime())[1] == live.NO_HISTORY
    body = _body(app, state)
    assert live.NO_HISTORY in body and "figure" not in body  # one sentence, no empty axes
    resp = post(app, ids.MAP_LIVE_LEGEND, {f"{ids.LIVE_GATE}.data": {"map": "live"}, f"{ids.LIVE_TICK}.n_intervals": None},
                [f"{ids.LIVE_GATE}.data"])
    legend = json.dumps(resp.get_json()["response"][ids.MAP_LIVE_LEGEND]["children"])
    assert live.NO_HISTORY in legend and "(0)" not in legend
    # The live-status metrics are offered disabled, with the reason, and a link asking for one says it instead.
    with app.server.test_request_context():
        reasons = availability.metric_reasons(availability.offer(source()))
    assert reasons["occupancy"] == reasons["reliability"] == metrics.missing_text("status")
    for output in (ids.COMPARE_GRAPH, ids.SERIES_GRAPH):
        said = json.dumps(_figure(app, output, {**state, "metric": "reliability", "denominator": "total"}))
        assert metrics.missing_text("status") in said


def test_liv005_figures_on_small_frames_and_the_map_mode_key():
    from figures import live as fig
    from state.selection import clean_state

    ops = pd.DataFrame({"operator": ["A", "B", "C"], "reliability": [0.995, 0.95, None], "devices": [4, 7, 0]})
    f = fig.rapid_reliability(ops)
    f.__class__(f.to_dict())  # every property valid (the builder skips plotly's validation)
    dots = f.data[0]
    assert list(dots.y) == ["B", "A"] and list(dots.x) == [95.0, 99.5]  # worst first; no figure for no data
    assert [s.x0 for s in f.layout.shapes] == [99.0] and "99 % required" in f.layout.annotations[0].text
    assert dots.marker.color[0] == fig.MISSED and dots.marker.color[1] == fig.MET
    boroughs = pd.DataFrame({"borough": ["E1", "E2"], "name": ["One", "Two"], "occupancy": [0.2, 0.4],
                             "reliability": [0.9, 1.0]})
    g = fig.borough_rates(boroughs)
    g.__class__(g.to_dict())
    assert [t.name for t in g.data] == ["Occupancy", "Reliability"] and list(g.data[0].y) == ["One", "Two"]
    assert set(fig.LIVE_COLOURS).isdisjoint(__import__("figures.theme").theme.CLASS_COLOURS)
    base = {"bounds": None, "boroughs": set(), "operators": set()}
    assert clean_state({"map": "live"}, **base)["map"] == "live"
    assert clean_state({"map": "<script>"}, **base)["map"] == "bands"


def _csv(app, state, kind: str):
    """The device list CSV callback as dash-renderer calls it (a pattern-matching ALL input, one button clicked)."""
    key = next(k for k in app.callback_map if k.startswith(f"{ids.LIVE_CSV}."))
    button = {"type": ids.LIVE_CSV_BUTTON, "kind": kind}
    body = {"output": key, "outputs": {"id": ids.LIVE_CSV, "property": "data"},
            "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
            "state": [{"id": ids.STATE, "property": "data", "value": state}],
            "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"]}
    return app.server.test_client().post("/_dash-update-component", json=body)


def test_liv006_device_csv_for_officers_only(filled, script):
    db, _ = filled
    state = _state(script)
    resp = _csv(create_app(db), state, "busiest")
    assert resp.status_code == 200
    download = resp.get_json()["response"][ids.LIVE_CSV]["data"]
    assert download["filename"].startswith("london-ev-busiest-") and download["content"].count("\n") > 50
    assert "occupancy" in download["content"].splitlines()[0]
    public = create_app(db, settings=config.load({"APP_MODE": "public", "PUBLIC_MIN_COUNT": "5"}))
    resp = _csv(public, state, "busiest")  # a crafted request: public mode has no button, and no list either
    assert resp.status_code == 204 or ids.LIVE_CSV not in (resp.get_json() or {}).get("response", {})


def _arr(values) -> list:
    """A figure's array as plain values (Plotly sends numbers as base64 typed arrays)."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _figure(app, output: str, state: dict) -> dict:
    values = {f"{ids.STATE}.data": state}
    resp = post(app, output, values, list(values))
    assert resp.status_code == 200
    return resp.get_json()["response"]


def test_liv007_occupancy_and_reliability_are_metrics_of_every_panel(filled, script):
    """Issue 15 item 4: occupancy and PCPR 2023 reliability in the comparison, the choropleth and the time series
    over HTTP, equal to the status queries; public mode blanks boroughs of too few status devices."""
    db, _ = filled
    day = script.day.date().isoformat()
    officer = create_app(db)
    for metric, col in (("occupancy", "occupancy"), ("reliability", "reliability")):
        state = {**_state(script), "metric": metric, "denominator": "total"}
        want = sq.minutes(db, day, day, by="borough").dropna(subset=[col]).set_index("borough")[col] * 100
        out = _figure(officer, ids.COMPARE_GRAPH, state)
        bars = out[ids.COMPARE_GRAPH]["figure"]["data"][0]
        values = dict(zip(_arr(bars["customdata"]), _arr(bars["x"] if bars.get("orientation") == "h" else bars["y"]),
                          strict=True))
        shown = {g: v for g, v in values.items() if v is not None and np.isfinite(v) and g in want}
        assert shown and all(shown[g] == pytest.approx(want[g]) for g in shown)
        assert json.dumps(_figure(officer, ids.HEADER_SCOPE, state)).count(sorted(shown)[0]) >= 1  # choropleth
        drawn = _figure(officer, ids.SERIES_GRAPH, state)[ids.SERIES_GRAPH]["figure"]
        assert "Source: live status (OCPI feed" in json.dumps(drawn["layout"]["title"])  # not "no data loaded"
        series = drawn["data"]
        london = next(t for t in series if t["name"] == "London")
        total = sq.minutes(db, day, day, by="operator")
        observed = total[col].notna()
        expect = (total["in_use"].sum() / total["observed"].sum() if metric == "occupancy" else
                  total[list(sq.WORKING)].sum().sum() / (total[list(sq.WORKING)].sum().sum()
                                                        + total["not_working"].sum()))
        assert observed.any() and _arr(london["y"])[0] == pytest.approx(100 * expect)
        with officer.server.app_context():  # the comparison's London line: every borough's minutes together
            (_frame, london_value), _ = compare.ranked(_src(db), state)
        assert london_value == pytest.approx(100 * expect)
    public = create_app(db, settings=config.load({"APP_MODE": "public", "PUBLIC_MIN_COUNT": "5"}))
    state = {**_state(script), "metric": "occupancy", "denominator": "total"}
    with public.server.app_context():
        (ranked, _london), reason = compare.ranked(_src(db, min_count=5), state)
    small = ranked["status_devices"].isna() | (ranked["status_devices"] < 5)
    assert small.any() and ranked.loc[small, "value"].isna().all() and ranked.loc[~small, "value"].notna().any()


def test_liv008_a_status_poll_rolls_over_only_the_views_reading_status(filled, script):
    """Issue 15 item 5: after a status poll (data_version:status bumped, global version not) the occupancy view is
    drawn again, while the sessions view is still served from its cache (its rollups were emptied meanwhile)."""
    db, _ = filled
    app = create_app(db)
    sessions = {**_state(script), "metric": "sessions", "denominator": "total"}
    occupancy = {**sessions, "metric": "occupancy"}
    before = [_figure(app, ids.COMPARE_GRAPH, s) for s in (sessions, occupancy)]
    engine = make_engine(db)
    with engine.begin() as conn:
        for table in (schema.rollup_daily_borough, schema.rollup_daily, schema.rollup_daily_band):
            conn.execute(table.delete())
        conn.execute(schema.status_daily_borough.update().values(in_use=0.0))
        store.bump_data_version(conn, "status")
    engine.dispose()
    with app.server.app_context():
        cache.delete_memoized(status_cached.status_version, db)  # its 5 s lifetime, as if that long had passed
    after = [_figure(app, ids.COMPARE_GRAPH, s) for s in (sessions, occupancy)]
    assert after[0] == before[0]  # the sessions view: its cache entry kept
    assert after[1] != before[1] and "0.0" in json.dumps(after[1])  # occupancy: drawn again, now 0 %
