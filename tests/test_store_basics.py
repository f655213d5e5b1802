"""Store primitives on real SQLite and PostgreSQL: migrate, data version, bulk insert, URL normalisation."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import MetaData, inspect, select

import config
from data import schema
from data.db import make_engine
from data.loader import store


@pytest.fixture
def engine(store_url):
    eng = make_engine(store_url)
    yield eng
    eng.dispose()


def test_migrate_twice_changes_nothing(engine):
    assert store.migrate(engine) == schema.SCHEMA_VERSION
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        meta = dict(conn.execute(select(schema.store_meta)).all())
    assert store.migrate(engine) == schema.SCHEMA_VERSION
    assert set(inspect(engine).get_table_names()) == tables >= set(schema.metadata.tables)
    with engine.connect() as conn:
        assert dict(conn.execute(select(schema.store_meta)).all()) == meta
    assert meta == {"schema_version": str(schema.SCHEMA_VERSION), "data_version": "0"}


def test_migrate_from_schema_1_fills_the_band_rollups(engine):
    # A store left by schema 1 has fine rollups but no band x location tables: migrate builds them.
    store.migrate(engine)
    day = dt.date(2025, 3, 3)
    with engine.begin() as conn:
        for band, kwh in (("slow", 7.0), ("rapid", 30.0)):
            for op in ("A", "B"):
                conn.execute(schema.rollup_daily.insert().values(
                    day=day, gss_code="E09000001", power_band=band, location_type="on-street", operator=op,
                    devices_in_service=1, sessions=2, kwh=kwh, plugged_hours=3.0))
        conn.execute(schema.store_meta.update().where(schema.store_meta.c.key == "schema_version").values(value="1"))
    schema.rollup_daily_band.drop(engine)
    store.migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(schema.rollup_daily_band.c.power_band, schema.rollup_daily_band.c.sessions,
                                   schema.rollup_daily_band.c.kwh).order_by(schema.rollup_daily_band.c.power_band)).all()
        version = conn.execute(select(schema.store_meta.c.value).where(schema.store_meta.c.key == "schema_version")).scalar()
    assert [tuple(r) for r in rows] == [("rapid", 4, 60.0), ("slow", 4, 14.0)]
    assert version == str(schema.SCHEMA_VERSION)


def test_migrate_from_schema_2_adds_the_london_heatmap_rollup_and_the_operator_index(engine):
    store.migrate(engine)
    with engine.begin() as conn:
        for dow, sessions in ((0, 3), (1, 5)):
            for gss in ("E09000001", "E09000002"):
                conn.execute(schema.rollup_hour_of_week.insert().values(
                    gss_code=gss, power_band="slow", location_type="on-street", operator="A", dow=dow, hour=18,
                    month=dt.date(2025, 3, 1), sessions=sessions, kwh=1.5))
        conn.execute(schema.store_meta.update().where(schema.store_meta.c.key == "schema_version").values(value="2"))
    schema.rollup_how_london.drop(engine)
    next(i for i in schema.devices.indexes if i.name == "ix_devices_operator").drop(engine)
    store.migrate(engine)
    with engine.connect() as conn:
        t = schema.rollup_how_london.c
        rows = conn.execute(select(t.dow, t.sessions, t.kwh).order_by(t.dow)).all()
    assert [tuple(r) for r in rows] == [(0, 6, 3.0), (1, 10, 3.0)]
    assert "ix_devices_operator" in {i["name"] for i in inspect(engine).get_indexes("devices")}


def test_data_version_bumps_in_the_callers_transaction(engine):
    store.migrate(engine)
    with engine.connect() as conn:
        with conn.begin():
            assert store.bump_data_version(conn) == 1
        trans = conn.begin()
        store.bump_data_version(conn)
        trans.rollback()
    assert store.get_data_version(engine) == 1


def test_bulk_insert_round_trips_dates_and_nulls(engine):
    store.migrate(engine)
    devices = pd.DataFrame({
        "device_id": ["a", "b"], "latitude": [51.5, 51.4], "longitude": [-0.1, 0.0],
        "gss_code": ["E09000001", None], "operator": ["X", None], "location_type": ["on-street", "other"],
        "installed_on": [dt.date(2020, 5, 1), None], "max_kw": [7.0, float("nan")]})
    sessions = pd.DataFrame({"device_id": ["a", "a"],
                             "started_at": pd.to_datetime(["2022-01-01 18:00:05", "2022-01-02 07:00:00"]),
                             "ended_at": pd.to_datetime(["2022-01-01 21:30:00", "2022-01-02 07:40:00"]),
                             "kwh": [10.5, 3.25]})
    with engine.begin() as conn:
        assert store.bulk_insert(conn, schema.devices, devices) == 2
        assert store.bulk_insert(conn, schema.sessions, sessions) == 2
    with engine.connect() as conn:
        d = conn.execute(select(schema.devices).order_by(schema.devices.c.device_id)).mappings().all()
        s = conn.execute(select(schema.sessions).where(
            schema.sessions.c.started_at >= dt.datetime(2022, 1, 1, 18, 0, 5))).mappings().all()
    assert d[0]["installed_on"] == dt.date(2020, 5, 1) and d[1]["installed_on"] is None
    assert d[1]["gss_code"] is None and d[1]["operator"] is None and d[1]["max_kw"] is None
    assert [r["started_at"] for r in s] == [dt.datetime(2022, 1, 1, 18, 0, 5), dt.datetime(2022, 1, 2, 7, 0)]
    assert [r["kwh"] for r in s] == [10.5, 3.25]


def test_sqlite_datetime_text_is_exactly_sqlalchemys():
    from sqlalchemy.dialects import sqlite
    to_text = sqlite.DATETIME().bind_processor(sqlite.dialect())
    values = pd.Series(pd.to_datetime(["2022-01-01 18:00:05", "1999-12-31 23:59:59.999999", None,
                                       "2024-02-29 00:00:00.000001", "2022-06-01 07:30"], format="ISO8601"))
    assert store.format_datetimes(values) == [None if pd.isna(v) else to_text(v.to_pydatetime()) for v in values]
    assert store.format_datetimes(values.iloc[:0]) == []


def test_bulk_insert_keeps_awkward_text_exactly(engine):
    store.migrate(engine)
    names = ["tab\there", "new\nline", "back\\slash", r"\N", "", "quote \"q\" , comma"]
    df = pd.DataFrame({"device_id": [f"d{i}" for i in range(len(names))], "name": names,
                       "latitude": 51.5, "longitude": 0.0, "location_type": "other"})
    with engine.begin() as conn:
        store.bulk_insert(conn, schema.devices, df)
    with engine.connect() as conn:
        got = conn.execute(select(schema.devices.c.name).order_by(schema.devices.c.device_id)).scalars().all()
    assert got == names


def test_bulk_insert_rejects_unknown_columns(engine):
    store.migrate(engine)
    with engine.begin() as conn, pytest.raises(ValueError, match="not_a_column"):
        store.bulk_insert(conn, schema.devices, pd.DataFrame({"not_a_column": [1]}))


@pytest.mark.parametrize("raw, expected", [
    ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
])
def test_database_url_normalisation(raw, expected):
    assert config.normalise_database_url(raw) == expected


def test_unset_database_url_is_the_instance_sqlite_file(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "settings", lambda: config.load({"INSTANCE_DIR": str(tmp_path / "instance")}))
    url = config.normalise_database_url(None)
    assert url == f"sqlite:///{tmp_path / 'instance' / 'evcharge.sqlite'}"
    eng = make_engine(None)
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    eng.dispose()


def test_bulk_insert_binary_copy_types_nulls_and_unicode(engine):
    """Every column type the PostgreSQL binary COPY encodes, with NULLs, empty and non-ASCII text."""
    store.migrate(engine)
    devices = pd.DataFrame({
        "device_id": ["é1", "b", "c"], "name": ["Café ☕ Ünïcode", "", None], "latitude": [51.5, -0.25, 1e-9],
        "longitude": [0.0, 0.1, 0.2], "location_type": "other",
        "installed_on": [dt.date(1999, 12, 31), None, dt.date(2024, 2, 29)], "max_kw": [7.4, None, 350.0]})
    connectors = pd.DataFrame({"device_id": ["é1", "é1", "b"], "connector_no": [1, 2, 1],
                               "connector_type": ["Type 2", None, "CCS"], "rated_kw": [7.4, 22.0, None]})
    with engine.begin() as conn:
        store.bulk_insert(conn, schema.devices, devices)
        store.bulk_insert(conn, schema.connectors, connectors)
        store.bulk_insert(conn, schema.sessions, pd.DataFrame({
            "device_id": ["é1", "b"], "started_at": pd.to_datetime(["1999-12-31 23:59:59.999999", "2022-06-01"], format="ISO8601"),
            "ended_at": pd.to_datetime(["2000-01-01 00:00:01", "2022-06-01 01:00:00"]),
            "kwh": [0.1 + 0.2, 3.0], "source": ["ünï", None]}))
    with engine.connect() as conn:
        d = conn.execute(select(schema.devices).order_by(schema.devices.c.latitude)).mappings().all()
        c = conn.execute(select(schema.connectors).order_by(schema.connectors.c.device_id,
                                                            schema.connectors.c.connector_no)).mappings().all()
        s = conn.execute(select(schema.sessions).order_by(schema.sessions.c.started_at)).mappings().all()
    assert [r["device_id"] for r in d] == ["b", "c", "é1"]
    assert [r["name"] for r in d] == ["", None, "Café ☕ Ünïcode"]
    assert [r["installed_on"] for r in d] == [None, dt.date(2024, 2, 29), dt.date(1999, 12, 31)]
    assert [r["max_kw"] for r in d] == [None, 350.0, 7.4]
    assert sorted((r["device_id"], r["connector_no"], r["connector_type"], r["rated_kw"]) for r in c) == [
        ("b", 1, "CCS", None), ("é1", 1, "Type 2", 7.4), ("é1", 2, None, 22.0)]
    assert s[0]["started_at"] == dt.datetime(1999, 12, 31, 23, 59, 59, 999999)
    assert s[0]["ended_at"] == dt.datetime(2000, 1, 1, 0, 0, 1) and s[0]["kwh"] == 0.1 + 0.2
    assert s[0]["source"] == "ünï" and s[1]["source"] is None


def _without_rowid(engine, name: str) -> bool:
    with engine.connect() as conn:
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).scalar_one()
    return "WITHOUT ROWID" in sql.upper()


def test_migrate_from_schema_4_makes_sqlite_rollups_without_rowid_keeping_their_rows(sqlite_url):
    engine = make_engine(sqlite_url)
    store.migrate(engine)
    t = schema.rollup_daily_borough
    # A schema 4 store: the same tables with a rowid.
    with engine.begin() as conn:
        for table in schema.ROLLUP_TABLES:
            conn.exec_driver_sql(f'DROP TABLE "{table.name}"')
    legacy = MetaData()
    for table in schema.ROLLUP_TABLES:
        copy = table.to_metadata(legacy)
        copy.dialect_options["sqlite"]["with_rowid"] = True
    legacy.create_all(engine)
    row = dict(day=dt.date(2025, 3, 3), gss_code="E09000001", devices_in_service=4, sessions=2, kwh=7.5,
               plugged_hours=3.0)
    # In the fine table (with the band 'unknown', which version 6 keeps in the derived ones) and the derived one.
    fine = dict(row, power_band="unknown", location_type="on-street", operator="Op")
    with engine.begin() as conn:
        conn.execute(t.insert().values(**row))
        conn.execute(schema.rollup_daily.insert().values(**fine))
        conn.execute(schema.store_meta.update().where(schema.store_meta.c.key == "schema_version").values(value="4"))
    assert not _without_rowid(engine, t.name)
    assert store.migrate(engine) == schema.SCHEMA_VERSION
    assert all(_without_rowid(engine, table.name) for table in schema.ROLLUP_TABLES)
    with engine.connect() as conn:
        assert [dict(r) for r in conn.execute(select(t)).mappings()] == [row]  # rebuilt from the fine row
        assert [dict(r) for r in conn.execute(select(schema.rollup_daily)).mappings()] == [fine]
        assert not conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name LIKE '%__old'").all()
    store.migrate(engine)  # and again: nothing left to do
    assert all(_without_rowid(engine, table.name) for table in schema.ROLLUP_TABLES)
    engine.dispose()
