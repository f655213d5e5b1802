"""`borough-parking` (issue 17 item 4): the share of households without off-street parking per borough, loaded
from small files written here (no such public file is in ../shared/data), reaches peer boroughs; hostile rows
are quarantined with their reasons, on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest
from flask import Flask

from cache import cache
from data import queries
from data.loader.cli import EXIT_REFUSED
from data.loader.sources.borough_parking import BOROUGHS
from state.selection import default_state
from tests.sources_util import cli, last_run, load, new_store, quarantined_rows, snapshot
from views import peers
from views.common import Source

REF = pd.read_csv(BOROUGHS, dtype=str)
# a made-up share per borough: inner boroughs high, outer low, spread by position (hand-checkable)
SHARES = {c: round((0.80 if io == "Inner" else 0.30) + 0.005 * i, 3)
          for i, (c, io) in enumerate(zip(REF["gss_code"], REF["inner_outer"], strict=True))}


@pytest.fixture(autouse=True)
def ctx():
    """An app context with a fresh SimpleCache, as the dashboard runs queries."""
    app = Flask(__name__)
    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        yield app


@pytest.fixture
def london(store_url, shared_data):
    engine = new_store(store_url)
    for source, name in (("boundaries", "london_boroughs_simplified.geojson"),
                         ("population", "london_borough_population_area.csv"),
                         ("plugin-vehicles", "london_plugin_vehicles_by_borough_quarterly_approx.csv")):
        load(engine, source, shared_data / name)
    return engine


def _write(path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _stored(url: str) -> dict[str, float]:
    frame = queries.borough_frame(url, queries.read_version(url), "2030-01-01")
    return dict(zip(frame["gss_code"], frame["no_offstreet"], strict=True)) if "no_offstreet" in frame else {}


def test_all_boroughs_load_and_peers_use_the_measure(london, store_url, tmp_path):
    state = {**default_state(None), "boroughs": ["E09000033"]}
    src = Source(store_url, queries.read_version(store_url))
    before, _ = peers.frame(src, state)
    assert "no_offstreet" not in before.columns

    # names instead of codes for some rows, percentages: the file's figures are read as percentages
    rows = [f"{c if i % 2 else REF['name'][i]},{SHARES[c] * 100:.1f},2021" for i, c in enumerate(REF["gss_code"])]
    load(london, "borough-parking", _write(tmp_path / "parking.csv", ["borough,percent,year", *rows]))
    run = last_run(london)
    assert (run["status"], run["rows_in"], run["rows_loaded"], run["rows_quarantined"]) == ("ok", 33, 33, 0)
    assert _stored(store_url) == pytest.approx(SHARES)

    after, _ = peers.frame(Source(store_url, queries.read_version(store_url)), state)
    assert after["no_offstreet"].iloc[0] == pytest.approx(SHARES["E09000033"])
    assert "z_no_offstreet" in after.columns and len(after) == 6
    assert "borough-parking" in peers.csv_frame(after)["source"].iloc[0]


def test_hostile_rows_are_quarantined_with_their_reasons(london, store_url, tmp_path):
    good = [f"{c},{SHARES[c]},2021" for c in REF["gss_code"][2:]]  # shares 0-1; two boroughs left out
    path = _write(tmp_path / "hostile.csv", ["gss_code,share,year", *good,
                                             "E09000099,0.5,2021",          # unknown borough (a code)
                                             "Gotham,0.5,2021",             # unknown borough (a name)
                                             "E09000001,1.5,2021",          # share over 100%
                                             "E09000002,,2021",             # no share
                                             "E09000002,-0.1,2021",         # negative
                                             "E09000002,0.4,",              # no year
                                             ",0.4,2021",                   # no borough
                                             f"E09000003,{SHARES['E09000003']},2021"])  # a second row, same year
    load(london, "borough-parking", path, "--max-bad-share", "0.5")
    run = last_run(london)
    n = len(good) + 2
    assert run["status"] == "ok" and run["rows_loaded"] == len(good) and run["rows_quarantined"] == 8
    assert quarantined_rows(london, run["run_id"]) == [
        (n, "unknown borough: E09000099"), (n + 1, "unknown borough: Gotham"), (n + 2, "share over 100%"),
        (n + 3, "share missing or not a number"), (n + 4, "negative share"), (n + 5, "year missing or not a year"),
        (n + 6, "no borough"), (n + 7, "duplicate borough and year")]
    assert "2 London boroughs without a figure in the file" in run["message"]
    assert set(_stored(store_url)) == set(REF["gss_code"])  # the column is there, two boroughs empty
    state = {**default_state(None), "boroughs": ["E09000033"]}
    result, _ = peers.frame(Source(store_url, queries.read_version(store_url)), state)
    assert "no_offstreet" not in result.columns and len(result) == 6  # a partial measure is left out, not boroughs


def test_a_file_of_mostly_bad_rows_is_refused_and_changes_nothing(london, store_url, tmp_path):
    before = snapshot(london)
    path = _write(tmp_path / "bad.csv", ["borough,share,year", "Gotham,0.5,2021", "E09000001,150%,2021",
                                         "E09000002,0.4,2021"])
    assert cli(store_url, "load", "borough-parking", path) == EXIT_REFUSED
    assert last_run(london)["status"] == "refused" and snapshot(london) == before and _stored(store_url) == {}


def test_not_a_parking_file_is_one_line(london, store_url, tmp_path, capsys):
    path = _write(tmp_path / "other.csv", ["gss_code,population,year", "E09000001,10000,2021"])
    assert cli(store_url, "load", "borough-parking", path) != 0
    assert "expected a borough code or name, a share" in capsys.readouterr().err
