"""The app as the Procfile runs it: gunicorn, two workers, real PostgreSQL and Redis."""

from __future__ import annotations

import json
import time

import pytest
import redis
import requests
from sqlalchemy import create_engine, text

from data.schema import ROLLUP_TABLES as SCHEMA_ROLLUPS
from layouts import ids
from tests.hosted_server import (
    Gunicorn,
    hosted_env,
    initial_calls,
    post_callback,
    request_id,
    seed_demo,
    sign_in,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROLLUP_TABLES = [t.name for t in SCHEMA_ROLLUPS]


@pytest.fixture
def seeded(pg_url):
    seed_demo(pg_url)
    return pg_url


@pytest.fixture
def officer_server(seeded, redis_url, tmp_path):
    server = Gunicorn(hosted_env(seeded, redis_url), tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _served_by(server: Gunicorn, rid: str, timeout: float = 5) -> int | None:
    """The worker pid that logged this request id (the access line lands just after the response)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = server.pid_of(rid)
        if pid:
            return pid
        time.sleep(0.05)
    return None


def _call_on(server, session, payload, want_pid=None, avoid_pid=None, tries=200):
    """Post until a worker matching the wish answers (fresh connections spread over both workers)."""
    for _ in range(tries):
        rid = request_id()
        resp = post_callback(session, server.base, payload, rid)
        pid = _served_by(server, rid)
        if (want_pid is None or pid == want_pid) and (avoid_pid is None or pid != avoid_pid):
            return resp, pid
    raise AssertionError(f"no answer from the wanted worker in {tries} tries ({server.worker_pids()})")


def test_hg001_health_signin_headers(officer_server):
    base = officer_server.base
    assert requests.get(f"{base}/healthz", timeout=5).json() == {"status": "ok"}
    ready = requests.get(f"{base}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["down"] == []

    page = requests.get(f"{base}/", allow_redirects=False, timeout=10)
    assert page.status_code == 302 and page.headers["Location"].startswith("/auth/login")
    for path in ("/_dash-layout", "/_dash-dependencies"):
        anon = requests.get(base + path, timeout=10)
        assert anon.status_code == 401 and anon.json() == {"error": "sign-in required"}

    session = sign_in(base)
    calls = initial_calls(session, base)
    assert calls, "the dashboard registers no server callback fired on load"
    anon = requests.post(f"{base}/_dash-update-component", json=calls[0], timeout=10)
    assert anon.status_code == 401 and anon.json() == {"error": "sign-in required"}
    for call in calls:
        assert post_callback(session, base, call).status_code == 200

    index = session.get(f"{base}/", timeout=10)
    assert index.status_code == 200
    csp = index.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'sha256-" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert index.headers["X-Content-Type-Options"] == "nosniff"
    assert index.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_hg002_signin_cookie_and_rate_limit(officer_server):
    base = officer_server.base
    page = requests.get(f"{base}/auth/login", timeout=10)
    cookie = page.headers["Set-Cookie"]
    assert "__Host-session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    statuses = []
    for _ in range(8):  # the limit (5 per minute per address) is counted in Redis, across both workers
        s = requests.Session()
        login = s.get(f"{base}/auth/login", timeout=10)
        csrf = login.text.split('name="csrf" value="')[1].split('"')[0]
        r = s.post(f"{base}/auth/login", data={"csrf": csrf, "username": "officer", "password": "wrong"},
                   headers={"Cookie": "; ".join(f"{c.name}={c.value}" for c in login.cookies),
                            "Connection": "close"}, timeout=10)
        statuses.append(r.status_code)
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429, statuses


def test_hg003_cache_shared_and_refresh_seen_by_both_workers(officer_server, seeded, redis_url):
    base, session = officer_server.base, sign_in(officer_server.base)
    # The charts draw the rollups; callbacks such as the deck's status or the presentation banner answer
    # the same whatever the rollups hold, so they say nothing about caching.
    charts = (ids.SERIES_GRAPH, ids.SERIES_HEATMAP, ids.COMPARE_GRAPH)  # the panels that read the rollups
    calls = [c for c in initial_calls(session, base) if any(f"{chart}.figure" in c["output"] for chart in charts)]
    assert len(calls) >= 3, "the page's charts (series, heatmap, comparison) are not among its callbacks"
    first = {}
    for i, call in enumerate(calls):
        resp, pid_a = _call_on(officer_server, session, call)
        first[i] = (resp.text, pid_a)
    prefix = officer_server.log().split("prefix '")[1].split("'")[0]
    assert list(redis.Redis.from_url(redis_url).scan_iter(f"{prefix}*", count=1000)), "nothing cached in Redis"

    engine = create_engine(seeded.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:  # change the data behind the cache, without a new data_version
        for table in ROLLUP_TABLES:  # every rollup, derived ones included, so no panel can serve old figures
            conn.execute(text(f"UPDATE {table} SET sessions = sessions * 7 + 3"))
    held = [i for i, call in enumerate(calls)
            if _call_on(officer_server, session, call, avoid_pid=first[i][1])[0].text == first[i][0]]
    assert held, "no callback answered from the entry the other worker cached"

    with engine.begin() as conn:  # what the loader does at the end of a refresh
        conn.execute(text("UPDATE store_meta SET value = '99' WHERE key = 'data_version'"))
    engine.dispose()
    for pid in sorted(officer_server.worker_pids()):
        for i in held:
            deadline = time.monotonic() + 30  # data_version itself is cached for a few seconds
            while True:
                resp, _ = _call_on(officer_server, session, calls[i], want_pid=pid)
                if resp.text != first[i][0] or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert resp.text != first[i][0], f"worker {pid} still serves the old data after the refresh"


def test_hg004_forged_callback_values(officer_server):
    base, session = officer_server.base, sign_in(officer_server.base)
    calls = initial_calls(session, base)
    forged_values = ["E09'; DROP TABLE devices;--", {"$gt": ""}, ["x"] * 5000, 10**30, None,
                     "9999-99-99", {"boroughs": ["NOPE"] * 100, "start": "0001-01-01", "metric": "__class__"}]
    for call in calls:
        for forged in forged_values:
            payload = json.loads(json.dumps(call))
            for item in payload["inputs"]:
                item["value"] = forged
            resp = post_callback(session, base, payload)
            assert resp.status_code < 500 or resp.status_code == 503, (call["output"], forged, resp.text[:300])
            assert "Traceback" not in resp.text and 'File "' not in resp.text
    garbage = session.post(f"{base}/_dash-update-component", data=b"{not json", timeout=10,
                           headers={"Content-Type": "application/json"})
    assert 400 <= garbage.status_code < 500 and "Traceback" not in garbage.text
    for body in ([], {"inputs": []}, {**calls[0], "output": "devices-table.data"}, {**calls[0], "inputs": "x"}):
        resp = session.post(f"{base}/_dash-update-component", json=body, timeout=10)
        assert resp.status_code == 400 and resp.json()["error"].startswith("malformed callback request")
    assert requests.get(f"{base}/healthz", timeout=5).status_code == 200


def _closed_port() -> int:
    from tests.hosted_server import free_port

    return free_port()  # bound then released: nothing listens there


def test_hg005_database_down_banner_and_503(redis_url, tmp_path):
    db = f"postgresql://postgres@127.0.0.1:{_closed_port()}/nowhere"
    server = Gunicorn(hosted_env(db, redis_url), tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        assert requests.get(f"{server.base}/healthz", timeout=5).status_code == 200
        ready = requests.get(f"{server.base}/readyz", timeout=10)
        assert ready.status_code == 503 and ready.json()["down"] == ["database"]
        session = sign_in(server.base)
        assert session.get(f"{server.base}/", timeout=10).status_code == 200
        layout = session.get(f"{server.base}/_dash-layout", timeout=30)
        assert layout.status_code == 200 and "The database is not answering" in layout.text
        for call in initial_calls(session, server.base):
            resp = post_callback(session, server.base, call)
            assert resp.status_code in (200, 204, 503) and "Traceback" not in resp.text
    finally:
        server.stop()


@pytest.mark.parametrize("how", ["refused", "hung"])
def test_hg006_redis_down_still_serves(seeded, tmp_path, how):
    import socket

    # "hung": a listener that never answers (the TCP handshake completes, then silence), like a stuck host.
    hung = socket.create_server(("127.0.0.1", 0), backlog=64) if how == "hung" else None
    port = hung.getsockname()[1] if hung else _closed_port()
    server = Gunicorn(hosted_env(seeded, f"redis://127.0.0.1:{port}/0"), tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        ready = requests.get(f"{server.base}/readyz", timeout=10)
        # The app serves from the database: ready, with the cache reported as degraded.
        assert ready.status_code == 200 and ready.json()["down"] == ["cache"]
        assert ready.json()["status"] == "degraded" and ready.json()["degraded"] == ["cache"]
        session = sign_in(server.base)
        calls = initial_calls(session, server.base)
        assert calls
        for call in calls:
            resp = post_callback(session, server.base, call)
            assert resp.status_code == 200 and '"response"' in resp.text
        assert "Redis cache unreachable" in server.log()
    finally:
        server.stop()
        if hung:
            hung.close()


def test_hg007_sigterm_lets_inflight_request_finish(seeded, redis_url, tmp_path):
    import threading

    server = Gunicorn(hosted_env(seeded, redis_url, WEB_CONCURRENCY="1"), tmp_path / "gunicorn.log")
    engine = create_engine(seeded.replace("postgresql://", "postgresql+psycopg://"))
    try:
        server.wait_ready()
        session = sign_in(server.base)
        calls = initial_calls(session, server.base)
        result = {}
        with engine.connect() as conn:
            tx = conn.begin()  # hold every rollup so that the next request waits inside the worker
            conn.execute(text(f"LOCK TABLE {', '.join(ROLLUP_TABLES)}, store_meta IN ACCESS EXCLUSIVE MODE"))
            worker = threading.Thread(target=lambda: result.update(r=post_callback(session, server.base, calls[0])))
            worker.start()
            _wait_for_lock_waiter(engine)
            server.proc.send_signal(15)
            time.sleep(1)
            assert server.proc.poll() is None, "gunicorn quit with a request in flight"
            tx.rollback()
        worker.join(30)
        assert result["r"].status_code == 200 and '"response"' in result["r"].text
        assert server.proc.wait(30) == 0
    finally:
        server.stop()
        engine.dispose()


def _wait_for_lock_waiter(engine, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                        "AND datname = current_database()")).scalar()
            if waiting:
                return
            time.sleep(0.1)
    raise AssertionError("the request never reached the database")


def test_hg008_public_mode_needs_no_signin(seeded, redis_url, tmp_path):
    env = hosted_env(seeded, redis_url, APP_MODE="public")
    del env["APP_USERS"]
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        anon = requests.Session()
        assert anon.get(f"{server.base}/", timeout=10).status_code == 200
        calls = initial_calls(anon, server.base)
        assert calls and all(post_callback(anon, server.base, c).status_code == 200 for c in calls)
        assert anon.post(f"{server.base}/auth/login", data={"username": "x"}, timeout=10).status_code == 404
        assert "mode=public sign-in=off" in server.log()
    finally:
        server.stop()
