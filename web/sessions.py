"""Officer sessions: an absolute lifetime, revocation on sign-out, the user re-checked on every request.

The cookie (signed with SECRET_KEY) carries who signed in, how, when, a random session id and a fingerprint
of the password hash it was checked against. Each request re-checks all of it against the settings:
  - older than SESSION_HOURS since sign-in: over (the lifetime is absolute, no response extends it);
  - a password user no longer in APP_USERS, or whose hash changed: over; an OIDC user whose domain is no
    longer allowed: over;
  - a session id revoked by sign-out: over. Revoked ids live in the app's shared cache (Redis when
    REDIS_URL is set, so every worker sees them) until the session would have expired anyway. While Redis
    is down the revocation list cannot be read: those sessions still end at their absolute lifetime.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time

from cachelib import SimpleCache

from config import Settings

log = logging.getLogger(__name__)

REVOKED = "revoked-session:"


def fingerprint(password_hash: str) -> str:
    """A short digest of the stored hash: changing a password (or removing the user) ends their sessions."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def record(name: str, via: str, cfg: Settings) -> dict:
    """What the cookie holds for a fresh sign-in."""
    user = {"name": name, "via": via, "sid": secrets.token_urlsafe(16), "at": int(time.time())}
    if via == "password":
        user["pw"] = fingerprint(cfg.users[name])
    return user


def store_for(cache) -> object:
    """The revocation store: the app's flask-caching object, or a per-process one when the app has none."""
    return cache if cache is not None else SimpleCache(threshold=10_000)


def _still_allowed(user: dict, cfg: Settings) -> bool:
    name, via = user.get("name"), user.get("via")
    if via == "password":
        hashed = cfg.users.get(name)
        return bool(hashed) and user.get("pw") == fingerprint(hashed)
    if via == "oidc" and cfg.oidc:
        domains = cfg.oidc.allowed_domains
        return not domains or str(name).rpartition("@")[2].lower() in domains
    return False


def why_invalid(user, cfg: Settings, store) -> str | None:
    """None when the session in the cookie may still be used, else the reason (for the log)."""
    if not isinstance(user, dict) or not isinstance(user.get("name"), str):
        return "no user"
    at, sid = user.get("at"), user.get("sid")
    if not isinstance(at, int) or not isinstance(sid, str):
        return "a session from before sign-in records"
    if time.time() - at > cfg.session_hours * 3600:
        return "expired"
    if not _still_allowed(user, cfg):
        return "the user is no longer allowed"
    if store.get(REVOKED + sid):
        return "signed out"
    return None


def revoke(user, cfg: Settings, store) -> None:
    """Remember this session id as signed out until it would have expired anyway."""
    if not isinstance(user, dict) or not isinstance(user.get("sid"), str):
        return
    left = int(cfg.session_hours * 3600 - (time.time() - int(user.get("at") or 0))) + 60
    if left > 0:
        store.set(REVOKED + user["sid"], 1, timeout=left)
        log.info("signed out: %s", user.get("name"))
