"""Store changes for the status watcher: schema 6 (sessions.kwh may be NULL) and per-kind data versions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.exc import IntegrityError

from data import schema
from data.db import make_engine
from data.loader import store

ROW = dict(device_id="d1", started_at=dt.datetime(2025, 3, 3, 8), ended_at=dt.datetime(2025, 3, 3, 9), kwh=7.5,
           source="sessions-csv")


def test_ws001_migrate_from_schema_5_lets_kwh_be_null_keeping_sessions(store_url):
    engine = make_engine(store_url)
    store.migrate(engine)
    s = schema.sessions
    with engine.begin() as conn:  # a schema 5 store: kwh NOT NULL
        conn.exec_driver_sql("DROP TABLE sessions")
    legacy = MetaData()
    s.to_metadata(legacy).c.kwh.nullable = False
    legacy.create_all(engine)
    with engine.begin() as conn:
        conn.execute(s.insert().values(**ROW))
        conn.execute(schema.store_meta.update().where(schema.store_meta.c.key == "schema_version").values(value="5"))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(s.insert().values(**{**ROW, "device_id": "d2", "kwh": None}))
    assert store.migrate(engine) == schema.SCHEMA_VERSION  # 6, 7 (this step) and 8 since
    with engine.begin() as conn:
        conn.execute(s.insert().values(**{**ROW, "device_id": "d2", "kwh": None, "source": "status"}))
    with engine.connect() as conn:
        rows = conn.execute(select(s.c.device_id, s.c.kwh).order_by(s.c.device_id)).all()
    assert rows == [("d1", 7.5), ("d2", None)]
    with pytest.raises(IntegrityError), engine.begin() as conn:  # the unique (device, start) index survived
        conn.execute(s.insert().values(**ROW))
    assert store.migrate(engine) == schema.SCHEMA_VERSION  # and again: nothing left to do
    engine.dispose()


def test_ws002_per_kind_data_versions(sqlite_url):
    engine = make_engine(sqlite_url)
    store.migrate(engine)
    with engine.begin() as conn:
        assert store.bump_data_version(conn, "status") == 1
        assert store.bump_data_version(conn, "status") == 2
    assert (store.get_data_version(engine), store.get_data_version(engine, "status")) == (0, 2)
    with engine.begin() as conn:
        store.bump_data_version(conn)
    assert (store.get_data_version(engine), store.get_data_version(engine, "status")) == (1, 2)
    with pytest.raises(ValueError, match="unknown data kind"):
        store.get_data_version(engine, "weather")
    engine.dispose()
