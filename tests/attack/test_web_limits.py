"""Request bodies and the state are bounded (issue 18, item 3).

One anonymous 216 MB callback body took a public-mode worker to 1.67 GB. MAX_CONTENT_LENGTH is now applied
(Flask already held the key, so setdefault never set it): a longer body is refused with 413 before it is
read, a chunked one when the limit is reached. Every list in the state and in a link is cut to what it
may hold.
"""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
import requests

from state.selection import clean_state
from state.urlstate import parse_query
from tests.attack.web_apps import (
    make_app,
    module_demo_db,  # noqa: F401 - the demo_db fixture
    overview_call,
)
from tests.hosted_server import Gunicorn, hosted_env
from web.security import MAX_BODY_BYTES

URL = "/_dash-update-component"
BOROUGHS = [f"E0900000{i}" for i in range(1, 10)] + [f"E090000{i}" for i in range(10, 34)]



def test_web_lim001_a_body_over_the_limit_is_413_in_process(demo_db):
    client = make_app({"DATABASE_URL": demo_db, "APP_MODE": "public", "RATELIMIT_ENABLED": "0"}).server.test_client()
    small = client.post(URL, json=overview_call({"boroughs": BOROUGHS[:2]}))
    assert small.status_code == 200, small.get_data(as_text=True)[:300]
    big = overview_call({"boroughs": BOROUGHS * 20_000})  # ~8 MB of borough codes
    body = json.dumps(big)
    assert len(body) > MAX_BODY_BYTES
    resp = client.post(URL, data=body, content_type="application/json")
    assert resp.status_code == 413, resp.status_code


def test_web_lim002_state_lists_are_cut_to_what_they_can_hold():
    bounds = ("2024-01-01", "2024-12-31")
    raw = {"boroughs": [BOROUGHS[0]] * 100_000 + [BOROUGHS[1]], "operators": ["A"] * 50 + ["B"],
           "bands": ["slow"] * 1000 + ["rapid"]}
    state = clean_state(raw, bounds=bounds, boroughs=set(BOROUGHS), operators={"A", "B"})
    assert state["boroughs"] == [BOROUGHS[0]]  # the list was cut at 33 entries: the late code never counted
    assert state["operators"] == ["A"] and state["bands"] == ["slow"]
    every = clean_state({"boroughs": BOROUGHS}, bounds=bounds, boroughs=set(BOROUGHS), operators=set())
    assert every["boroughs"] == BOROUGHS  # all 33 still fit


def test_web_lim003_links_are_bounded():
    many = parse_query("boroughs=" + ",".join(BOROUGHS * 1000))
    assert len(many["boroughs"]) <= 256
    assert parse_query("&".join(f"k{i}=v" for i in range(10_000))) == {}  # a flood of fields reads as nothing
    assert parse_query("metric=sessions&boroughs=E09000001")["boroughs"] == ["E09000001"]


def _rss_kb(pid: int, field: str) -> int:
    status = open(f"/proc/{pid}/status").read()  # noqa: SIM115, PTH123
    return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1))


def _send(base: str, data, rid: str) -> int | None:
    try:
        return requests.post(base + URL, data=data, timeout=60,
                             headers={"Content-Type": "application/json", "X-Request-ID": rid}).status_code
    except requests.ConnectionError:  # refused before the client finished sending: read the access log
        return None


@pytest.mark.parametrize("chunked", [False, True])
def test_web_lim004_gunicorn_refuses_a_64_mb_body_in_bounded_memory(demo_db, tmp_path, chunked):
    env = hosted_env(demo_db, None, APP_MODE="public", WEB_CONCURRENCY="1", RATELIMIT_ENABLED="0")
    del env["APP_USERS"]
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        (pid,) = server.worker_pids()
        before = _rss_kb(pid, "VmRSS")
        chunk = (json.dumps(BOROUGHS)[1:-1] + ",").encode() * 1000  # ~400 KB
        head, tail = b'{"output": "header-scope.children", "inputs": [{"value": [', b'"x"]}]}'
        parts = [head, *[chunk] * 160, tail]  # ~64 MB
        rid = uuid.uuid4().hex
        status = _send(server.base, iter(parts) if chunked else b"".join(parts), rid)
        time.sleep(0.5)
        logged = server.pid_of(rid) and re.search(rf'" (\d{{3}}) .*rid={rid}', server.log())
        assert status == 413 or (status is None and logged and logged.group(1) == "413"), (status, server.log()[-800:])
        grown_mb = (_rss_kb(pid, "VmHWM") - before) / 1024
        assert grown_mb < 32, f"the worker grew {grown_mb:.0f} MB for a refused body"
        assert requests.get(server.base + "/healthz", timeout=10).status_code == 200
    finally:
        server.stop()
