"""The devices CSV is built on both stores (PostgreSQL returns dates where SQLite returns text)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from data import schema
from data.db import make_engine
from data.device_export import COLUMNS, USAGE, selected_devices


def _state(**changes) -> dict:
    return {"from": "2021-01-01", "to": "2022-12-31", "bands": list(schema.POWER_BANDS),
            "locations": list(schema.LOCATION_TYPES), "boroughs": [], "operators": []} | changes


def test_devices_export_gives_iso_install_dates_on_both_stores(demo_store):
    frame = selected_devices(demo_store, _state(), with_usage=True)
    assert list(frame.columns) == COLUMNS + USAGE and len(frame) > 0
    engine = make_engine(demo_store)
    d = schema.devices.c
    with engine.connect() as conn:
        stored = dict(conn.execute(select(d.device_id, d.installed_on)).all())
    engine.dispose()
    for device_id, installed in zip(frame["device_id"], frame["installed_on"], strict=True):
        value = stored[device_id]
        expected = None if value is None else (value if isinstance(value, date) else date.fromisoformat(value[:10]))
        assert installed == (None if expected is None else expected.isoformat())
    assert frame["installed_on"].notna().any()
