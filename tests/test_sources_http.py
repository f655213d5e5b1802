"""URL sources against a local http.server on 127.0.0.1 (free port) serving the real files.

Covers plain files over HTTP, OCPI pagination (Link header; offset/limit with X-Total-Count), and the
failures an officer meets: HTTP 500 with an HTML page, an HTML page with 200, a timeout, a cut-off
download, a refused connection, a short OCPI listing.
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from data.loader.sources.base import SourceError
from tests.sources_util import HOSTILE, devices_by_borough, http_server, last_run, load, new_store, snapshot

PAGE = 400


def ocpi_locations(shared_data: Path) -> list[dict]:
    """The real London NCR subset (1,067 devices) as OCPI 2.2.1 Locations, one EVSE each."""
    df = pd.read_csv(shared_data / "ncpr_london_subset_2019-2020.csv", dtype=str)
    return [{"country_code": "GB", "party_id": "NCR", "id": f"L{i}", "publish": True,
             "coordinates": {"latitude": r.latitude, "longitude": r.longitude}, "parking_type": "ON_STREET",
             "evses": [{"uid": r.chargeDeviceID, "status": "AVAILABLE", "connectors": [
                 {"id": "1", "standard": "IEC_62196_T2", "power_type": "AC_1_PHASE", "max_voltage": 230,
                  "max_amperage": 32}]}]} for i, r in enumerate(df.itertuples())]


class Handler(BaseHTTPRequestHandler):
    files: dict[str, Path] = {}
    locations: list[dict] = []
    requests: list[str] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/json", headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        Handler.requests.append(self.path)
        if parts.path in self.files:
            return self._send(200, self.files[parts.path].read_bytes(), "text/csv")
        if parts.path == "/ocpi/private" and self.headers.get("Authorization") != "Token s3cret":
            return self._send(401, b'{"status_code": 2001, "status_message": "unauthorized"}')
        if parts.path.startswith("/ocpi/"):
            return self._ocpi(parts.path, int(query.get("offset", 0)), int(query.get("limit", PAGE)))
        if parts.path == "/500":
            return self._send(500, b"<!DOCTYPE html><html><body>Internal Server Error</body></html>", "text/html")
        if parts.path == "/html":
            return self._send(200, b"<html><head><title>Sign in</title></head></html>", "text/html")
        if parts.path == "/slow":
            time.sleep(2)
            try:
                return self._send(200, b"too late")
            except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
                return None
        if parts.path == "/cut":
            self.send_response(200)
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"chargeDeviceID,latitude,longitude\nA,51.5,-0.1\n")
            return None
        return self._send(404, b"<html>not found</html>", "text/html")

    def _ocpi(self, path: str, offset: int, limit: int):
        data = self.locations[offset:offset + limit]
        total = 10 if path == "/ocpi/short" else len(self.locations)
        if path == "/ocpi/private":
            data, total = data[:5], 5
        if path == "/ocpi/short":
            data = data[:3] if offset == 0 else []
        body = json.dumps({"data": data, "status_code": 1000, "timestamp": "2024-06-01T00:00:00Z"}).encode()
        headers = {"X-Total-Count": str(total), "X-Limit": str(limit)}
        if path == "/ocpi/link" and offset + limit < total:
            host = f"http://{self.headers['Host']}"
            headers = {"Link": f'<{host}/ocpi/link?offset={offset + limit}&limit={limit}>; rel="next"'}
        return self._send(200, body, headers=headers)


@pytest.fixture(scope="module")
def server(shared_data):
    """The real files over HTTP; an absent data folder skips, or fails with CI=true (conftest's missing())."""
    Handler.files = {f"/data/{p.name}": p for p in shared_data.iterdir()}
    Handler.files |= {f"/hostile/{p.name}": p for p in HOSTILE.iterdir()}
    Handler.locations = ocpi_locations(shared_data)
    with http_server(Handler) as url:
        yield url


@pytest.fixture
def london(sqlite_url, server):
    engine = new_store(sqlite_url)
    load(engine, "boundaries", f"{server}/data/london_boroughs_simplified.geojson")
    return engine


def test_ht001_registry_over_http(london, server):
    load(london, "ncr", f"{server}/data/ncpr_uk_snapshot_2017-11_full.csv")
    by_borough = devices_by_borough(london)
    assert sum(by_borough.values()) == 677 and len(by_borough) == 33


@pytest.mark.parametrize("path", ["/ocpi/link", "/ocpi/total"])
def test_ht002_ocpi_pagination(store_url, server, path):
    engine = new_store(store_url)
    load(engine, "boundaries", f"{server}/data/london_boroughs_simplified.geojson")
    Handler.requests.clear()
    load(engine, "ocpi-locations", f"{server}{path}")
    # 1,067 locations in pages of 400: three requests, all devices, same 26 boroughs as the NCR file.
    assert len([r for r in Handler.requests if r.startswith(path)]) == 3
    by_borough = devices_by_borough(engine)
    assert sum(by_borough.values()) == 1067 and len(by_borough) == 26


def test_ht005_ocpi_token(london, server):
    with pytest.raises(SourceError, match="HTTP 401"):
        load(london, "ocpi-locations", f"{server}/ocpi/private")
    load(london, "ocpi-locations", f"{server}/ocpi/private", "--token", "s3cret")
    assert last_run(london)["rows_loaded"] == 5


FAILURES = [
    ("ncr", "/500", "HTTP 500 with an HTML error page"),
    ("ncr", "/html", "HTML page"),
    ("ncr", "/slow", "timeout"),
    ("ncr", "/cut", "truncated download"),
    ("ncr", "/missing.csv", "HTTP 404"),
    ("ocpi-locations", "/ocpi/short", "incomplete: 3 of 10"),
    ("ocpi-locations", "/500", "HTTP 500"),
]


@pytest.mark.parametrize(("source", "path", "message"), FAILURES)
def test_ht003_failing_url_changes_nothing(london, server, source, path, message):
    before = snapshot(london)
    with pytest.raises(SourceError, match=message) as err:
        load(london, source, f"{server}{path}", "--timeout", "0.5")
    assert "\n" not in str(err.value)
    assert snapshot(london) == before
    assert last_run(london)["status"] == "failed"


def test_ht004_refused_connection(london):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SourceError, match="cannot download"):
        load(london, "ncr", f"http://127.0.0.1:{port}/x.csv", "--timeout", "0.5")
    assert last_run(london)["status"] == "failed"
