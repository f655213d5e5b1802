"""Boundaries that would misplace devices are refused: one line, non-zero exit, store unchanged, run failed."""

from __future__ import annotations

import json

import pytest
import shapely

from tests.sources_util import cli, devices_by_borough, last_run, load, new_store, snapshot

SIMPLIFIED = "london_boroughs_simplified.geojson"
CITY, CAMDEN, WESTMINSTER = "E09000001", "E09000007", "E09000033"


@pytest.fixture
def london(store_url, shared_data):
    """Real boundaries and the real 2019-2020 London registry subset."""
    engine = new_store(store_url)
    load(engine, "boundaries", shared_data / SIMPLIFIED)
    load(engine, "ncr", shared_data / "ncpr_london_subset_2019-2020.csv")
    return engine


def _features(shared_data) -> dict:
    return json.loads((shared_data / SIMPLIFIED).read_text())


def _by_code(doc: dict) -> dict:
    return {f["properties"]["GSS_CODE"]: f for f in doc["features"]}


def _refused(engine, url, path, capsys, message: str) -> None:
    before = snapshot(engine)
    capsys.readouterr()
    rc = cli(url, "load", "boundaries", path)
    err = capsys.readouterr().err.strip().splitlines()
    assert rc != 0
    assert len(err) == 1 and message in err[0], err
    assert snapshot(engine) == before
    run = last_run(engine)
    assert run["status"] == "failed" and message in run["message"]


def test_self_intersecting_borough_is_refused(london, store_url, shared_data, tmp_path, capsys):
    doc = _features(shared_data)
    geometry = _by_code(doc)[CAMDEN]["geometry"]
    ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
    third = len(ring) // 3
    ring[third], ring[2 * third] = ring[2 * third], ring[third]  # a bow-tie: the ring now crosses itself
    assert not shapely.from_geojson(json.dumps(geometry)).is_valid
    path = tmp_path / "camden_self_intersecting.geojson"
    path.write_text(json.dumps(doc))
    _refused(london, store_url, path, capsys, f"borough {CAMDEN} (Camden) has invalid geometry")


def test_borough_given_its_neighbours_polygon_is_refused(london, store_url, shared_data, tmp_path, capsys):
    doc = _features(shared_data)
    by_code = _by_code(doc)
    by_code[CITY]["geometry"] = by_code[WESTMINSTER]["geometry"]
    path = tmp_path / "city_as_westminster.geojson"
    path.write_text(json.dumps(doc))
    _refused(london, store_url, path, capsys, f"boroughs {CITY} (City of London) and {WESTMINSTER} (Westminster) overlap")


def test_five_boroughs_on_a_fresh_store_are_refused(store_url, shared_data, tmp_path, capsys):
    doc = _features(shared_data)
    doc["features"] = doc["features"][:5]
    path = tmp_path / "five_boroughs.geojson"
    path.write_text(json.dumps(doc))
    engine = new_store(store_url)
    _refused(engine, store_url, path, capsys, "5 of London's 33 boroughs in the file")


def test_partial_file_replaces_only_its_boroughs_when_asked(london, store_url, shared_data, tmp_path):
    doc = _features(shared_data)
    doc["features"] = [f for f in doc["features"] if f["properties"]["GSS_CODE"] in (CAMDEN, WESTMINSTER)]
    path = tmp_path / "two_boroughs.geojson"
    path.write_text(json.dumps(doc))
    before = devices_by_borough(london)
    assert cli(store_url, "load", "boundaries", path, "--partial") == 0
    assert last_run(london)["status"] == "ok"
    assert devices_by_borough(london) == before and len(before) == 26


def test_partial_file_overlapping_a_stored_borough_is_refused(london, store_url, shared_data, tmp_path, capsys):
    doc = _features(shared_data)
    by_code = _by_code(doc)
    city = by_code[CITY]
    city["geometry"] = by_code[WESTMINSTER]["geometry"]
    doc["features"] = [city]
    path = tmp_path / "city_only_as_westminster.geojson"
    path.write_text(json.dumps(doc))
    before = snapshot(london)
    capsys.readouterr()
    assert cli(store_url, "load", "boundaries", path, "--partial") != 0
    assert "overlap" in capsys.readouterr().err
    assert snapshot(london) == before
