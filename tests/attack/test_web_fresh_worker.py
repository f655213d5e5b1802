"""A fresh gunicorn worker serves Dash's JS bundles from its very first request (issue 18, item 1).

Dash registers its component libraries on a worker's first request; a bundle asked for by a concurrent
request meanwhile got 500 ("dash" is not a registered library) and the page stayed blank. Fresh workers come
with every deploy, restart and max_requests recycle.
"""

from __future__ import annotations

import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import config
from app import create_app
from tests.hosted_server import Gunicorn, hosted_env, seed_demo

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
WORKERS = 3


def _bundles(db_url: str) -> list[str]:
    """The component-suite URLs the page loads, read from an in-process app (the server is not touched)."""
    app = create_app(db_url, settings=config.load({"APP_MODE": "public"}))
    page = app.server.test_client().get("/").get_data(as_text=True)
    return re.findall(r'src="(/_dash-component-suites/[^"]+)"', page)


def _booted(server: Gunicorn, count: int, timeout: float = 90) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = [int(p) for p in re.findall(r"Booting worker with pid: (\d+)", server.log())]
        if len(pids) >= count:
            return pids
        time.sleep(0.1)
    raise AssertionError(f"{count} workers did not boot:\n{server.log()[-2000:]}")


def _first_requests(base: str, urls: list[str]) -> list[tuple[str, int]]:
    """Every bundle three times at once, each on its own connection: the first requests fresh workers see."""
    def get(url):
        for _ in range(100):
            try:
                return url, requests.get(base + url, headers={"Connection": "close"}, timeout=60).status_code
            except requests.ConnectionError:  # the workers are still importing the app
                time.sleep(0.2)
        return url, -1
    with ThreadPoolExecutor(len(urls) * 3) as pool:
        return list(pool.map(get, urls * 3))


def test_web_fw001_fresh_workers_serve_every_bundle_first(pg_url, redis_url, tmp_path):
    seed_demo(pg_url)
    urls = _bundles(pg_url)
    assert len(urls) >= 8, urls
    env = hosted_env(pg_url, redis_url, APP_MODE="public", WEB_CONCURRENCY=str(WORKERS))
    del env["APP_USERS"]
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    try:
        _booted(server, WORKERS)
        failed = [(u, s) for u, s in _first_requests(server.base, urls) if s != 200]
        assert not failed, f"fresh workers refused bundles: {failed[:4]}\n{server.log()[-1500:]}"
        server.proc.send_signal(signal.SIGHUP)  # a restart: every worker replaced by a fresh one
        _booted(server, 2 * WORKERS)
        time.sleep(0.5)  # the old workers stop taking connections
        failed = [(u, s) for u, s in _first_requests(server.base, urls) if s != 200]
        assert not failed, f"restarted workers refused bundles: {failed[:4]}"
    finally:
        server.stop()
