"""Cached read queries against stores seeded by the real demo loader, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import text

from cache import cache
from data import queries as q
from data.db import engine_for
from data.schema import ALL_POWER_BANDS, LOCATION_TYPES, POWER_BANDS
from tests.conftest import run_loader

ALL = {"bands": tuple(POWER_BANDS), "operators": (), "locations": tuple(LOCATION_TYPES)}


@pytest.fixture
def ctx():
    """An app context with a fresh SimpleCache, as the dashboard runs queries."""
    app = Flask(__name__)
    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        yield app


def _scalar(url: str, sql: str):
    with engine_for(url).connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_qry001_reference_queries(demo_store, ctx):
    v = q.data_version(demo_store)
    assert v not in ("", "0")
    lo, hi = q.date_bounds(demo_store, v)
    assert lo <= hi
    boroughs = q.borough_frame(demo_store, v, hi)
    assert len(boroughs) == 33 and boroughs["population"].notna().all()
    devices = q.device_frame(demo_store, v)
    assert len(devices) == _scalar(demo_store, "SELECT count(*) FROM devices")
    assert set(q.operator_names(demo_store, v)) == set(devices["operator"])
    assert q.data_as_of(demo_store, v)["source"]


def test_qry006_borough_frame_takes_the_latest_denominator_at_or_before_the_end(store_url, ctx):
    from data import schema
    from data.loader import store
    engine = engine_for(store_url)
    store.migrate(engine)
    with engine.begin() as conn:
        conn.execute(schema.boroughs.insert(), [{"gss_code": g, "name": n, "inner_outer": "Inner", "area_km2": 1.0}
                                                for g, n in (("E09000001", "City"), ("E09000002", "Barking"))])
        conn.execute(schema.borough_denominators.insert(), [
            {"gss_code": "E09000001", "measure": "population", "period": pd.Timestamp(p).date(), "value": v}
            for p, v in (("2020-01-01", 1.0), ("2022-01-01", 2.0), ("2024-01-01", 3.0))] + [
            {"gss_code": "E09000002", "measure": "plugin_vehicles", "period": pd.Timestamp(p).date(), "value": v}
            for p, v in (("2023-06-01", 10.0), ("2024-06-01", 20.0))])
    frame = q.borough_frame(store_url, q.read_version(store_url), "2023-03-31").set_index("gss_code")
    assert frame.loc["E09000001", "population"] == 2.0  # the latest at or before the end, not the newest
    assert frame.loc["E09000002", "plugin_vehicles"] == 10.0  # none before the end: the earliest held
    assert pd.isna(frame.loc["E09000002", "population"]) and list(frame.columns) == [
        "name", "inner_outer", "area_km2", "population", "plugin_vehicles"]


def test_qry002_usage_sums_match_the_sessions_behind_the_rollups(demo_store, ctx):
    v = q.data_version(demo_store)
    lo, hi = q.date_bounds(demo_store, v)
    usage = q.borough_usage(demo_store, v, lo, hi, **ALL)
    expected = _scalar(demo_store, "SELECT count(*) FROM sessions s JOIN devices d ON d.device_id = s.device_id "
                                   "WHERE d.gss_code IS NOT NULL AND d.power_band IN ('slow','fast','rapid','ultra')")
    assert usage["sessions"].sum() == expected
    daily = q.daily_usage(demo_store, v, lo, hi, **ALL, gss_codes=tuple(usage["gss_code"][:2]))
    london = daily[daily["area"] == q.LONDON]
    assert london["sessions"].sum() == expected
    for code in usage["gss_code"][:2]:
        assert daily.loc[daily["area"] == code, "kwh"].sum() == pytest.approx(
            usage.loc[usage["gss_code"] == code, "kwh"].iloc[0])


def test_qry003_filters_partition_the_totals(demo_store, ctx):
    v = q.data_version(demo_store)
    lo, hi = q.date_bounds(demo_store, v)
    total = q.borough_usage(demo_store, v, lo, hi, **ALL)["sessions"].sum()
    by_band = sum(q.borough_usage(demo_store, v, lo, hi, bands=(b,), operators=(), locations=ALL["locations"])
                  ["sessions"].sum() for b in POWER_BANDS)
    assert by_band == total
    top = q.operator_names(demo_store, v)[0]
    one = q.borough_usage(demo_store, v, lo, hi, bands=ALL["bands"], operators=(top,), locations=ALL["locations"])
    assert 0 < one["sessions"].sum() < total


def test_qry004_hour_of_week_and_devices(demo_store, ctx):
    v = q.data_version(demo_store)
    lo, hi = q.date_bounds(demo_store, v)
    total = q.borough_usage(demo_store, v, lo, hi, **ALL)["sessions"].sum()
    how = q.hour_of_week(demo_store, v, lo, hi, **ALL, gss_codes=())
    assert how["sessions"].sum() == total
    assert how["dow"].between(0, 6).all() and how["hour"].between(0, 23).all()
    counts = q.device_counts(demo_store, v, hi, **ALL)
    live_at_end = _scalar(demo_store, "SELECT count(*) FROM devices WHERE gss_code IS NOT NULL AND "
                                      f"(installed_on IS NULL OR installed_on <= '{hi}') AND "
                                      f"(removed_on IS NULL OR removed_on > '{hi}')")
    assert counts["devices"].sum() == live_at_end > 0
    # The time series' devices metric reads the same count from the daily sums, per borough too.
    daily = q.daily_usage(demo_store, v, lo, hi, **ALL, gss_codes=("E09000007",))
    at_end = daily[daily["day"] == pd.Timestamp(hi)].set_index("area")["device_days"]
    assert at_end["London"] == live_at_end
    assert at_end["E09000007"] == counts.loc[counts["gss_code"] == "E09000007", "devices"].sum() > 0


def test_qry005_device_detail_reads_the_device_month_rollup(demo_store, ctx):
    v = q.data_version(demo_store)
    lo, hi = q.date_bounds(demo_store, v)
    busiest = _scalar(demo_store, "SELECT device_id FROM rollup_device_month GROUP BY device_id "
                                  "ORDER BY sum(sessions) DESC LIMIT 1")
    dev = q.device_detail(demo_store, v, busiest, lo, hi)
    assert dev["sessions"] == _scalar(demo_store, f"SELECT sum(sessions) FROM rollup_device_month "
                                                  f"WHERE device_id = '{busiest}'")
    assert dev["device_id"] == busiest and dev["connectors"]
    assert q.device_detail(demo_store, v, "no-such-device'; --", lo, hi) is None


@pytest.mark.redis
def test_qry006_a_refresh_rolls_every_cache_key_over(demo_sqlite, redis_url):
    app = Flask(__name__)
    cache.init_app(app, config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url,
                                "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}:"})
    with app.app_context():
        v1 = q.data_version(demo_sqlite)
        lo, hi = q.date_bounds(demo_sqlite, v1)
        first = q.borough_usage(demo_sqlite, v1, lo, hi, **ALL)["sessions"].sum()
        run_loader(demo_sqlite, "demo", "--scale", "small", "--seed", "8")
        cache.delete_memoized(q.data_version)  # the version is cached for 5 s only; skip the wait
        v2 = q.data_version(demo_sqlite)
        assert v2 != v1
        lo2, hi2 = q.date_bounds(demo_sqlite, v2)
        second = q.borough_usage(demo_sqlite, v2, lo2, hi2, **ALL)["sessions"].sum()
        assert second == _scalar(demo_sqlite, "SELECT sum(sessions) FROM rollup_daily "
                                              "WHERE power_band IN ('slow','fast','rapid','ultra')")
        assert q.borough_usage(demo_sqlite, v1, lo, hi, **ALL)["sessions"].sum() == first  # old key, old value


# Every box ticked: the four bands and 'unknown' (a device without power is listed, never hidden).
_ALL_BL = {"bands": tuple(ALL_POWER_BANDS), "locations": tuple(LOCATION_TYPES)}


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


def test_drv001_unfiltered_views_match_the_fine_rollups(demo_store, ctx):
    v = q.data_version(demo_store)
    lo, hi = q.date_bounds(demo_store, v)
    # Naming every operator sends the query to the operator tables; none sends it to the borough ones.
    every = tuple(q.operator_names(demo_store, v))
    every_borough = tuple(q.borough_codes(demo_store, v))
    coarse = q.daily_usage(demo_store, v, lo, hi, operators=(), **_ALL_BL, gss_codes=every_borough)
    fine = q.daily_usage(demo_store, v, lo, hi, operators=every, **_ALL_BL, gss_codes=every_borough)
    assert set(coarse["area"]) == {"London", *every_borough}
    keys = ["day", "area"]
    pd.testing.assert_frame_equal(_sorted(coarse, keys), _sorted(fine, keys), check_dtype=False)
    # Devices in service at the end: the band x location table, or the fine one when operators are named.
    keys = ["gss_code", "power_band"]
    pd.testing.assert_frame_equal(_sorted(q.device_counts(demo_store, v, hi, operators=(), **_ALL_BL), keys),
                                  _sorted(q.device_counts(demo_store, v, hi, operators=every, **_ALL_BL), keys),
                                  check_dtype=False)
    # The heatmap: all London (rollup_how_london), one borough and two (rollup_how_borough) against the fine one.
    for codes in ((), ("E09000007",), ("E09000001", "E09000033")):
        coarse = q.hour_of_week(demo_store, v, lo, hi, operators=(), **_ALL_BL, gss_codes=codes)
        fine = q.hour_of_week(demo_store, v, lo, hi, operators=every, **_ALL_BL, gss_codes=codes)
        assert coarse["sessions"].sum() > 0
        pd.testing.assert_frame_equal(_sorted(coarse, ["dow", "hour"]), _sorted(fine, ["dow", "hour"]),
                                      check_dtype=False)


@pytest.mark.parametrize("narrowed", [{"bands": ("rapid", "ultra"), "locations": tuple(LOCATION_TYPES)},
                                      {"bands": tuple(POWER_BANDS), "locations": ("on-street",)},
                                      {"bands": ("slow",), "locations": ("destination", "other")}])
def test_drv003_band_and_location_filters_match_the_fine_rollups(demo_store, ctx, narrowed):
    v = q.data_version(demo_store)
    lo, hi = q.date_bounds(demo_store, v)
    every = tuple(q.operator_names(demo_store, v))
    assert q._usage_table("daily", operators=(), **narrowed).name == "rollup_daily_band"
    assert q._usage_table("how", operators=every, **narrowed).name == "rollup_hour_of_week"
    assert q._usage_table("how", operators=(), whole_london=True, **narrowed).name == "rollup_how_band_london"
    every_borough = tuple(q.borough_codes(demo_store, v))
    band = q.daily_usage(demo_store, v, lo, hi, operators=(), **narrowed, gss_codes=every_borough)
    fine = q.daily_usage(demo_store, v, lo, hi, operators=every, **narrowed, gss_codes=every_borough)
    assert band["sessions"].sum() > 0
    pd.testing.assert_frame_equal(_sorted(band, ["day", "area"]), _sorted(fine, ["day", "area"]),
                                  check_dtype=False)
    for codes in ((), ("E09000007",)):
        band = q.hour_of_week(demo_store, v, lo, hi, operators=(), **narrowed, gss_codes=codes)
        fine = q.hour_of_week(demo_store, v, lo, hi, operators=every, **narrowed, gss_codes=codes)
        pd.testing.assert_frame_equal(_sorted(band, ["dow", "hour"]), _sorted(fine, ["dow", "hour"]),
                                      check_dtype=False)


def test_drv004_a_named_operator_reads_its_own_table_equal_to_the_fine_one(demo_store, ctx):
    v = q.data_version(demo_store)
    lo, hi = q.date_bounds(demo_store, v)
    op = q.operator_names(demo_store, v)[1]
    assert q._usage_table("daily", operators=(op,), **_ALL_BL).name == "rollup_daily_operator"
    assert q._usage_table("how", operators=(op,), **_ALL_BL).name == "rollup_how_operator"
    usage = q.borough_usage(demo_store, v, lo, hi, operators=(op,), **_ALL_BL).set_index("gss_code")
    with engine_for(demo_store).connect() as conn:
        fine = pd.read_sql(text("SELECT gss_code, sum(sessions) AS sessions, sum(kwh) AS kwh, "
                                "sum(devices_in_service) AS device_days FROM rollup_daily WHERE operator = :op "
                                "GROUP BY gss_code"), conn, params={"op": op}).set_index("gss_code")
        how = pd.read_sql(text("SELECT dow, hour, sum(sessions) AS sessions FROM rollup_hour_of_week "
                               "WHERE operator = :op GROUP BY dow, hour"), conn, params={"op": op})
    assert fine["sessions"].sum() > 0 and set(usage.index) == set(fine.index)
    for col in ("sessions", "kwh", "device_days"):
        assert usage[col].to_dict() == pytest.approx(fine[col].to_dict())
    got = q.hour_of_week(demo_store, v, lo, hi, operators=(op,), **_ALL_BL, gss_codes=())
    assert _sorted(got, ["dow", "hour"])["sessions"].tolist() == _sorted(how, ["dow", "hour"])["sessions"].tolist()


def test_drv002_derived_tables_are_filled_by_the_loader(demo_store):
    with engine_for(demo_store).connect() as conn:
        for table in ("rollup_daily_borough", "rollup_how_borough", "rollup_how_london", "rollup_daily_band",
                      "rollup_how_band", "rollup_how_band_london", "rollup_daily_operator", "rollup_how_operator"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() > 0
