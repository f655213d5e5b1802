"""Registry rows that can be saved are saved: swapped coordinates that land in a borough once swapped back
are corrected, counted and logged ("corrected"); no row is quarantined twice."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import func, select

from data import schema
from tests.sources_util import (
    devices_by_borough,
    last_run,
    load,
    new_store,
    quarantine_reasons,
    quarantined_rows,
)

CAMDEN = "E09000007"
SUBSET = "ncpr_london_subset_2019-2020.csv"


@pytest.fixture
def london(store_url, shared_data):
    """Real boundaries and the real 2019-2020 London registry subset (its Camden rows as published fixed)."""
    engine = new_store(store_url)
    load(engine, "boundaries", shared_data / "london_boroughs_simplified.geojson")
    load(engine, "ncr", shared_data / SUBSET)
    return engine


def _rows(shared_data) -> tuple[list[str], list[dict]]:
    with open(shared_data / SUBSET, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames), list(reader)


def _write(path, header, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)


def _swap(row: dict) -> dict:
    return row | {"latitude": row["longitude"], "longitude": row["latitude"]}


def _camden_ids(engine) -> set[str]:
    d = schema.devices
    with engine.connect() as conn:
        return set(conn.execute(select(d.c.device_id).where(d.c.gss_code == CAMDEN)).scalars())


def test_swapped_camden_rows_are_corrected_counted_and_loaded(london, shared_data, tmp_path):
    before, camden = devices_by_borough(london), _camden_ids(london)
    header, rows = _rows(shared_data)
    path = tmp_path / "camden_swapped.csv"
    _write(path, header, [_swap(r) if r["chargeDeviceID"] in camden else r for r in rows])
    load(london, "ncr", path, "--replace")
    run = last_run(london)
    assert run["status"] == "ok" and run["rows_quarantined"] == 0 and run["rows_loaded"] == len(rows)
    assert f"{len(camden)} corrected (" in run["message"] and len(camden) > 100
    assert quarantine_reasons(london, run["run_id"]) == {"corrected": len(camden)}
    assert devices_by_borough(london) == before
    assert _camden_ids(london) == camden


def test_row_without_id_and_with_swapped_coordinates_is_quarantined_once(london, shared_data, tmp_path):
    header, rows = _rows(shared_data)
    path = tmp_path / "no_id_swapped.csv"
    _write(path, header, [*rows, _swap(rows[0]) | {"chargeDeviceID": ""}])
    load(london, "ncr", path)
    run = last_run(london)
    assert quarantined_rows(london, run["run_id"]) == [(len(rows) + 2, "missing chargeDeviceID")]
    q = schema.quarantine
    with london.connect() as conn:
        per_row = conn.execute(select(q.c.row_number, func.count()).where(q.c.run_id == run["run_id"])
                               .group_by(q.c.row_number).having(func.count() > 1)).all()
    assert per_row == [] and run["rows_quarantined"] == 1


def test_swapped_point_outside_the_boundaries_stays_quarantined(london, shared_data, tmp_path):
    header, rows = _rows(shared_data)
    manchester = rows[0] | {"chargeDeviceID": "MAN-SWAPPED", "latitude": "-2.2426", "longitude": "53.4808"}
    path = tmp_path / "manchester_swapped.csv"
    _write(path, header, [*rows, manchester])
    load(london, "ncr", path)
    run = last_run(london)
    assert quarantined_rows(london, run["run_id"]) == [(len(rows) + 2, "latitude and longitude swapped")]
