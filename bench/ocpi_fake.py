"""A scripted fake OCPI 2.2.1 Locations server: a day of EVSE statuses for the watcher's tests and benchmark.

``Script`` is deterministic from (EVSEs, seed, day, poll interval): EVSEs at the real London NCR points
(jittered for more EVSEs than points), several per Location, across feeds ("a": offset/limit paging with
X-Total-Count; "b": Link headers), each with AVAILABLE since before the day, then sessions (CHARGING) and
faults (OUTOFORDER, INOPERATIVE, UNKNOWN, BLOCKED, RESERVED) at whole minutes, at most one change per poll
interval. One location of feed "a" is published late; one change is reported with ``last_updated`` hours in
the future. The server answers as of ``now``, which the caller sets (``GET /_now?t=ISO``): nothing moves by
itself, so tests and the benchmark drive time. ``faults[(feed, now)]``: "500", "timeout", "garbage", "html",
or "hold" (page 2 waits for ``release``, after setting ``arrived``: a place to SIGKILL a watcher mid-poll).
"""

from __future__ import annotations

import bisect
import json
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import numpy as np
import pandas as pd

FEEDS = ("a", "b")
NEXT = {"AVAILABLE": (("CHARGING", .62), ("OUTOFORDER", .08), ("INOPERATIVE", .06), ("RESERVED", .08),
                      ("BLOCKED", .08), ("UNKNOWN", .08)), "RESERVED": (("CHARGING", .5), ("AVAILABLE", .5))}
EPOCH = datetime(1970, 1, 1)
DAY = datetime(2026, 3, 2)  # a Monday


def secs(t: datetime) -> int:
    return int((t - EPOCH).total_seconds())


def when(s: int) -> datetime:
    return EPOCH + timedelta(seconds=int(s))


class Script:
    """Who is where, and every EVSE's status changes over the day (true times; reported ones may differ)."""

    def __init__(self, points: pd.DataFrame, evses: int = 300, seed: int = 15, day: datetime = DAY,
                 interval: int = 900, per_location: int = 3, changes: tuple[int, int] = (4, 9)):
        rng = np.random.default_rng(seed)
        self.day, self.interval, self.polls = day, interval, 86_400 // interval + 1
        pick = rng.integers(0, len(points), evses)
        jitter = rng.uniform(-4e-4, 4e-4, (evses, 2)) * (evses > len(points))
        self.lat = points["latitude"].to_numpy(float)[pick] + jitter[:, 0]
        self.lon = points["longitude"].to_numpy(float)[pick] + jitter[:, 1]
        self.uid = [f"GB-{'AB'[i % 2]}-E{i:06d}" for i in range(evses)]
        self.feed = [FEEDS[i % 2] for i in range(evses)]
        self.kw = np.where(rng.random(evses) < 0.3, 50.0, 7.4)
        self.loc = [i // (2 * per_location) * 2 + i % 2 for i in range(evses)]  # same feed within a location
        self.published = {loc: secs(day) - 86_400 for loc in set(self.loc)}
        self.late = self.loc[0]  # feed "a"'s first location appears mid-morning
        self.published[self.late] = secs(day) + 10 * 3600 + 7 * 60
        self.times, self.status = [], []
        for _ in range(evses):
            self._evse(rng, changes)
        self.reported: dict[tuple[int, int], int] = {}
        future = next(i for i in range(evses) if len(self.times[i]) > 1 and self.loc[i] != self.late)
        self.times[future][1] = secs(day) + (self.times[future][1] - secs(day)) // interval * interval + interval
        self.reported[(future, 1)] = self.times[future][1] + 3 * 3600
        self.changes = sorted((t, i) for i in range(evses) for t in self.times[i][1:])

    def _evse(self, rng, changes: tuple[int, int]) -> None:
        d0, k = secs(self.day), self.polls - 1
        slots = np.sort(rng.choice(k, size=int(rng.integers(*changes)), replace=False))
        times, status = [d0 - int(rng.integers(1, 40)) * 3600], ["AVAILABLE"]
        for slot in slots:
            now = status[-1]
            if now in NEXT:
                names, p = zip(*NEXT[now], strict=True)
                nxt = str(rng.choice(names, p=p))
            else:
                nxt = "AVAILABLE"
            times.append(d0 + int(slot) * self.interval + int(rng.integers(1, max(self.interval // 60, 2))) * 60)
            status.append(nxt)
        self.times.append(times)
        self.status.append(status)

    def at(self, i: int, now: int) -> tuple[str, int] | None:
        """EVSE i's (status, reported last_updated) at ``now``."""
        j = bisect.bisect_right(self.times[i], now) - 1
        return self.status[i][j], self.reported.get((i, j), self.times[i][j])

    def locations(self, feed: str, now: int, since: int | None) -> list[dict]:
        """The feed's published Locations as of ``now``, changed at or after ``since`` (date_from)."""
        ids = {self.loc[i] for i in range(len(self.uid)) if self.feed[i] == feed} if since is None else \
            {self.loc[i] for t, i in self.changes[bisect.bisect_left(self.changes, (since, -1)):
                                                  bisect.bisect_right(self.changes, (now, 1 << 60))]
             if self.feed[i] == feed} | {loc for loc, p in self.published.items() if since <= p <= now}
        ids = sorted(loc for loc in ids if self.published[loc] <= now and self.feed[self.members[loc][0]] == feed)
        return [self._location(loc, now) for loc in ids]

    @property
    def members(self) -> dict[int, list[int]]:
        if not hasattr(self, "_members"):
            self._members: dict[int, list[int]] = {}
            for i, loc in enumerate(self.loc):
                self._members.setdefault(loc, []).append(i)
        return self._members

    def _location(self, loc: int, now: int) -> dict:
        evses, newest = [], self.published[loc]
        for i in self.members[loc]:
            status, updated = self.at(i, now)
            newest = max(newest, min(updated, now))
            evses.append({"uid": self.uid[i], "status": status, "last_updated": iso(updated),
                          "coordinates": {"latitude": f"{self.lat[i]:.6f}", "longitude": f"{self.lon[i]:.6f}"},
                          "connectors": [{"id": "1", "standard": "IEC_62196_T2_COMBO", "format": "CABLE",
                                          "power_type": "DC" if self.kw[i] >= 50 else "AC_1_PHASE",
                                          "max_electric_power": int(self.kw[i] * 1000)}]})
        i = self.members[loc][0]
        return {"country_code": "GB", "party_id": f"OP{self.feed[i].upper()}", "id": f"LOC{loc}", "publish": True,
                "name": f"Site {loc}", "operator": {"name": f"Operator {self.feed[i].upper()}"},
                "coordinates": {"latitude": f"{self.lat[i]:.6f}", "longitude": f"{self.lon[i]:.6f}"},
                "parking_type": "ON_STREET", "evses": evses, "last_updated": iso(newest)}


def iso(s: int) -> str:
    return when(s).strftime("%Y-%m-%dT%H:%M:%SZ")


class Handler(BaseHTTPRequestHandler):
    script: Script
    now = 0
    page = 100
    faults: dict[tuple[str, datetime], str] = {}
    requests: list[str] = []
    arrived = threading.Event()
    release = threading.Event()

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/json", headers: dict | None = None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the watcher gave up (timeout) or was killed
            pass

    def do_GET(self):  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/_now":
            Handler.now = secs(datetime.fromisoformat(q["t"]))
            return self._send(200, b"{}")
        Handler.requests.append(self.path)
        feed = parts.path.strip("/").split("/")[1] if parts.path.startswith("/ocpi/") else ""
        if feed not in FEEDS:
            return self._send(404, b"<html>not found</html>", "text/html")
        fault = self.faults.get((feed, when(self.now)))
        offset, limit = int(q.get("offset", 0)), int(q.get("limit", self.page))
        since = secs(datetime.fromisoformat(q["date_from"].replace("Z", ""))) if "date_from" in q else None
        if fault == "500":
            return self._send(500, b"<!DOCTYPE html><html><body>Internal Server Error</body></html>", "text/html")
        if fault == "html":
            return self._send(200, b"<html><head><title>Maintenance</title></head></html>", "text/html")
        if fault == "timeout":
            time.sleep(6.3)  # past the tests' 6 s feed timeout
            return self._send(200, b'{"data": []}')
        locs = self.script.locations(feed, self.now, since)
        if fault == "hold" and offset > 0:
            Handler.arrived.set()
            Handler.release.wait(30)
        if fault == "garbage" and (offset > 0 or len(locs) <= limit):
            return self._send(200, b'{"data": [{"id": "LOC1", "evses": [{"uid": "x", "sta')
        return self._page(feed, locs, offset, limit, q)

    def _page(self, feed: str, locs: list[dict], offset: int, limit: int, q: dict):
        body = json.dumps({"data": locs[offset:offset + limit], "status_code": 1000,
                           "timestamp": iso(self.now)}).encode()
        headers = {"X-Total-Count": str(len(locs)), "X-Limit": str(limit)}
        if feed == "b":
            headers = {}
            if offset + limit < len(locs):
                nxt = urlencode({**q, "offset": offset + limit, "limit": limit})
                headers["Link"] = f'<http://{self.headers["Host"]}/ocpi/b/locations?{nxt}>; rel="next"'
        return self._send(200, body, headers=headers)


def serve(script: Script, page: int = 100) -> tuple[ThreadingHTTPServer, str]:
    """Start the fake server in a thread on a free 127.0.0.1 port; returns (server, base URL)."""
    Handler.script, Handler.page, Handler.now = script, page, secs(script.day)
    Handler.faults, Handler.requests = {}, []
    Handler.arrived.clear()
    Handler.release.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def london_points(shared: Path) -> pd.DataFrame:
    """The real London NCR subset's coordinates (1,067 devices)."""
    return pd.read_csv(shared / "ncpr_london_subset_2019-2020.csv", usecols=["latitude", "longitude"])
