"""`targets` and `events` sources: the shipped CSVs load on both stores, bad rows are quarantined with their
reason, a bad file changes nothing, officers' local events add to the defaults, a fresh store gets both."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from data import schema
from data.loader.bootstrap import seed_reference
from data.loader.sources.context import DEFAULT_FILES
from tests.sources_util import cli, last_run, load, new_store, quarantine_reasons


def rows(engine, table):
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(table)).mappings()]


def version(engine):
    with engine.connect() as conn:
        return conn.execute(select(schema.store_meta.c.value).where(schema.store_meta.c.key == "data_version")).scalar()


def test_ctx001_shipped_csvs_load_and_cite_their_sources(store_url):
    engine = new_store(store_url)
    load(engine, "targets", DEFAULT_FILES["targets"])
    load(engine, "events", DEFAULT_FILES["events"])
    targets = {r["name"]: r for r in rows(engine, schema.targets)}
    assert len(targets) == 3 and all(r["source"] for r in targets.values())
    ranged = next(r for r in targets.values() if r["high"] is not None)
    assert (ranged["low"], ranged["high"], ranged["measure"]) == (40000, 60000, "dft_total")
    rapid = [r for r in targets.values() if r["measure"] == "dft_rapid"]
    assert [(r["value"], r["target_date"], r["scope"]) for r in rapid] == [(4000, date(2030, 12, 31), "E12000007")]
    events = {r["date"]: r for r in rows(engine, schema.events)}
    assert sorted(events) == [date(2019, 4, 8), date(2021, 10, 25), date(2023, 8, 29), date(2023, 10, 1),
                              date(2023, 11, 24), date(2024, 11, 24)]
    assert all(r["source"] and r["gss_code"] is None for r in events.values())
    assert events[date(2023, 10, 1)]["kind"] == "data"


def test_ctx002_bad_rows_quarantined_with_reasons(sqlite_url, tmp_path):
    engine = new_store(sqlite_url)
    bad = tmp_path / "targets.csv"
    bad.write_text("name,measure,value,low,high,target_date,scope,source\n"
                   "Good,dft_total,100,,,2030-12-31,,Somebody 2024\n"
                   "Second good,dft_rapid,10,,,2030-12-31,E09000001,Somebody 2024\n"
                   "Third good,dft_rapid,20,,,2029-12-31,,Somebody 2024\n"
                   "Fourth good,dft_total,30,20,40,2029-12-31,,Somebody 2024\n"
                   "Fifth good,dft_total,50,,,2029-12-31,,Somebody 2024\n"
                   "No source,dft_total,100,,,2030-12-31,,\n"
                   "Bad measure,sessions,100,,,2030-12-31,,X\n"
                   "Bad date,dft_total,100,,,soon,,X\n"
                   "Bad range,dft_total,100,90,80,2030-12-31,,X\n"
                   "Good,dft_total,5,,,2030-12-31,,X\n", encoding="utf-8")
    run_id = load(engine, "targets", bad, "--max-bad-share", "0.6")
    assert quarantine_reasons(engine, run_id) == {
        "no source": 1, "unknown measure": 1, "target_date is not a date": 1, "low is above high": 1,
        "duplicate name": 1}
    stored = {r["name"]: r for r in rows(engine, schema.targets)}
    assert set(stored) == {"Good", "Second good", "Third good", "Fourth good", "Fifth good"}
    assert stored["Good"]["scope"] == "E12000007" and stored["Second good"]["scope"] == "E09000001"


def test_ctx003_a_bad_file_exits_non_zero_and_changes_nothing(sqlite_url, tmp_path):
    engine = new_store(sqlite_url)
    load(engine, "events", DEFAULT_FILES["events"])
    before = (rows(engine, schema.events), version(engine))
    wrong = tmp_path / "events.csv"
    wrong.write_text("when,what\n2024-01-01,Something\n", encoding="utf-8")
    assert cli(sqlite_url, "load", "events", wrong) != 0
    assert (rows(engine, schema.events), version(engine)) == before
    assert last_run(engine)["status"] == "failed" and "missing required column" in last_run(engine)["message"]


def test_ctx004_local_events_add_to_the_defaults_and_reload_replaces_by_key(sqlite_url, tmp_path):
    engine = new_store(sqlite_url)
    load(engine, "events", DEFAULT_FILES["events"])
    local = tmp_path / "local.csv"
    local.write_text("date,title,detail,scope,kind,source\n"
                     "2024-03-01,Lamp-post chargers live,First 200 on-street,E09000033,local,Westminster cabinet\n"
                     "2024-03-01,Wrong borough,x,W06000015,local,X\n", encoding="utf-8")
    run_id = load(engine, "events", local, "--max-bad-share", "0.5")
    assert quarantine_reasons(engine, run_id) == {"scope is not a borough GSS code (leave it empty for all London)": 1}
    local.write_text("date,title,detail,scope,kind,source\n"
                     "2024-03-01,Lamp-post chargers live,First 250 on-street,E09000033,local,Westminster cabinet\n",
                     encoding="utf-8")
    load(engine, "events", local)
    stored = rows(engine, schema.events)
    assert len(stored) == 7
    mine = [r for r in stored if r["gss_code"] == "E09000033"]
    assert [(r["title"], r["detail"], r["kind"]) for r in mine] == [("Lamp-post chargers live", "First 250 on-street",
                                                                     "local")]


def test_ctx005_a_fresh_store_gets_the_shipped_targets_and_events_once(sqlite_url):
    engine = new_store(sqlite_url)
    assert seed_reference(engine) == ["targets", "events"]
    assert seed_reference(engine) == []
    with engine.connect() as conn:
        counts = [conn.execute(select(func.count()).select_from(t)).scalar() for t in (schema.targets, schema.events)]
    assert counts == [3, 6]


@pytest.mark.parametrize("text", ["name,measure\n", "date,title,source\n"])
def test_ctx006_header_only_is_refused(sqlite_url, tmp_path, text):
    engine = new_store(sqlite_url)
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    source = "targets" if text.startswith("name") else "events"
    assert cli(sqlite_url, "load", source, path) != 0
    assert rows(engine, getattr(schema, source)) == []
