"""flask-caching settings from REDIS_URL, and a Redis backend that degrades to "no cache" when Redis is down."""

from __future__ import annotations

import functools
import logging
import time

from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError

from config import Settings

log = logging.getLogger(__name__)

SAFE_REDIS = "web.caching.SafeRedisCache"
LOG_EVERY_S = 30.0
RETRY_AFTER_S = 5.0  # after a failure, skip Redis this long: a black-holed host costs one timeout, not one per call
_last_logged = [0.0]


def _log_down(op: str, exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_logged[0] > LOG_EVERY_S:  # once per interval, not once per call
        _last_logged[0] = now
        log.error("Redis cache unreachable (%s on %s): serving from the database", exc.__class__.__name__, op)


def _degrade(method, default):
    """Wrap a backend method so that a Redis failure returns ``default`` (a miss) instead of raising."""

    @functools.wraps(method)
    def safe(self, *args, **kwargs):
        if time.monotonic() < getattr(self, "_skip_until", 0.0):
            return default(len(args)) if callable(default) else default
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as exc:
            self._skip_until = time.monotonic() + RETRY_AFTER_S
            _log_down(method.__name__, exc)
            return default(len(args)) if callable(default) else default

    return safe


class SafeRedisCache(RedisCache):
    """RedisCache whose failures read as misses: the app keeps serving from the database, and logs it."""

    get = _degrade(RedisCache.get, None)
    get_many = _degrade(RedisCache.get_many, lambda n: [None] * n)
    has = _degrade(RedisCache.has, False)
    set = _degrade(RedisCache.set, False)
    add = _degrade(RedisCache.add, False)
    set_many = _degrade(RedisCache.set_many, lambda n: [])
    delete = _degrade(RedisCache.delete, False)
    delete_many = _degrade(RedisCache.delete_many, lambda n: [])
    inc = _degrade(RedisCache.inc, None)
    dec = _degrade(RedisCache.dec, None)


def cache_config(cfg: Settings) -> dict:
    """The flask-caching config: shared Redis (redis:// or rediss://) when REDIS_URL is set, else per-process."""
    url, timeout, prefix = cfg.redis_url, cfg.cache_timeout, cfg.cache_key_prefix
    if not url:
        return {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": timeout}
    return {
        "CACHE_TYPE": SAFE_REDIS,
        "CACHE_REDIS_URL": url,
        "CACHE_KEY_PREFIX": prefix,
        "CACHE_DEFAULT_TIMEOUT": timeout,
        # Short socket timeouts: a dead Redis must cost milliseconds per call, not the router's 30 s.
        "CACHE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }


def describe(config: dict) -> str:
    """One log line for the cache a config makes (no credentials)."""
    if config["CACHE_TYPE"] != SAFE_REDIS:
        return "cache: per process (no REDIS_URL)"
    return (f"cache: Redis at {config['CACHE_REDIS_URL'].rpartition('@')[2]}, prefix {config['CACHE_KEY_PREFIX']!r}, "
            "misses served from the database when Redis is down")
