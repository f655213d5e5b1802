"""Data spans (issue 14 item 1): what the store's data covers, written with each run, read by data/spans.py."""

from __future__ import annotations

import json
from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import func, select

from data import schema, spans
from data.loader import store
from data.loader.demo import build_demo
from data.loader.refresh import RefreshRefused
from tests.sources_util import cli, last_run, load, new_store

T0 = datetime(2026, 1, 2, 3, 4)


def _frame(*rows) -> pd.DataFrame:
    """A spans frame as data.spans.spans returns it, from (kind, source, data_date, start, end, rows) tuples."""
    d = lambda v: None if v is None else date.fromisoformat(v)  # noqa: E731
    return pd.DataFrame([{"kind": k, "source": s, "data_date": d(w), "span_start": d(a), "span_end": d(b),
                          "rows": n, "loaded_at": pd.Timestamp(T0), "run_id": i}
                         for i, (k, s, w, a, b, n) in enumerate(rows, start=1)], columns=spans.COLUMNS)


REAL = _frame(("devices", "ncr", "2020-11-20", "2012-06-18", "2020-11-20", 1743),
              ("official_counts", "dft-devices", "2025-10-01", "2019-10-01", "2025-10-01", 912),
              ("population", "population", "2023-06-30", "2021-01-01", "2023-12-31", 33),
              ("boundaries", "boundaries", None, None, None, 33))


def test_spn001_default_period_is_the_latest_year_of_the_page_data_never_today():
    assert spans.bounds(REAL) == (date(2012, 6, 18), date(2025, 10, 1))
    # Devices: the year up to the registry snapshot, though today (2026) and DfT (2025) are later.
    assert spans.default_period(REAL, "devices") == (date(2019, 11, 22), date(2020, 11, 20))
    assert spans.default_period(REAL, "official") == (date(2024, 10, 2), date(2025, 10, 1))
    # No sessions loaded: a usage page opens on the latest year of all the data instead.
    assert spans.default_period(REAL, "usage") == (date(2024, 10, 2), date(2025, 10, 1))
    # Sessions over five weeks only: the period is those five weeks, not a year mostly without them.
    with_sessions = pd.concat([REAL, _frame(("sessions", "sessions-csv", "2024-03-31", "2024-02-25",
                                             "2024-03-31", 900))], ignore_index=True)
    assert spans.default_period(with_sessions, "usage") == (date(2024, 2, 25), date(2024, 3, 31))
    assert spans.default_period(_frame(("boundaries", "boundaries", None, None, None, 33)), "devices") is None


def test_spn002_clamp_keeps_a_link_inside_the_data_and_cuts_one_outside():
    assert spans.clamp_period(REAL, date(2019, 1, 1), date(2022, 12, 31)) == (date(2019, 1, 1), date(2022, 12, 31))
    assert spans.clamp_period(REAL, date(2001, 1, 1), date(2030, 1, 1)) == (date(2012, 6, 18), date(2025, 10, 1))
    assert spans.clamp_period(REAL, date(2030, 1, 1), date(2031, 1, 1)) == spans.bounds(REAL)


def test_spn003_provenance_names_each_source_with_its_own_date_and_loaded_separately():
    text = spans.provenance(REAL)
    assert text == "registry snapshot 20 Nov 2020 · DfT EV charging statistics, Oct 2025 · ONS mid-2023 population"
    assert spans.provenance(REAL, kinds=["official_counts"]) == "DfT EV charging statistics, Oct 2025"
    assert spans.loaded_text(REAL) == "loaded 2 Jan 2026" and spans.loaded_text(REAL.iloc[0:0]) == ""
    plugin = _frame(("plugin_vehicles", "plugin-vehicles", "2024-06-30", "2011-10-01", "2024-06-30", 1683))
    assert spans.provenance(plugin) == "DfT plug-in vehicle licensing, 2024 Q2"
    assert spans.kinds_loaded(REAL) == {"devices", "official_counts", "population", "boundaries"}


def _spans(engine) -> dict[tuple[str, str], dict]:
    return {(r["kind"], r["source"]): r for r in spans.as_records(spans.spans(engine))}


def _newest(path, *cols) -> date:
    """The newest of these date columns in the raw file (pandas, independently of the loader)."""
    raw = pd.read_csv(path, dtype=str, on_bad_lines="skip", engine="python")
    return max(pd.to_datetime(raw[c], errors="coerce", format="mixed").max() for c in cols).date()


def test_spn004_registry_snapshot_date_span_and_rows_from_the_store(store_url, shared_data):
    engine = new_store(store_url)
    load(engine, "boundaries", shared_data / "London_Borough_Excluding_MHW.geojson")
    full, subset = shared_data / "ncpr_uk_snapshot_2017-11_full.csv", shared_data / "ncpr_london_subset_2019-2020.csv"
    load(engine, "ncr", full)
    first = _spans(engine)[("devices", "ncr")]
    assert first["data_date"] == _newest(full, "dateUpdated", "dateCreated").isoformat()
    run = load(engine, "ncr", subset)
    row = _spans(engine)[("devices", "ncr")]
    d = schema.devices.c
    with engine.connect() as conn:
        n, lo = conn.execute(select(func.count(), func.min(d.installed_on)).where(d.gss_code.is_not(None))).one()
    # Two files merged: the newer snapshot's date; rows and span measured on what the store holds.
    assert row["data_date"] == _newest(subset, "dateUpdated", "dateCreated").isoformat() == row["span_end"]
    assert (row["rows"], row["span_start"], row["run_id"]) == (n, lo.isoformat(), run)
    assert row["loaded_at"] >= first["loaded_at"]
    # --as-of names the snapshot's date; --replace makes this file the whole snapshot, so its date stands.
    load(engine, "ncr", full, "--replace", "--as-of", "2017-11-30")
    assert _spans(engine)[("devices", "ncr")]["data_date"] == "2017-11-30"
    # status --json: per kind its data date, span, rows, loaded-at; the device count is the store's.
    st = _status(store_url)
    assert st["spans"][0] == _spans(engine)[("devices", "ncr")]
    assert st["counts"]["london_devices"] == sum(st["devices_by_band"].values()) == _spans(engine)[
        ("devices", "ncr")]["rows"]
    engine.dispose()


def _status(url: str) -> dict:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli(url, "status", "--json") == 0
    return json.loads(out.getvalue())


def test_spn005_official_population_plugin_spans_and_a_refused_run_leaves_them(store_url, shared_data, tmp_path):
    engine = new_store(store_url)
    load(engine, "dft-devices", shared_data / "dft_rapid_devices_london_2019_2025.csv")
    load(engine, "population", shared_data / "london_borough_population_area.csv")
    load(engine, "plugin-vehicles", shared_data / "london_plugin_vehicles_by_borough_quarterly_approx.csv")
    got = _spans(engine)
    dft = pd.read_csv(shared_data / "dft_rapid_devices_london_2019_2025.csv")
    assert (got[("official_counts", "dft-devices")]["span_start"], got[("official_counts", "dft-devices")]["data_date"],
            got[("official_counts", "dft-devices")]["rows"]) == (dft["date"].min(), dft["date"].max(), len(dft))
    pop = pd.read_csv(shared_data / "london_borough_population_area.csv")
    years = sorted(int(c[7:11]) for c in pop.columns if c.startswith("pop_mid"))
    assert got[("population", "population")]["data_date"] == f"{years[-1]}-06-30"
    assert got[("population", "population")]["span_start"] == f"{years[0]}-01-01"
    pv = pd.read_csv(shared_data / "london_plugin_vehicles_by_borough_quarterly_approx.csv")
    last = pv.sort_values(["year", "quarter"]).iloc[-1]
    quarter_end = (pd.Timestamp(int(last["year"]), int(last["quarter"]) * 3, 1) + pd.offsets.MonthEnd(0)).date()
    assert got[("plugin_vehicles", "plugin-vehicles")]["data_date"] == quarter_end.isoformat()
    before = spans.spans(engine)
    bad = tmp_path / "population.csv"
    bad.write_text("gss_code,population,year\nE09000001,not a number,2024\nE09000002,-5,2024\n")
    with pytest.raises(RefreshRefused):  # every row bad: refused, and the spans are those of before
        load(engine, "population", bad)
    pd.testing.assert_frame_equal(spans.spans(engine), before)
    assert last_run(engine)["status"] == "refused"
    engine.dispose()


def test_spn006_demo_spans_and_migrate_backfills_a_store_without_them(sqlite_url):
    engine = new_store(sqlite_url)
    build_demo(engine, scale="small", seed=7)
    got = _spans(engine)
    s = schema.sessions.c
    with engine.connect() as conn:
        lo, hi, n = conn.execute(select(func.min(s.started_at), func.max(s.started_at), func.count())).one()
    assert (got[("sessions", "demo")]["span_start"], got[("sessions", "demo")]["span_end"],
            got[("sessions", "demo")]["rows"]) == (lo.date().isoformat(), hi.date().isoformat(), n)
    assert spans.default_period(spans.spans(engine), "usage") == (lo.date(), hi.date())
    with engine.begin() as conn:  # a store written before data_spans existed
        conn.execute(schema.data_spans.delete())
    store.migrate(engine)
    again = _spans(engine)
    keep = ("data_date", "span_start", "span_end", "rows")
    for key in (("devices", "demo"), ("sessions", "demo")):
        assert {c: again[key][c] for c in keep} == {c: got[key][c] for c in keep}
    # The demo's population: the figures come back; which run wrote them is no longer known.
    assert again[("population", "population")]["rows"] == got[("population", "demo")]["rows"] > 0
    engine.dispose()


def test_spn007_sessions_span_and_the_usage_period_follow_the_sessions_loaded(store_url, shared_data, tmp_path):
    engine = new_store(store_url)
    load(engine, "boundaries", shared_data / "london_boroughs_simplified.geojson")
    load(engine, "ncr", shared_data / "ncpr_london_subset_2019-2020.csv")
    ids = pd.read_csv(shared_data / "ncpr_london_subset_2019-2020.csv", dtype=str)["chargeDeviceID"][:3].tolist()
    rows = [(ids[i % 3], f"2024-0{m}-{d:02d}T08:00:00Z", f"2024-0{m}-{d:02d}T09:30:00Z", 7.5)
            for i, (m, d) in enumerate([(2, 3), (2, 20), (3, 9), (4, 28)])]
    path = tmp_path / "sessions.csv"
    path.write_text("station_id,connection_time_utc,disconnect_time_utc,kwh_delivered\n"
                    + "".join(",".join(map(str, r)) + "\n" for r in rows))
    run = load(engine, "sessions-csv", path)
    got = _spans(engine)[("sessions", "sessions-csv")]
    assert (got["span_start"], got["span_end"], got["data_date"], got["rows"], got["run_id"]) == (
        "2024-02-03", "2024-04-28", "2024-04-28", 4, run)
    frame = spans.spans(engine)
    assert spans.default_period(frame, "usage") == (date(2024, 2, 3), date(2024, 4, 28))
    assert spans.default_period(frame, "devices")[1] == date.fromisoformat(
        _spans(engine)[("devices", "ncr")]["data_date"])  # the registry page keeps the snapshot's year
    assert "sessions (sessions-csv) Feb 2024 to Apr 2024" in spans.provenance(frame)
    engine.dispose()


def test_spn008_migrate_to_6_lists_devices_without_power_as_unknown(store_url):
    engine = new_store(store_url)
    d, m = schema.devices, schema.store_meta
    with engine.begin() as conn:  # a schema 5 store: no band stored for a device without power
        conn.execute(d.insert(), [{"device_id": f"D{i}", "latitude": 51.5, "longitude": -0.1, "gss_code": "E09000001",
                                   "location_type": "on-street", "power_band": band, "source": "ncr"}
                                  for i, band in enumerate([None, None, "slow"])])
        conn.execute(m.update().where(m.c.key == "schema_version").values(value="5"))
        conn.execute(schema.data_spans.delete())
    version = store.get_data_version(engine)
    store.migrate(engine)
    with engine.connect() as conn:
        bands = dict(conn.execute(select(d.c.power_band, func.count()).group_by(d.c.power_band)).all())
    assert bands == {"unknown": 2, "slow": 1}
    assert store.get_data_version(engine) == version + 1  # what the dashboard reads changed
    assert _spans(engine)[("devices", "ncr")]["rows"] == 3  # and the spans were backfilled
    engine.dispose()


def test_spn009_snapshot_date_is_the_newest_real_date_as_written():
    from data.loader.sources import ncr

    raw = pd.DataFrame({"dateCreated": ["2020-01-01 10:00:00", "0000-00-00", ""],
                        "dateUpdated": ["not a date", "2099-01-01", "2021-03-04 00:30:00"]})
    # 00:30 stays 4 March (no zone shift); 2099 is after today, so a typing error, not the snapshot's date.
    assert ncr.snapshot_date(raw) == date(2021, 3, 4)
    assert ncr.snapshot_date(raw[["dateCreated"]]) == date(2020, 1, 1)
    assert ncr.snapshot_date(pd.DataFrame({"chargeDeviceID": ["a"]})) is None
