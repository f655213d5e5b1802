"""Every file in ../shared/data through its adapter, with figures measured on the files themselves.

How the figures are known: each was measured independently of the loader with pandas/csv on the
raw file (the commands are quoted next to the assertion) and, where SOURCES.md states one, checked
against it.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from data import schema
from data.loader.refresh import RefreshRefused
from data.loader.sources.base import SourceError
from tests.sources_util import (
    devices_by_borough,
    last_run,
    load,
    new_store,
    quarantine_reasons,
    quarantined_rows,
    snapshot,
)

pytestmark = pytest.mark.realdata


def scalar(engine, query):
    with engine.connect() as conn:
        return conn.execute(query).scalar()


def test_rd001_ncr_2017_snapshot_london_devices(store_url, shared_data):
    engine = new_store(store_url)
    load(engine, "boundaries", shared_data / "London_Borough_Excluding_MHW.geojson")
    run_id = load(engine, "ncr", shared_data / "ncpr_uk_snapshot_2017-11_full.csv")
    by_borough = devices_by_borough(engine)
    # SOURCES.md: 677 devices inside London boroughs, all 33; our STRtree assignment agrees.
    assert sum(by_borough.values()) == 677 and len(by_borough) == 33
    run = last_run(engine)
    # 3,968 records (csv.reader: 3,970 lines - header - 2 devices split over two lines each = 3,968 + 2).
    assert (run["status"], run["rows_in"], run["rows_loaded"], run["rows_quarantined"]) == ("ok", 3968, 677, 6)
    # csv.reader: records 970/971 and 973/974 are two Wiltshire devices cut in two by a raw line break
    # (52 + 107 fields instead of 158); records 3841 (40.42, -3.70: Madrid) and 3957 (-25.36, 131.04:
    # Australia) lie outside the UK.
    assert quarantine_reasons(engine, run_id) == {"column-shifted row": 4, "coordinates outside the UK": 2}
    assert [n for n, _ in quarantined_rows(engine, run_id)] == [970, 971, 973, 974, 3841, 3957]
    # 94 '0000-00-00' dateCreated (pandas to_datetime(errors='coerce')): none of them in London, and a
    # device with an unknown install date is still a device, so it loads with installed_on empty.
    assert "94 dateCreated not a date" in run["message"]
    # 3,968 - 6 quarantined - 677 in London = 3,285 counted as outside London, not loaded.
    assert "3285 devices outside London (counted, not loaded)" in run["message"]
    d = schema.devices
    with engine.connect() as conn:
        bands = dict(conn.execute(select(d.c.power_band, func.count()).group_by(d.c.power_band)).all())
    # connector1..8 RatedOutputKW, max per London device: 644 below 8 kW, 2 of 22 kW, 31 of 50 kW.
    assert bands == {"slow": 644, "fast": 2, "rapid": 31}


def test_rd002_ncr_same_input_twice_same_store(sqlite_url, shared_data):
    engine = new_store(sqlite_url)
    load(engine, "boundaries", shared_data / "london_boroughs_simplified.geojson")
    load(engine, "ncr", shared_data / "ncpr_uk_snapshot_2017-11_full.csv")
    first = snapshot(engine)
    load(engine, "ncr", shared_data / "ncpr_uk_snapshot_2017-11_full.csv")
    second = snapshot(engine)
    assert second["counts"] == first["counts"] and second["devices"] == first["devices"]
    assert second["data_version"] == first["data_version"] + 1


def test_rd003_ncr_london_subset_reduced_export(sqlite_url, shared_data):
    engine = new_store(sqlite_url)
    load(engine, "boundaries", shared_data / "London_Borough_Excluding_MHW.geojson")
    load(engine, "ncr", shared_data / "ncpr_london_subset_2019-2020.csv")
    # 1,067 London devices in 26 boroughs (SOURCES.md). Its GSS_CODE column holds postcodes (a source
    # bug), which is why the borough always comes from point-in-polygon, never from the file.
    by_borough = devices_by_borough(engine)
    assert sum(by_borough.values()) == 1067 and len(by_borough) == 26
    # A reduced export without connector columns: no power, so every device gets the listed band 'unknown'
    # and the run summary says how many and why (issue 14: nothing hidden silently).
    d = schema.devices
    assert scalar(engine, select(func.count()).where(d.c.power_band != "unknown")) == 0
    assert scalar(engine, select(func.count()).where(d.c.power_band == "unknown")) == 1067
    assert "1067 devices with power band 'unknown' (no connector power in the file)" in last_run(engine)["message"]


def test_rd004_boundary_reload_reassigns_every_device(sqlite_url, shared_data):
    engine = new_store(sqlite_url)
    load(engine, "boundaries", shared_data / "London_Borough_Excluding_MHW.geojson")
    load(engine, "ncr", shared_data / "ncpr_uk_snapshot_2017-11_full.csv")
    before = devices_by_borough(engine)
    with engine.begin() as conn:
        conn.execute(schema.devices.update().values(gss_code="E09000001"))
    load(engine, "boundaries", shared_data / "london_boroughs_simplified.geojson")
    # The 40 m simplified coverage puts every one of the 677 devices back in the same borough.
    assert devices_by_borough(engine) == before
    b = schema.boroughs
    with engine.connect() as conn:
        rows = conn.execute(select(b.c.gss_code, b.c.inner_outer, b.c.area_km2, b.c.geometry_web)).all()
    assert len(rows) == 33 and sum(r.inner_outer == "Inner" for r in rows) == 14
    # json: AREA_KM2 of the simplified file sums to 1,594.693 km² (= HECTARES / 100 of the GLA file).
    assert sum(r.area_km2 for r in rows) == pytest.approx(1594.693, abs=0.01)


def test_rd005_dft_three_files_merge(store_url, shared_data):
    engine = new_store(store_url)
    for name in ("dft_ev_charging_devices_by_la_2019_2022.csv", "dft_ev_charging_devices_uk_quarterly_2015_2022.csv",
                 "dft_rapid_devices_london_2019_2025.csv"):
        load(engine, "dft-devices", shared_data / name)
    t = schema.official_device_stats
    with engine.connect() as conn:
        london = {str(r.quarter): (r.total_devices, r.rapid_devices, r.rapid_threshold_kw) for r in conn.execute(
            select(t).where(t.c.la_code == "E12000007")).all()}
        n = conn.execute(select(func.count()).select_from(t)).scalar()
        boroughs_2022 = conn.execute(select(func.sum(t.c.total_devices)).where(
            t.c.la_code.like("E09%"), t.c.quarter == date(2022, 10, 1))).scalar()
    # pandas on the keys (area, quarter): 5,515 LA rows; the UK file's 32 quarters overlap the LA file's
    # K02000001 rows for 13 (same figures), adding 19; the rapid file adds 2023-01..2025-07 for its
    # 38 areas (11 x 38 = 418).
    assert n == 5515 + 19 + 418
    # pandas on the Oct-2022 edition: London (E12000007) total devices per quarter, and the 33
    # boroughs sum to it exactly; the rapid-only file kept those totals (merge, not overwrite).
    assert london["2019-10-01"] == (4360, 323, 25) and london["2022-10-01"] == (11028, 820, 25)
    assert boroughs_2022 == 11028
    # July-2025 edition: the threshold moves to 50 kW from October 2023 (987 rapid), no total there.
    assert london["2023-07-01"] == (None, 943, 25) and london["2023-10-01"] == (None, 987, 50)
    assert london["2025-07-01"] == (None, 1431, 50)


def test_rd006_denominators(sqlite_url, shared_data):
    engine = new_store(sqlite_url)
    load(engine, "population", shared_data / "london_borough_population_area.csv")
    load(engine, "plugin-vehicles", shared_data / "london_plugin_vehicles_by_borough_quarterly_approx.csv")
    t = schema.borough_denominators
    with engine.connect() as conn:
        sums = dict(conn.execute(select(t.c.period, func.sum(t.c.value)).where(t.c.measure == "population")
                                 .group_by(t.c.period)).all())
        pv = conn.execute(select(func.count(), func.sum(t.c.value)).where(
            t.c.measure == "plugin_vehicles", t.c.period == date(2024, 4, 1))).one()
        n_pv = conn.execute(select(func.count()).where(t.c.measure == "plugin_vehicles")).scalar()
    # SOURCES.md: London totals 8.908M / 8.962M / 9.002M (mid-2018/19/20); pandas sums to the person.
    assert {str(k): v for k, v in sums.items()} == {"2018-01-01": 8908694, "2019-01-01": 8962258,
                                                    "2020-01-01": 9002425}
    # 33 boroughs x 51 quarters; SOURCES.md: London total for 2024Q2 is 153,350.
    assert n_pv == 1683 and tuple(pv) == (33, 153350)


def test_rd007_acn_sessions(store_url, shared_data):
    engine = new_store(store_url)
    # ACN-Data is a US workplace site: its 42 stations are in no London registry, so the test registers
    # them first (at one London point) and then loads every session through the acn preset.
    import pandas as pd

    stations = pd.read_csv(shared_data / "acn_caltech_jpl_sessions_2021.csv", usecols=["station_id"])
    with engine.begin() as conn:
        conn.execute(schema.devices.insert(), [
            {"device_id": s, "latitude": 51.5, "longitude": -0.12, "gss_code": "E09000033",
             "location_type": "destination", "power_band": "slow", "source": "test"}
            for s in sorted(stations["station_id"].unique())])
    load(engine, "sessions-csv", shared_data / "acn_caltech_jpl_sessions_2021.csv", "--preset", "acn")
    s = schema.sessions
    with engine.connect() as conn:
        n, kwh, devices = conn.execute(select(func.count(), func.sum(s.c.kwh),
                                              func.count(s.c.device_id.distinct()))).one()
        rolled = conn.execute(select(func.sum(schema.rollup_daily.c.sessions))).scalar()
    # pandas: 2,114 rows, kwh_delivered sum 26,217.094 kWh, 42 station_id, no duplicate (station, start).
    assert (n, devices) == (2114, 42) and kwh == pytest.approx(26217.094, abs=0.01)
    assert rolled == 2114


def test_rd008_acn_without_its_devices_is_refused(sqlite_url, shared_data):
    engine = new_store(sqlite_url)
    before = snapshot(engine)
    with pytest.raises(RefreshRefused):
        load(engine, "sessions-csv", shared_data / "acn_caltech_jpl_sessions_2021.csv")
    run = last_run(engine)
    assert run["status"] == "refused" and run["rows_quarantined"] == 2114
    assert "2114 session of an unknown device" in run["message"]
    assert snapshot(engine) == before


def test_rd009_chargeplace_monthly_is_the_wrong_kind(sqlite_url, shared_data):
    # 13,069 rows of charge point x month totals (sessions, kwh per month), not sessions: there is no
    # start or end to load, and no London device among them, so sessions-csv refuses the file whole.
    engine = new_store(sqlite_url)
    before = snapshot(engine)
    with pytest.raises(SourceError, match="monthly per-charge-point summary"):
        load(engine, "sessions-csv", shared_data / "chargeplace_scotland_monthly_chargepoint_usage.csv")
    assert last_run(engine)["status"] == "failed"
    assert snapshot(engine) == before


def test_rd010_dft_published_table_layout_matches_the_long_file(sqlite_url, shared_data):
    # tests/hostile/dft_published_table_1b.csv is DfT's own CSV layout of table 1b (title, notes,
    # "Oct-19\n(25kW and above)" headers, "1,044", "[x]"); its London rows carry the same values as the
    # shared long file, so both loads must give the same rapid counts and thresholds.
    from tests.sources_util import HOSTILE

    long_store, wide_store = new_store(sqlite_url), new_store(sqlite_url.replace(".sqlite", "_wide.sqlite"))
    load(long_store, "dft-devices", shared_data / "dft_rapid_devices_london_2019_2025.csv")
    load(wide_store, "dft-devices", HOSTILE / "dft_published_table_1b.csv")
    t = schema.official_device_stats
    query = (select(t.c.la_code, t.c.quarter, t.c.rapid_devices, t.c.rapid_threshold_kw)
             .where(t.c.la_code.in_(["E12000007", "E09000001", "E09000033"])).order_by(t.c.la_code, t.c.quarter))
    with long_store.connect() as a, wide_store.connect() as b:
        assert a.execute(query).all() == b.execute(query).all()
        # Corby: 7 quarters before its abolition, the 17 "[x]" cells are not applicable, not bad rows.
        assert b.execute(select(func.count()).where(t.c.la_code == "E07000150")).scalar() == 7
    run = last_run(wide_store)
    assert (run["rows_in"], run["rows_quarantined"]) == (24 * 4 + 7, 0)
