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


def _ocpi_location(loc_id: str, lat: float, lon: float, uids: list[str]) -> dict:
    evse = [{"uid": uid, "status": "AVAILABLE",
             "connectors": [{"id": "1", "standard": "IEC_62196_T2", "power_type": "AC_1_PHASE",
                             "max_electric_power": 7000}]} for uid in uids]
    return {"id": loc_id, "name": loc_id, "country_code": "GB", "party_id": "HOS", "publish": True,
            "coordinates": {"latitude": str(lat), "longitude": str(lon)}, "evses": evse}


def test_ocpi_locations_swapped_coordinates_are_corrected_like_the_registry(london, tmp_path):
    """Hostile OCPI feed: Camden swapped (corrected, counted, logged), Manchester swapped (stays quarantined),
    an EVSE without uid at swapped coordinates (quarantined once, for the uid), a correct Camden location."""
    import json

    camden = (51.5390, -0.1426)  # Camden Town
    locs = [_ocpi_location("CAMDEN-OK", *camden, ["HOS-1"]),
            _ocpi_location("CAMDEN-SWAPPED", camden[1], camden[0], ["HOS-2", "HOS-3"]),
            _ocpi_location("MAN-SWAPPED", -2.2426, 53.4808, ["HOS-4"]),
            _ocpi_location("NO-UID-SWAPPED", camden[1], camden[0], [""])]
    path = tmp_path / "ocpi_swapped.json"
    path.write_text(json.dumps({"data": locs, "status_code": 1000}), encoding="utf-8")
    before = devices_by_borough(london)
    load(london, "ocpi-locations", path, "--max-bad-share", "0.5")
    run = last_run(london)
    assert run["status"] == "ok" and run["rows_in"] == 5 and run["rows_loaded"] == 3
    assert run["rows_quarantined"] == 2  # corrections are logged, not counted as bad rows
    assert "2 corrected (e.g. latitude and longitude swapped" in run["message"]
    assert quarantine_reasons(london, run["run_id"]) == {
        "corrected": 2, "latitude and longitude swapped": 1, "EVSE without uid": 1}
    assert [r for r in quarantined_rows(london, run["run_id"]) if not r[1].startswith("corrected")] == [
        (3, "latitude and longitude swapped"), (4, "EVSE without uid")]
    d = schema.devices
    with london.connect() as conn:
        stored = dict(conn.execute(select(d.c.device_id, d.c.gss_code).where(d.c.source == "ocpi-locations")).all())
        lat, lon = conn.execute(select(d.c.latitude, d.c.longitude).where(d.c.device_id == "HOS-2")).one()
    assert stored == {"HOS-1": CAMDEN, "HOS-2": CAMDEN, "HOS-3": CAMDEN}
    assert (round(lat, 4), round(lon, 4)) == camden
    assert devices_by_borough(london)[CAMDEN] == before[CAMDEN] + 3
