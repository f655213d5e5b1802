"""``data.status_queries`` on a store the watcher filled from the scripted day, against figures computed by
hand from the script (minute by minute), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from bench.ocpi_fake import Script, london_points
from data import schema
from data import status_queries as q
from data.db import make_engine
from data.loader import status_rollups
from tests.sources_util import load, new_store
from tests.watch_util import filled_store, truth_minutes

WORKING = ("in_use", "available", "reserved")


@pytest.fixture(scope="module")
def script(shared_data):
    sc = Script(london_points(shared_data), evses=300, seed=7)
    # One rapid EVSE has been OUTOFORDER since ten days before the day starts.
    sc.broken = next(i for i in range(300) if sc.kw[i] >= 50 and sc.loc[i] != sc.late and (i, 1) not in sc.reported)
    sc.times[sc.broken], sc.status[sc.broken] = [sc.times[sc.broken][0] - 10 * 86_400], ["OUTOFORDER"]
    sc.changes = sorted((t, i) for i in range(300) for t in sc.times[i][1:])
    return sc


@pytest.fixture
def filled(store_url, shared_data, script, request):
    engine = filled_store(store_url, shared_data, script, request)
    with engine.connect() as conn:
        devices = pd.read_sql(select(schema.devices), conn).set_index("device_id")
    return store_url, devices


def _counts(truth: dict, uids) -> dict[str, int]:
    allm = np.concatenate([truth[u] for u in uids])
    return {c: int((allm == c).sum()) for c in (*WORKING, "not_working", "no_data")}


def test_sq001_rates_match_the_script(filled, script):
    db, devices = filled
    truth = truth_minutes(script)
    day = script.day.date().isoformat()
    rel = q.rapid_reliability(db, day, day).set_index("operator")
    for op, feed in (("Operator A", "a"), ("Operator B", "b")):
        uids = [u for i, u in enumerate(script.uid) if script.feed[i] == feed and script.kw[i] >= 50]
        c = _counts(truth, uids)
        working = sum(c[k] for k in WORKING)
        assert rel.at[op, "reliability"] == pytest.approx(working / (working + c["not_working"]), abs=1e-12)
        assert rel.at[op, "devices"] == len(uids)
        assert not rel.at[op, "meets_target"]  # the script breaks far more than 1 % of rapid time
    boroughs = q.minutes(db, day, day, by="borough").set_index("borough")
    for gss, uids in devices.groupby("gss_code").groups.items():
        c = _counts(truth, uids)
        assert boroughs.at[gss, "in_use"] == c["in_use"] and boroughs.at[gss, "no_data"] == c["no_data"]


def test_sq002_officer_lists(filled, script):
    db, _ = filled
    truth = truth_minutes(script)
    day = script.day.date().isoformat()
    occupancy = {u: (m == "in_use").sum() / (m != "no_data").sum() for u, m in truth.items()}
    busiest = q.by_use(db, day, day, n=3)
    assert busiest["occupancy"].tolist() == pytest.approx(sorted(occupancy.values(), reverse=True)[:3])
    least = q.by_use(db, day, day, n=1, busiest=False)
    assert least["occupancy"].iloc[0] == pytest.approx(min(occupancy.values()))
    worst = q.least_reliable_rapid(db, day, day, n=1)
    assert worst["device"].iloc[0] == script.uid[script.broken] and worst["reliability"].iloc[0] == 0.0
    end = (script.day + timedelta(days=1)).isoformat()
    broken = q.not_working_for(db, end, days=7)
    assert broken["device_id"].tolist() == [script.uid[script.broken]] and broken["days"].iloc[0] == 11


def test_sq003_current_status_and_feed_age(filled, script):
    db, _ = filled
    end = script.day + timedelta(days=1)
    now = q.current_status(db, (end + timedelta(seconds=30)).isoformat())
    expected = {u: script.status[i][-1] for i, u in enumerate(script.uid)}
    assert dict(zip(now["device_id"], now["status"], strict=True)) == expected
    assert set(now["feed_age_s"]) == {30.0}  # both feeds' last good poll: 24:00
    live = dict(zip(now["device_id"], now["live"], strict=True))
    assert {live[u] for u, s in expected.items() if s == "CHARGING"} <= {"in use"}
    stale = q.current_status(db, (end + timedelta(minutes=10)).isoformat(), stale_after_s=300)
    assert set(stale["live"]) == {"unknown"}  # a feed older than 5 minutes says nothing about now


def _truth_by(db: str, day: str, by: str, bands: tuple = ()) -> pd.DataFrame:
    """The per-device truth grouped as the rollups are: devices in a borough only; no operator -> Unknown."""
    df = q.device_minutes(db, day, day, by=by, bands=bands)
    df = df.dropna(subset=["borough"]) if by == "borough" else df.assign(operator=df["operator"].fillna("Unknown"))
    return df.sort_values(by).reset_index(drop=True)


def test_sq004_status_rollups_equal_the_per_device_truth(filled, script):
    """The panel's charts read the daily rollups the derivation writes (issue 15 / 7's speed): every sum, the
    device count and both rates equal status_daily's per device, whatever the bands; a rebuild (migrate's) too."""
    db, _ = filled
    day = script.day.date().isoformat()
    checks = [(by, bands) for by in ("borough", "operator") for bands in ((), q.RAPID, ("slow", "fast"))]
    for by, bands in checks:
        got = q.minutes(db, day, day, by=by, bands=bands).reset_index(drop=True)
        assert len(got) and got["devices"].sum() > 0
        pd.testing.assert_frame_equal(got, _truth_by(db, day, by, bands), check_dtype=False)
    per_device = q.device_minutes(db, day, day, by="device").groupby("gss_code")[list(schema.STATUS_MINUTES)].sum()
    pd.testing.assert_frame_equal(per_device, _truth_by(db, day, "borough").set_index("borough")[
        list(schema.STATUS_MINUTES)].rename_axis("gss_code"), check_dtype=False)  # the lists' per-device sums too
    engine = make_engine(db)
    with engine.begin() as conn:
        before = {t.name: conn.execute(select(t).order_by(*t.primary_key)).all()
                  for t in (schema.status_daily_borough, schema.status_daily_operator, schema.status_current)}
        status_rollups.rebuild(conn)
        after = {t.name: conn.execute(select(t).order_by(*t.primary_key)).all()
                 for t in (schema.status_daily_borough, schema.status_daily_operator, schema.status_current)}
    engine.dispose()
    assert after == before and all(before.values())


def test_sq004b_status_rollups_follow_a_boundaries_load(filled, script, shared_data, tmp_path):
    """A boundaries load that moves devices to another borough rewrites the status rollups in its transaction:
    they equal status_daily's per-device sums with the new boroughs, with no derivation in between."""
    db, devices = filled
    day = script.day.date().isoformat()
    a, b = devices["gss_code"].value_counts().index[:2]  # the two boroughs with the most devices swap codes
    doc = json.loads((shared_data / "london_boroughs_simplified.geojson").read_text())
    fa, fb = (next(f for f in doc["features"] if f["properties"]["GSS_CODE"] == c) for c in (a, b))
    fa["properties"], fb["properties"] = fb["properties"], fa["properties"]
    (tmp_path / "swapped.geojson").write_text(json.dumps(doc))
    engine = make_engine(db)
    load(engine, "boundaries", tmp_path / "swapped.geojson")
    with engine.connect() as conn:
        moved = pd.read_sql(select(schema.devices), conn).set_index("device_id")["gss_code"]
    engine.dispose()
    assert (moved[devices["gss_code"] == a] == b).all() and (moved[devices["gss_code"] == b] == a).all()
    for by, bands in ((by, bands) for by in ("borough", "operator") for bands in ((), q.RAPID)):
        got = q.minutes(db, day, day, by=by, bands=bands).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, _truth_by(db, day, by, bands), check_dtype=False)


def test_sq004c_no_status_history_no_rollup_rewrite(store_url, request):
    """A store with no status history skips the rewrite (a registry or boundaries refresh pays nothing for it)."""
    engine = new_store(store_url)
    request.addfinalizer(engine.dispose)
    with engine.begin() as conn:
        assert status_rollups.device_keys(conn) is None  # one empty read
        assert status_rollups.follow_devices(conn, None) == {}


def test_sq005_status_current_and_the_maps_codes(filled, script):
    """The watcher keeps status_current equal to each device's last change; the map's one digit per device
    follows the order of the points the browser holds (every device, by device_id)."""
    db, devices = filled
    engine = make_engine(db)
    c = schema.status_changes
    with engine.connect() as conn:
        last = pd.read_sql(select(c).order_by(c.c.device_id, c.c.from_time), conn).groupby("device_id").last()
        current = pd.read_sql(select(schema.status_current), conn).set_index("device_id").sort_index()
    engine.dispose()
    assert current["status"].to_dict() == last["status"].to_dict()
    assert current["since"].tolist() == last["from_time"].tolist()
    classes = ("available", "in use", "not working", "unknown")
    at = (script.day + timedelta(days=1, seconds=30)).isoformat()
    codes, counts = q.live_codes(db, at, 300, classes)
    now = q.current_status(db, at).set_index("device_id")["live"]
    order = sorted(devices.index)
    assert len(codes) == len(order)
    assert [classes[int(k)] for k in codes] == [now.get(d, "unknown") for d in order]
    assert counts == {k: int((now == k).sum()) for k in classes}
