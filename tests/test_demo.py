"""Demo London: deterministic, plausible, placed inside boroughs; the status command reports it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape
from sqlalchemy import text

from data import schema
from data.db import make_engine
from data.loader import store
from data.loader.demo import build_demo

ROOT = Path(__file__).resolve().parents[1]


def _digest(engine) -> dict:
    """Counts and checksums of the store's demo content (session ids left out: they are surrogate keys)."""
    queries = {
        "devices": "SELECT device_id, latitude, longitude, gss_code, operator, power_band, location_type, "
                   "installed_on, removed_on, max_kw FROM devices ORDER BY device_id",
        "connectors": "SELECT * FROM connectors ORDER BY device_id, connector_no",
        "sessions": "SELECT device_id, started_at, ended_at, kwh FROM sessions ORDER BY device_id, started_at",
        "rollup_daily": "SELECT * FROM rollup_daily ORDER BY day, gss_code, power_band, location_type, operator",
    }
    out = {}
    with engine.connect() as conn:
        for name, sql in queries.items():
            df = pd.read_sql(text(sql), conn)
            out[name] = (len(df), hashlib.sha256(df.astype(str).to_csv(index=False).encode()).hexdigest())
    return out


@pytest.fixture
def engine(store_url):
    eng = make_engine(store_url)
    yield eng
    eng.dispose()


def test_same_seed_same_store_other_seed_other_store(engine, sqlite_url):
    build_demo(engine, "small", seed=5)
    first = _digest(engine)
    build_demo(engine, "small", seed=5)  # loaded twice: the same store
    assert _digest(engine) == first
    other = make_engine(sqlite_url.replace("store.sqlite", "other.sqlite"))
    build_demo(other, "small", seed=5)  # another store (and dialect, for the postgres run): the same content
    assert {k: v[0] for k, v in _digest(other).items()} == {k: v[0] for k, v in first.items()}
    build_demo(engine, "small", seed=6)
    assert _digest(engine)["sessions"] != first["sessions"]
    other.dispose()


def test_demo_looks_like_london(engine):
    build_demo(engine, "small", seed=3)
    with engine.connect() as conn:
        dev = pd.read_sql(text("SELECT * FROM devices"), conn)
        ses = pd.read_sql(text("SELECT s.*, d.power_band FROM sessions s JOIN devices d USING (device_id)"), conn)
    assert dev["gss_code"].nunique() == 33 and 250 <= len(dev) <= 500
    assert (dev["power_band"] == "slow").mean() > 0.6 and (dev["location_type"] == "on-street").mean() > 0.5
    assert set(dev["power_band"]) <= set(schema.POWER_BANDS)
    assert dev["removed_on"].notna().any()
    assert 12 <= ses["kwh"].median() <= 20
    hours = (pd.to_datetime(ses["ended_at"]) - pd.to_datetime(ses["started_at"])).dt.total_seconds() / 3600
    assert hours[ses["power_band"] == "slow"].median() > 2
    assert 0.4 <= hours[ses["power_band"] == "rapid"].median() <= 0.8
    assert (~dev["device_id"].isin(ses["device_id"])).any()  # some devices never used
    with engine.connect() as conn:
        use = pd.read_sql(text("SELECT power_band, sum(sessions) AS s, sum(devices_in_service) AS d "
                               "FROM rollup_daily GROUP BY power_band"), conn).set_index("power_band")
    per_day = use["s"] / use["d"]
    assert 0.8 <= per_day["slow"] <= 1.5  # slow (lamp-post) chargers: around once a day
    assert per_day["rapid"] > 3 * per_day["slow"]  # rapid: several times a day


def test_devices_fall_inside_stored_boundaries(engine, shared_data):
    store.migrate(engine)
    geo = json.loads((shared_data / "london_boroughs_simplified.geojson").read_text())
    rows = [{"gss_code": f["properties"]["GSS_CODE"], "name": f["properties"]["NAME"],
             "inner_outer": "Inner" if f["properties"]["ONS_INNER"] == "T" else "Outer",
             "area_km2": f["properties"]["AREA_KM2"], "geometry": json.dumps(f["geometry"])}
            for f in geo["features"]]
    with engine.begin() as conn:
        conn.execute(schema.boroughs.insert(), rows)
    build_demo(engine, "small", seed=4)
    polygons = {r["gss_code"]: shape(json.loads(r["geometry"])) for r in rows}
    with engine.connect() as conn:
        dev = pd.read_sql(text("SELECT gss_code, latitude, longitude FROM devices"), conn)
        kept = conn.execute(text("SELECT COUNT(*) FROM boroughs WHERE geometry IS NOT NULL")).scalar()
    assert kept == 33
    for gss, grp in dev.groupby("gss_code"):
        assert shapely.contains_xy(polygons[gss], grp["longitude"], grp["latitude"]).all(), gss


def test_status_json_shape_and_values(engine, store_url):
    build_demo(engine, "small", seed=2)
    proc = subprocess.run([sys.executable, "-m", "data.loader", "--database-url", store_url, "status", "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    st = json.loads(proc.stdout)
    assert st["data_version"] == store.get_data_version(engine) == 1
    devices = store.table_count(engine, schema.devices)
    assert st["counts"] == {"boroughs": 33, "devices": devices, "london_devices": devices,
                            "sessions": store.table_count(engine, schema.sessions), "quarantined": 0}
    assert sum(st["devices_by_band"].values()) == devices
    spans = {(x["kind"], x["source"]): x for x in st["spans"]}
    assert spans[("devices", "demo")]["rows"] == devices and spans[("sessions", "demo")]["rows"] == \
        st["counts"]["sessions"] and spans[("sessions", "demo")]["run_id"] == st["last_runs"][0]["run_id"]
    assert len(st["devices_by_borough"]) == 33
    assert sum(st["devices_by_borough"].values()) == st["counts"]["devices"]
    (run,) = st["last_runs"]
    assert set(run) >= {"source", "location", "started", "finished", "status", "rows_in", "rows_loaded",
                        "rows_quarantined", "message"}
    assert (run["source"], run["status"], run["rows_quarantined"]) == ("demo", "ok", 0)
    assert run["rows_loaded"] == st["counts"]["devices"] + st["counts"]["sessions"]
    human = subprocess.run([sys.executable, "-m", "data.loader", "--database-url", store_url, "status"],
                           cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert human.returncode == 0 and "data version: 1" in human.stdout


def test_ensure_seeded_seeds_an_empty_store_once(engine):
    from data.loader.bootstrap import ensure_seeded

    assert ensure_seeded(engine, scale="small") is True
    version = store.get_data_version(engine)
    assert store.table_count(engine, schema.devices) > 0
    assert ensure_seeded(engine, scale="small") is False
    assert store.get_data_version(engine) == version


def test_status_does_not_hang_while_a_refresh_locks_sessions(pg_url):
    from data.loader.status import format_status, store_status

    eng = make_engine(pg_url)
    store.migrate(eng)
    with eng.connect() as locker:
        locker.execute(text("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE"))  # as a demo's index rebuild does
        st = store_status(eng)
        locker.rollback()
    assert st["counts"]["sessions"] is None and st["counts"]["devices"] == 0
    assert "a refresh holds the table" in format_status(st)
    assert store_status(eng)["counts"]["sessions"] == 0
    eng.dispose()
