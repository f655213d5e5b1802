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
from data.schema import LOCATION_TYPES, POWER_BANDS
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
    changes = q.install_series(demo_store, v, **ALL)
    live_at_end = changes.loc[changes["day"] <= pd.Timestamp(hi), "change"].sum()
    assert counts["devices"].sum() == live_at_end > 0


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


_ALL_BL = {"bands": tuple(POWER_BANDS), "locations": tuple(LOCATION_TYPES)}


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


def test_drv001_unfiltered_views_match_the_fine_rollups(demo_store, ctx):
    v = q.data_version(demo_store)
    lo, hi = q.date_bounds(demo_store, v)
    # Naming every operator sends the query to the fine tables; none sends it to the derived ones.
    every = tuple(q.operator_names(demo_store, v))
    coarse = q.daily_by_borough(demo_store, v, lo, hi, operators=(), **_ALL_BL)
    fine = q.daily_by_borough(demo_store, v, lo, hi, operators=every, **_ALL_BL)
    keys = ["day", "gss_code"]
    pd.testing.assert_frame_equal(_sorted(coarse, keys), _sorted(fine, keys), check_dtype=False)
    coarse = q.hour_of_week_by_borough(demo_store, v, lo, hi, operators=(), **_ALL_BL)
    fine = q.hour_of_week_by_borough(demo_store, v, lo, hi, operators=every, **_ALL_BL)
    keys = ["gss_code", "dow", "hour"]
    pd.testing.assert_frame_equal(_sorted(coarse[fine.columns], keys), _sorted(fine, keys), check_dtype=False)


@pytest.mark.parametrize("narrowed", [{"bands": ("rapid", "ultra"), "locations": tuple(LOCATION_TYPES)},
                                      {"bands": tuple(POWER_BANDS), "locations": ("on-street",)},
                                      {"bands": ("slow",), "locations": ("destination", "other")}])
def test_drv003_band_and_location_filters_match_the_fine_rollups(demo_store, ctx, narrowed):
    v = q.data_version(demo_store)
    lo, hi = q.date_bounds(demo_store, v)
    every = tuple(q.operator_names(demo_store, v))
    assert q._usage_table("daily", operators=(), **narrowed).name == "rollup_daily_band"
    assert q._usage_table("how", operators=every, **narrowed).name == "rollup_hour_of_week"
    band = q.daily_by_borough(demo_store, v, lo, hi, operators=(), **narrowed)
    fine = q.daily_by_borough(demo_store, v, lo, hi, operators=every, **narrowed)
    assert band["sessions"].sum() > 0
    pd.testing.assert_frame_equal(_sorted(band, ["day", "gss_code"]), _sorted(fine, ["day", "gss_code"]),
                                  check_dtype=False)
    band = q.hour_of_week_by_borough(demo_store, v, lo, hi, operators=(), **narrowed)
    fine = q.hour_of_week_by_borough(demo_store, v, lo, hi, operators=every, **narrowed)
    keys = ["gss_code", "dow", "hour"]
    pd.testing.assert_frame_equal(_sorted(band, keys), _sorted(fine, keys), check_dtype=False)


def test_drv002_derived_tables_are_filled_by_the_loader(demo_store):
    with engine_for(demo_store).connect() as conn:
        for table in ("rollup_daily_borough", "rollup_how_borough", "rollup_daily_band", "rollup_how_band"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() > 0
