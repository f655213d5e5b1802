"""A CSV read in chunks gives what one whole-file read gives (issue 18 item 12: loads stream in bounded memory):
the same rows, quarantine (row numbers, reasons, order), notes and counts, with duplicates and the autumn
repeated hour's second pass found across chunk boundaries; staged rows reach the store inside the same refresh.
"""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from data import schema
from data.loader.sources import sessions_csv, tabular
from data.loader.sources.base import Parsed, parse_options
from data.loader.sources.fetch import open_text, read_text
from tests.sources_util import last_run, load, new_store, quarantined_rows, snapshot

DEVICES = {"D1", "D2", "D3"}
ROWS = [
    ("D1", "01/06/2020 10:00", "01/06/2020 10:30", "7.5"),
    ("D2", "01/06/2020 10:00", "01/06/2020 11:00", "3.0"),
    ("D1", "01/06/2020 10:00", "01/06/2020 10:45", "4.0"),   # duplicate of the first row (another chunk)
    ("D3", "0000-00-00", "01/06/2020 11:00", "1.0"),          # start not a date
    ("D9", "02/06/2020 10:00", "02/06/2020 11:00", "1.0"),    # unknown device
    ("D2", "25/10/2020 01:30", "25/10/2020 01:45", "2.0"),    # repeated hour, first pass (BST)
    ("D1", "03/06/2020 10:00", "03/06/2020 09:00", "1.0"),    # end before start
    ("D2", "25/10/2020 01:30", "25/10/2020 02:10", "2.0"),    # repeated hour, second pass (GMT), another chunk
    ("D3", "04/06/2020 10:00", "04/06/2020 10:30", "-1"),     # negative kWh
    ("", "04/06/2020 10:00", "04/06/2020 10:30", "1"),        # missing device
    ("D3", "29/03/2020 01:30", "29/03/2020 03:00", "5.0"),    # the spring gap: shifted forward
    ("D2", "01/06/2020 10:00", "01/06/2020 12:00", "9.0"),    # duplicate of the second row
    ("D3", "05/06/2020 10:00", "05/06/2020 10:30", "2.5"),
]


def _file(tmp_path, encoding: str = "utf-8-sig", newline: str = "\r\n"):
    path = tmp_path / "sessions.csv"
    lines = ["CP ID,Start,End,Total kWh", *(",".join(r) for r in ROWS), "D1,only two"]  # + a column-shifted row
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def _parse(path, chunk_rows: int | None) -> Parsed:
    opts = parse_options(sessions_csv._parser(), [])
    return sessions_csv.parse(str(path), opts, set(DEVICES), chunk_rows=chunk_rows)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 5])
def test_sessions_in_chunks_equal_one_whole_file_read(tmp_path, encoding, chunk_rows):
    path = _file(tmp_path, encoding)
    whole, chunked = _parse(path, None), _parse(path, chunk_rows)
    assert len(whole.tables["sessions"]) == 6  # the test's rows: 6 good ones
    pd.testing.assert_frame_equal(chunked.tables["sessions"].staged.frame(), whole.tables["sessions"].staged.frame())
    # the same rows and reasons; a chunk's read-time faults (the column-shifted row) come before its checks
    assert sorted(chunked.quarantined) == sorted(whole.quarantined)
    assert chunked.quarantined.reasons == whole.quarantined.reasons
    assert [r for _, _, r in sorted(whole.quarantined)][:3] == ["duplicate session: same device and start",
                                                                "start is not a date (e.g. 0000-00-00 or blank)",
                                                                "session of an unknown device: D9"]
    assert chunked.notes == whole.notes and chunked.rows_in == whole.rows_in == len(ROWS) + 1
    assert chunked.summary() == whole.summary()


def test_csv_chunks_concatenate_to_the_whole_text_read(tmp_path):
    path = _file(tmp_path, "utf-16", "\r")
    text_parsed, stream_parsed = Parsed("t", "x"), Parsed("t", "x")
    whole = tabular.read_csv(read_text(str(path)), text_parsed)
    with open_text(str(path)) as stream:
        parts = list(tabular.csv_chunks(stream, stream_parsed, chunk_rows=4))
    assert len(parts) == 4
    pd.testing.assert_frame_equal(pd.concat(parts), whole)
    assert list(stream_parsed.quarantined) == list(text_parsed.quarantined)


def test_seen_finds_repeats_across_chunks_only_where_remembered():
    seen = tabular.Seen()
    first = pd.DataFrame({"d": ["a", "b", "a"], "n": [1, 1, 1]})
    assert seen.repeated(first).tolist() == [False, False, True]
    later = pd.DataFrame({"d": ["b", "c", "a", "c"], "n": [1, 1, 2, 1]}, index=[3, 4, 5, 6])
    assert seen.repeated(later, pd.Series([False, True, True, True], index=later.index)).tolist() == \
        [False, False, False, True]
    assert len(seen) == 4  # (a,1), (b,1), (c,1), (a,2): repeats are not stored twice


def _stored(engine):
    s = schema.sessions
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(s.c.device_id, s.c.started_at, s.c.ended_at, s.c.kwh)))


def test_chunked_load_stages_in_the_refresh_and_a_refused_one_leaves_the_store(store_url, tmp_path, monkeypatch,
                                                                               shared_data):
    engine = new_store(store_url)
    load(engine, "boundaries", shared_data / "london_boroughs_simplified.geojson")
    load(engine, "ncr", shared_data / "ncpr_london_subset_2019-2020.csv")
    with engine.connect() as conn:
        ids = sorted(conn.execute(select(schema.devices.c.device_id)).scalars())[:3]
    path = tmp_path / "real_devices.csv"
    path.write_text(_file(tmp_path).read_text(encoding="utf-8-sig")
                    .replace("D1,", f"{ids[0]},").replace("D2,", f"{ids[1]},").replace("D3,", f"{ids[2]},"),
                    encoding="utf-8")
    load(engine, "sessions-csv", path, "--max-bad-share", "0.6")
    whole_rows, whole_q = _stored(engine), quarantined_rows(engine, last_run(engine)["run_id"])
    assert len(whole_rows) == 6

    monkeypatch.setattr(tabular, "CHUNK_ROWS", 2)
    engine2 = new_store(store_url.replace("store.sqlite", "store2.sqlite")) if "sqlite" in store_url else engine
    if engine2 is not engine:
        load(engine2, "boundaries", shared_data / "london_boroughs_simplified.geojson")
        load(engine2, "ncr", shared_data / "ncpr_london_subset_2019-2020.csv")
    load(engine2, "sessions-csv", path, "--max-bad-share", "0.6")  # again on PostgreSQL: replaces the same rows
    assert _stored(engine2) == whole_rows
    assert sorted(quarantined_rows(engine2, last_run(engine2)["run_id"])) == sorted(whole_q)

    before = snapshot(engine2)
    assert load(engine2, "sessions-csv", path, "--max-bad-share", "0.6", "--dry-run") is None  # stages, writes nothing
    assert snapshot(engine2) == before
    load_refused = pytest.raises(Exception, match="refused")
    with load_refused:
        load(engine2, "sessions-csv", path, "--max-bad-share", "0.1")
    assert last_run(engine2)["status"] == "refused" and snapshot(engine2) == before


def test_registry_in_chunks_equals_one_whole_file_read(tmp_path, shared_data):
    """The real London subset with hostile rows added: a repeated id far from its first, a swapped Camden row
    (corrected), a row without id, coordinates outside the UK: chunks of 7 rows give what one read gives."""
    import csv

    from data.geo import BoroughIndex
    from data.loader.sources import boundaries, ncr

    with open(shared_data / "ncpr_london_subset_2019-2020.csv", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames), list(reader)[:60]
    rows += [rows[3] | {"postcode": "AGAIN"}, rows[5] | {"latitude": rows[5]["longitude"], "longitude": rows[5]["latitude"],
                                                     "chargeDeviceID": "SWAPPED-1"},
             rows[6] | {"chargeDeviceID": ""}, rows[7] | {"chargeDeviceID": "FAR-1", "latitude": "10"}]
    path = tmp_path / "registry.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header)
        writer.writeheader()
        writer.writerows(rows)
    geo = boundaries.parse(str(shared_data / "london_boroughs_simplified.geojson"),
                           parse_options(boundaries._parser(), ["--partial"])).tables["boroughs"]
    index = BoroughIndex.from_geojson_texts(list(zip(geo["gss_code"], geo["geometry"], strict=True)))
    opts = parse_options(ncr._parser(), [])
    whole, chunked = ncr.parse(str(path), opts, index), ncr.parse(str(path), opts, index, chunk_rows=7)
    for table in ("devices", "connectors"):
        pd.testing.assert_frame_equal(chunked.tables[table].reset_index(drop=True),
                                      whole.tables[table].reset_index(drop=True), check_dtype=False)  # object vs string
    assert sorted(chunked.quarantined) == sorted(whole.quarantined) and len(whole.quarantined) == 3
    assert list(chunked.corrections) == list(whole.corrections) and len(whole.corrections) == 1
    assert chunked.summary() == whole.summary() and chunked.data_date == whole.data_date
