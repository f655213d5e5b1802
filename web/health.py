"""/healthz (the process answers) and /readyz (the database answers; the cache is reported), open to all."""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.pool import NullPool

import config
from data.db import make_engine

log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 2
MEMO_SECONDS = 5.0
_memo: dict[str, tuple[float, str | None]] = {}


@lru_cache(maxsize=4)
def _probe_engine(url: str):
    """A pool-less engine with a short connect timeout, so a dead database answers fast."""
    args = {"connect_timeout": PROBE_TIMEOUT_S} if url.startswith("postgresql") else {"timeout": PROBE_TIMEOUT_S}
    return make_engine(url, poolclass=NullPool, connect_args=args)


def check_database() -> str | None:
    """None when SELECT 1 works on DATABASE_URL, else a short reason (no credentials in it)."""
    try:
        url = config.current().database_url
        with _probe_engine(url).connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the reason is logged
        log.warning("database check failed: %s", exc.__class__.__name__)
        return exc.__class__.__name__


def check_cache() -> str | None:
    """None when Redis answers PING (or no REDIS_URL is set: the app then caches nothing shared)."""
    url = config.current().redis_url
    if not url:
        return None
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=PROBE_TIMEOUT_S, socket_timeout=PROBE_TIMEOUT_S)
        client.ping()
        client.close()
        return None
    except Exception as exc:  # noqa: BLE001
        log.warning("redis check failed: %s", exc.__class__.__name__)
        return exc.__class__.__name__


def database_down_recently() -> bool:
    """The database check, remembered for a few seconds so page layouts do not probe on every request."""
    now = time.monotonic()
    seen = _memo.get("database")
    if seen is None or now - seen[0] > MEMO_SECONDS:
        seen = (now, check_database())
        _memo["database"] = seen
    return seen[1] is not None


def readiness() -> tuple[dict, int]:
    """The /readyz body and status: ready follows the database only (without it nothing can be served).

    Redis down is "degraded", still 200: the app then serves every figure from the database (web.caching),
    so taking the instance out of the router's rotation would turn a slower site into no site.
    """
    checks = {"database": check_database(), "cache": check_cache()}
    down = sorted(name for name, err in checks.items() if err)
    _memo["database"] = (time.monotonic(), checks["database"])
    degraded = [name for name in down if name != "database"]
    status = "unavailable" if checks["database"] else ("degraded" if degraded else "ready")
    body = {"status": status, "down": down, "degraded": degraded,
            "checks": {name: ("down: " + err) if err else "ok" for name, err in checks.items()}}
    return body, 503 if checks["database"] else 200


def install_health(server: Flask) -> None:
    """Register the two probes (they are exempt from sign-in and rate limits; see web.auth and web.limits)."""

    @server.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @server.get("/readyz")
    def readyz():
        body, status = readiness()
        return jsonify(body), status
