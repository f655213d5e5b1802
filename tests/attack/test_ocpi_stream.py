"""OCPI JSON and URL downloads in bounded memory (issue 18 item 12): a CDR or Location file is parsed object by
object and checked a chunk at a time with the same result as one chunk, its good sessions wait in the run's
own temporary table, a refused, failed or dry run leaves the store as it was (SQLite and PostgreSQL), and a URL's
body goes to a temporary file, a page at a time, the whole-file cap applied while it downloads.
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from sqlalchemy import select

from data import schema
from data.loader.refresh import REFUSED_SAMPLE, RefreshRefused
from data.loader.sources import fetch, ocpi, ocpi_cdrs, ocpi_locations
from data.loader.sources.base import Parsed, SourceError, option_parser, parse_options
from data.loader.sources.sessions import SessionsSink
from tests.sources_util import (
    HOSTILE,
    cli,
    http_server,
    last_run,
    load,
    new_store,
    quarantined_rows,
    snapshot,
)

SIMPLIFIED = "london_boroughs_simplified.geojson"
DEVICES = ["E1", "E2", "E3", "E4"]  # the London EVSEs of tests/hostile/ocpi_locations_envelope.json


def _cdr(i: int, uid: str, day: int, kwh) -> dict:
    start = pd.Timestamp("2024-01-01T08:00:00Z") + pd.Timedelta(hours=5 * day + i % 3)
    return {"country_code": "GB", "party_id": "HOS", "id": f"CDR{i}", "start_date_time": start.isoformat(),
            "end_date_time": (start + pd.Timedelta(minutes=45)).isoformat(),
            "cdr_location": {"id": "LOC1", "evse_uid": uid}, "total_energy": kwh, "currency": "GBP"}


def _cdrs(n: int) -> list:
    """``n`` CDRs of the four devices, with every kind of bad record spread through the file: duplicates of an
    earlier record (far back: another chunk), unknown devices, negative kWh, end before start, not objects."""
    out = []
    for i in range(n):
        cdr = _cdr(i, DEVICES[i % 4], i // 4, 5.0 + i % 17)
        if i % 97 == 50:
            cdr = out[i - 41]  # the same device and start as an earlier record
        elif i % 89 == 7:
            cdr["cdr_location"]["evse_uid"] = "GHOST"
        elif i % 83 == 3:
            cdr["total_energy"] = -1
        elif i % 79 == 11:
            cdr["end_date_time"] = "2023-01-01T00:00:00Z"
        elif i % 211 == 5:
            cdr = i  # not a JSON object
        out.append(cdr)
    return out


def _write(path, objs: list, shape: str):
    if shape == "array":
        path.write_text(json.dumps(objs))
    elif shape == "envelope":
        path.write_text(json.dumps({"data": objs, "status_code": 1000, "timestamp": "2024-06-01T00:00:00Z"}, indent=1))
    else:
        path.write_text("".join(json.dumps(o) + "\n" for o in objs))
    return path


def _opts():
    parser = option_parser("t")
    ocpi.add_options(parser)
    return parse_options(parser, [])


def _parse_cdrs(path, chunk_records: int | None) -> Parsed:
    return ocpi_cdrs.parse(str(path), _opts(), set(DEVICES), chunk_records=chunk_records)


@pytest.mark.parametrize("shape", ["array", "envelope", "lines"])
def test_cdrs_in_chunks_equal_one_chunk(tmp_path, shape):
    path = _write(tmp_path / "cdrs.json", _cdrs(2000), shape)
    whole, chunked = _parse_cdrs(path, 10**9), _parse_cdrs(path, 137)
    sessions = whole.tables["sessions"].staged.frame()
    assert len(sessions) > 1500
    pd.testing.assert_frame_equal(chunked.tables["sessions"].staged.frame(), sessions)
    assert sorted(chunked.quarantined) == sorted(whole.quarantined)
    assert set(whole.reasons()) == {"duplicate session", "session of an unknown device", "negative kWh",
                                    "end before start", "not a JSON object"}
    assert chunked.rows_in == whole.rows_in == 2000 and chunked.summary() == whole.summary()


def test_an_array_is_read_object_by_object(tmp_path):
    """The first objects of a JSON array come before the parser has met the end of the file (here cut off)."""
    text = json.dumps(_cdrs(3000))
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) * 2 // 3])
    parsed = Parsed("t", str(path))
    objs = ocpi.records(str(path), parsed, _opts())
    assert [n for n, _ in (next(objs), next(objs))] == [1, 2]
    with pytest.raises(SourceError, match="malformed or truncated JSON"):
        list(objs)


@pytest.mark.parametrize("shape", ["array", "envelope", "lines"])
def test_locations_in_chunks_equal_one_chunk(tmp_path, shared_data, shape):
    engine = new_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    load(engine, "boundaries", shared_data / SIMPLIFIED)
    locs = (json.loads((HOSTILE / "ocpi_locations_envelope.json").read_text())["data"]
            + json.loads((HOSTILE / "ocpi_locations_wrong_types.json").read_text()))
    locs.append(json.loads(json.dumps(locs[0])))  # every EVSE uid again, many chunks later
    path = _write(tmp_path / "locs.json", locs, shape)
    with engine.connect() as conn:
        whole, chunked = (ocpi_locations.parse(str(path), _opts(), conn, chunk_records=size) for size in (10**9, 1))
    for table in ("devices", "connectors"):
        pd.testing.assert_frame_equal(chunked.tables[table].reset_index(drop=True),
                                      whole.tables[table].reset_index(drop=True))
    assert len(whole.tables["devices"]) >= 5
    assert sorted(chunked.quarantined) == sorted(whole.quarantined)
    assert whole.reasons()["duplicate device id"] >= 1
    assert chunked.summary() == whole.summary()


@pytest.fixture
def ev_store(store_url, shared_data):
    """Boundaries and the hostile feed's London EVSEs E1-E4 (+ the removed E5), on SQLite or PostgreSQL."""
    engine = new_store(store_url)
    load(engine, "boundaries", shared_data / SIMPLIFIED)
    load(engine, "ocpi-locations", HOSTILE / "ocpi_locations_envelope.json")
    return engine


def _stored(engine) -> list[tuple]:
    s = schema.sessions
    with engine.connect() as conn:
        rows = conn.execute(select(s.c.device_id, s.c.started_at, s.c.ended_at, s.c.kwh, s.c.source)
                            .order_by(s.c.device_id, s.c.started_at)).all()
    return [(d, pd.Timestamp(a), pd.Timestamp(b), k, src) for d, a, b, k, src in rows]


def test_a_large_cdr_file_streams_through_the_store_on_both_engines(ev_store, store_url, tmp_path):
    """25,000 CDRs (three chunks): good sessions staged in the run's temporary table, not in memory; the stored
    rows are exactly those of one whole-file parse; the quarantine has every bad record with its number."""
    path = _write(tmp_path / "cdrs.json", _cdrs(25_000), "envelope")
    with ev_store.connect() as conn:
        staged = ocpi_cdrs.parse(str(path), _opts(), conn)
        sink = staged.tables["sessions"]
        assert isinstance(sink, SessionsSink) and sink.staged.table is not None and not sink.staged._frames
        conn.rollback()
    expected = _parse_cdrs(path, 10**9)
    run_id = load(ev_store, "ocpi-cdrs", path)
    want = expected.tables["sessions"].staged.frame().sort_values(["device_id", "started_at"])
    assert _stored(ev_store) == [(d, a, b, k, "ocpi-cdrs") for d, a, b, k in want.itertuples(index=False)]
    run = last_run(ev_store)
    assert (run["rows_in"], run["rows_loaded"]) == (25_000, len(want))
    assert [n for n, _ in quarantined_rows(ev_store, run_id)] == sorted(n for n, _, _ in expected.quarantined)


def test_refused_failed_and_dry_runs_leave_the_store_on_both_engines(ev_store, store_url, tmp_path, capsys):
    load(ev_store, "ocpi-cdrs", HOSTILE / "ocpi_cdrs.json")
    before = snapshot(ev_store)
    runs = last_run(ev_store)["run_id"]
    objs = _cdrs(25_000)
    good = _write(tmp_path / "good.json", objs, "array")
    assert load(ev_store, "ocpi-cdrs", good, "--dry-run") is None
    assert snapshot(ev_store) == before and last_run(ev_store)["run_id"] == runs

    ghosts = [_cdr(i, "GHOST", i, 5.0) for i in range(12_000)]  # over the threshold, across chunks
    bad = _write(tmp_path / "bad.json", ghosts + objs[:8000], "lines")
    with pytest.raises(RefreshRefused):
        load(ev_store, "ocpi-cdrs", bad)
    run = last_run(ev_store)
    assert run["status"] == "refused" and run["rows_quarantined"] > 12_000
    q = schema.quarantine
    with ev_store.connect() as conn:
        kept = conn.execute(select(q.c.row_number).where(q.c.run_id == run["run_id"]).order_by(q.c.id)).scalars()
        assert list(kept) == list(range(1, REFUSED_SAMPLE + 1))  # a bounded sample: the first bad records
    assert snapshot(ev_store) == before

    text = good.read_text()
    for name, cut, message in [("cut.json", text[: len(text) * 9 // 10], "malformed or truncated JSON"),
                               ("cut.jsonl", bad.read_text()[:-30], "truncated JSON lines"),
                               ("page.json", "<!DOCTYPE html><html><body>Sign in</body></html>", "HTML page"),
                               ("binary.json", "\x00\x01 not json at all" * 1000, "binary file"),
                               ("garbage.json", "CP ID,Start\nE1,2024-01-01\n" * 1000, "malformed or truncated JSON")]:
        path = tmp_path / name
        path.write_text(cut)
        capsys.readouterr()
        assert cli(store_url, "load", "ocpi-cdrs", path) != 0
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and message in err[0], err
        assert last_run(ev_store)["status"] == "failed" and snapshot(ev_store) == before


def test_envelope_status_and_shape_are_checked_before_any_object(tmp_path):
    env = {"data": _cdrs(50), "status_code": 3001, "status_message": "Unable to use the client's API"}
    path = tmp_path / "error.json"
    path.write_text(json.dumps(env))
    with pytest.raises(SourceError, match="status_code 3001: Unable to use the client's API"):
        next(ocpi.records(str(path), Parsed("t", "x"), _opts()))
    path.write_text('{"data": "nothing", "status_code": 1000}')
    with pytest.raises(SourceError, match="JSON of the wrong shape"):
        list(ocpi.records(str(path), Parsed("t", "x"), _opts()))


class _Handler(BaseHTTPRequestHandler):
    requests: list[str] = []
    pages: list[list] = []

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        _Handler.requests.append(self.path)
        if parts.path == "/endless":  # 2 MB at once, then a long pause: only a reader that stops early is quick
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            try:
                self.wfile.write(b"Code,Name,Population,Year\n" + b"E09000001,City of London,8600,2020\n" * 60_000)
                self.wfile.flush()
                time.sleep(3)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        offset = int(parse_qs(parts.query).get("offset", ["0"])[0])
        page = offset // 100
        body = json.dumps({"data": self.pages[page], "status_code": 1000}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Total-Count", str(sum(map(len, self.pages))))
        self.send_header("X-Limit", "100")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    with http_server(_Handler) as url:
        yield url


def test_ocpi_pages_are_read_one_at_a_time(server):
    objs = _cdrs(300)
    _Handler.pages = [objs[:100], objs[100:200], objs[200:]]
    _Handler.requests = []
    recs = ocpi.records(f"{server}/cdrs", Parsed("t", "x"), _opts())
    assert next(recs)[0] == 1 and len(_Handler.requests) == 1  # the first page's objects before the second page
    assert [n for n, _ in recs][-1] == 300 and len(_Handler.requests) == 3


def test_a_download_goes_to_a_file_and_stops_at_the_cap(server):
    with pytest.raises(SourceError, match="more than the 1 MB this source reads whole"):
        fetch.read_bytes(f"{server}/endless", timeout=1, max_bytes=1 << 20)
    got = fetch.download(f"{server}/cdrs?offset=0", timeout=5)
    with got.file as fh:
        assert fh.fileno() >= 0 and json.loads(fh.read())["status_code"] == 1000  # a real (temporary) file
    with fetch.open_text(f"{server}/endless", timeout=5) as stream:  # the whole body, a line at a time
        assert next(stream) == "Code,Name,Population,Year\n" and sum(1 for _ in stream) == 60_000


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8-sig"])
@pytest.mark.parametrize("shape", ["envelope", "lines"])
def test_ocpi_json_in_other_encodings_is_transcoded_for_the_parser(tmp_path, encoding, shape):
    objs = [{"id": f"Café {i}", "start_date_time": "2024-01-01T00:00:00Z"} for i in range(3)]
    text = (json.dumps({"data": objs, "status_code": 1000}, ensure_ascii=False) if shape == "envelope"
            else "\r\n" + "".join(json.dumps(o, ensure_ascii=False) + "\r\n" for o in objs))
    path = tmp_path / "objs.json"
    path.write_bytes(text.encode(encoding))
    parsed = Parsed("t", str(path))
    assert list(ocpi.records(str(path), parsed, _opts())) == list(enumerate(objs, start=1))
    assert not parsed.quarantined
