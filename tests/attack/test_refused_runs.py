"""A refused run keeps its run log and a bounded sample of bad rows only; quarantine can be listed and purged."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from data import schema
from data.loader.cli import EXIT_REFUSED
from data.loader.refresh import REFUSED_SAMPLE
from tests.sources_util import cli, last_run, new_store, snapshot

UNKNOWN = "session of an unknown device"


def _bad_sessions(path, n: int) -> None:
    """``n`` sessions of a device the store does not know: every row is bad."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("CP ID,Start,End,Total kWh\n")
        fh.writelines(f"GHOST-{i},01/06/2020 10:00,01/06/2020 10:30,7.5\n" for i in range(n))


def _stored(engine, run_id: int) -> list[int]:
    q = schema.quarantine
    with engine.connect() as conn:
        return list(conn.execute(select(q.c.row_number).where(q.c.run_id == run_id).order_by(q.c.id)).scalars())


def test_refused_run_writes_a_bounded_sample_and_counts_every_bad_row(store_url, tmp_path):
    engine = new_store(store_url)
    before = snapshot(engine)
    path = tmp_path / "all_bad.csv"
    _bad_sessions(path, 3 * REFUSED_SAMPLE)
    assert cli(store_url, "load", "sessions-csv", path) == EXIT_REFUSED
    run = last_run(engine)
    assert run["status"] == "refused" and run["rows_quarantined"] == 3 * REFUSED_SAMPLE
    assert f"{3 * REFUSED_SAMPLE} {UNKNOWN}" in run["message"]
    assert _stored(engine, run["run_id"]) == list(range(2, REFUSED_SAMPLE + 2))  # the first rows, in order
    assert snapshot(engine) == before


def test_quarantine_list_and_purge_subcommands(store_url, tmp_path, capsys):
    engine = new_store(store_url)
    path = tmp_path / "all_bad.csv"
    n = 12_345  # beyond what a run keeps in memory: the rest spill to disk and must all come back
    _bad_sessions(path, n)
    assert cli(store_url, "load", "sessions-csv", path, "--max-bad-share", "1") == 0
    first = last_run(engine)["run_id"]
    assert _stored(engine, first) == list(range(2, n + 2))
    assert cli(store_url, "load", "sessions-csv", path, "--max-bad-share", "1") == 0

    capsys.readouterr()
    assert cli(store_url, "quarantine", "list", "--run", first, "--limit", 3) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == f"{n:,} quarantined rows (run {first}): {n:,} {UNKNOWN}"
    assert out[1].startswith(f"run {first} row 2 [sessions-csv] {UNKNOWN}: GHOST-0 | GHOST-0,01/06/2020 10:00")
    assert len(out) == 5 and out[-1] == f"(3 of {n:,} shown; --limit N for more)"

    assert cli(store_url, "quarantine", "purge", "--run", first) == 0
    assert _stored(engine, first) == [] and len(_stored(engine, first + 1)) == n
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert cli(store_url, "quarantine", "purge", "--before", tomorrow) == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.quarantine)).scalar() == 0
    assert last_run(engine)["rows_quarantined"] == n  # the run log keeps its counts


def test_a_small_source_refuses_a_huge_file_before_reading_it(store_url, tmp_path, capsys):
    # population, DfT counts, plug-in vehicles, targets, events, parking and boundaries read their file whole: a
    # wrong or hostile file over WHOLE_FILE_MAX is refused by its size, and the store is as it was
    from data.loader.sources.fetch import WHOLE_FILE_MAX

    engine = new_store(store_url)
    before = snapshot(engine)
    path = tmp_path / "population.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("Code,Name,Population,Year\n")
        row = "E09000001,City of London,8600,2020\n"
        fh.write(row * (WHOLE_FILE_MAX // len(row) + 1))
    capsys.readouterr()
    code = cli(store_url, "load", "population", path)
    assert code != 0
    run = last_run(engine)
    assert code != 0 and run["status"] == "failed" and run["rows_in"] == 0
    assert "more than the 64 MB this source reads whole" in run["message"]
    assert "more than the 64 MB this source reads whole" in capsys.readouterr().err
    assert snapshot(engine) == before
