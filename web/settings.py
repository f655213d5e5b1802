"""Hosted settings (sign-in, mode, limits) read from the environment and checked at start."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

MODES = ("officer", "public")
TRUE = ("1", "true", "yes", "on")
# Platforms that set these in every dyno/instance: their presence means "hosted" unless HOSTED says otherwise.
PLATFORM_MARKERS = ("DYNO", "RENDER", "FLY_APP_NAME")


class ConfigError(RuntimeError):
    """The environment cannot run the app; the message says what to set."""


def _flag(env, name: str) -> bool | None:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return None
    return raw.strip().lower() in TRUE


def parse_users(raw: str | None) -> dict[str, str]:
    """APP_USERS: ``name:werkzeug-hash`` entries separated by commas (hashes hold ':' and '$', never ',')."""
    users: dict[str, str] = {}
    for entry in (raw or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        name, sep, hashed = entry.partition(":")
        if not sep or not name or not hashed or "$" not in hashed:
            raise ConfigError(f"APP_USERS entry {name or entry[:12]!r} is not 'name:hash' "
                              "(make a hash with: python -m web.auth hash)")
        users[name.strip()] = hashed.strip()
    return users


@dataclass(frozen=True)
class Oidc:
    discovery_url: str
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"
    allowed_domains: tuple[str, ...] = ()
    label: str = "Sign in with Microsoft"


@dataclass(frozen=True)
class HostedSettings:
    hosted: bool
    mode: str
    secret_key: str | None
    users: dict[str, str] = field(default_factory=dict)
    oidc: Oidc | None = None
    public_min_count: int = 5
    ratelimit_storage_uri: str = "memory://"
    ratelimit_signin: str = "5 per minute;30 per hour"
    ratelimit_callbacks: str = "600 per minute"
    ratelimit_enabled: bool = True
    tile_url: str | None = None  # the map tiles (config.py reads the same TILE_URL); unset = no tiles
    session_hours: int = 8

    @property
    def auth_required(self) -> bool:
        """Officer mode asks for sign-in when hosted, or locally as soon as a sign-in method is configured."""
        if self.mode != "officer":
            return False
        return self.hosted or bool(self.users or self.oidc)


def _oidc(env) -> Oidc | None:
    url = env.get("OIDC_DISCOVERY_URL", "").strip()
    if not url:
        return None
    missing = [n for n in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET") if not env.get(n, "").strip()]
    if missing:
        raise ConfigError(f"OIDC_DISCOVERY_URL is set but {', '.join(missing)} is not")
    domains = tuple(d.strip().lower() for d in env.get("OIDC_ALLOWED_DOMAINS", "").split(",") if d.strip())
    return Oidc(url, env["OIDC_CLIENT_ID"].strip(), env["OIDC_CLIENT_SECRET"].strip(),
                env.get("OIDC_SCOPES", "openid email profile"), domains,
                env.get("OIDC_LABEL", "Sign in with Microsoft"))


def _int(env, name: str, default: int, low: int) -> int:
    raw = env.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < low:
        raise ConfigError(f"{name}={value} must be at least {low}")
    return value


def is_hosted(env=None) -> bool:
    """HOSTED=1/0 decides; unset, a PaaS marker variable (DYNO, RENDER, FLY_APP_NAME) means hosted."""
    env = os.environ if env is None else env
    flag = _flag(env, "HOSTED")
    return flag if flag is not None else any(env.get(m) for m in PLATFORM_MARKERS)


def _mode(env) -> str:
    mode = env.get("APP_MODE", "").strip().lower() or "officer"
    if mode not in MODES:
        raise ConfigError(f"APP_MODE={mode!r} must be one of {', '.join(MODES)}")
    return mode


def _url_problems(env, hosted: bool) -> list[str]:
    """DATABASE_URL and REDIS_URL: present when hosted, and of a scheme the app can use."""
    problems = []
    db, redis = env.get("DATABASE_URL", "").strip(), env.get("REDIS_URL", "").strip()
    if hosted and not db:
        problems.append("DATABASE_URL is not set: a hosted app needs PostgreSQL "
                        "(the local SQLite file does not survive a restart of the platform's container)")
    if db and not db.startswith(("postgres://", "postgresql://", "postgresql+psycopg://", "sqlite:")):
        problems.append(f"DATABASE_URL has scheme {db.split(':', 1)[0]!r}: use postgres:// or postgresql://")
    if redis and not redis.startswith(("redis://", "rediss://", "unix://")):
        problems.append(f"REDIS_URL has scheme {redis.split(':', 1)[0]!r}: use redis:// or rediss://")
    if hosted and not redis:
        log.warning("REDIS_URL is not set: each worker caches on its own and rate limits are per worker")
    return problems


def load(env=None) -> HostedSettings:
    """Read and check the environment; raises ConfigError naming every problem found."""
    env = os.environ if env is None else env
    hosted = is_hosted(env)
    problems: list[str] = _url_problems(env, hosted)
    values: dict = {}
    for key, fn in (("mode", lambda: _mode(env)), ("users", lambda: parse_users(env.get("APP_USERS"))),
                    ("oidc", lambda: _oidc(env)),
                    ("public_min_count", lambda: _int(env, "PUBLIC_MIN_COUNT", 5, 1)),
                    ("session_hours", lambda: _int(env, "SESSION_HOURS", 8, 1))):
        try:
            values[key] = fn()
        except ConfigError as exc:
            problems.append(str(exc))
    secret = env.get("SECRET_KEY", "").strip() or None
    if hosted and not secret:
        problems.append("SECRET_KEY is not set: a hosted app refuses to start without it "
                        "(generate one with: python -c 'import secrets; print(secrets.token_hex(32))')")
    elif hosted and len(secret) < 32:
        problems.append("SECRET_KEY is shorter than 32 characters: use a long random value")
    if hosted and any(_flag(env, n) for n in ("DASH_DEBUG", "FLASK_DEBUG")):
        problems.append("DASH_DEBUG/FLASK_DEBUG is on: debug must be off when hosted (it shows tracebacks)")
    if hosted and values.get("mode") == "officer" and not (values.get("users") or values.get("oidc")):
        problems.append("officer mode when hosted needs a sign-in method: set OIDC_DISCOVERY_URL "
                        "(with OIDC_CLIENT_ID, OIDC_CLIENT_SECRET) or APP_USERS")
    if problems:
        raise ConfigError("configuration refused:\n  - " + "\n  - ".join(problems))
    redis = env.get("REDIS_URL", "").strip()
    return HostedSettings(
        hosted=hosted, secret_key=secret,
        ratelimit_storage_uri=env.get("RATELIMIT_STORAGE_URI", "").strip() or redis or "memory://",
        ratelimit_signin=env.get("RATELIMIT_SIGNIN", "").strip() or HostedSettings.ratelimit_signin,
        ratelimit_callbacks=env.get("RATELIMIT_CALLBACKS", "").strip() or HostedSettings.ratelimit_callbacks,
        ratelimit_enabled=_flag(env, "RATELIMIT_ENABLED") is not False,
        tile_url=env.get("TILE_URL", "").strip() or None,
        **values,
    )
