"""Every setting, read from the environment in this one module, checked once, into one frozen object.

``load(env)`` is pure (any mapping in, ``Settings`` out, or ``ConfigError`` naming every problem);
``settings()`` is that for ``os.environ``, read once per process. The app, ``web/`` and the loader take
the object; nothing else reads the environment (tests/test_settings.py scans the sources for it).
``ENV_VARS`` lists every variable read here; ``.env.example`` documents exactly these.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent
MODES = ("officer", "public")
TRUE = ("1", "true", "yes", "on")
# Platforms that set these in every dyno/instance: their presence means "hosted" unless HOSTED says otherwise.
PLATFORM_MARKERS = ("DYNO", "RENDER", "FLY_APP_NAME")

ENV_VARS = (
    "DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "CACHE_DEFAULT_TIMEOUT",
    "HOSTED", "SECRET_KEY", "PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT", "GUNICORN_MAX_REQUESTS", "FORWARDED_ALLOW_IPS", "LOG_LEVEL",
    "DASH_DEBUG", "FLASK_DEBUG", "APP_MODE", "PUBLIC_MIN_COUNT", "SESSION_HOURS", "APP_USERS",
    "OIDC_DISCOVERY_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_SCOPES", "OIDC_ALLOWED_DOMAINS",
    "OIDC_LABEL", "RATELIMIT_ENABLED", "RATELIMIT_STORAGE_URI", "RATELIMIT_KEY_PREFIX", "RATELIMIT_SIGNIN",
    "RATELIMIT_SIGNIN_ACCOUNT", "RATELIMIT_CALLBACKS", "TILE_URL", "TILE_ATTRIBUTION", "INSTANCE_DIR", "SHARED_DATA_DIR",
    *PLATFORM_MARKERS,
)


# Secrets published in this repository (.env.example): refused as SECRET_KEY when hosted.
KNOWN_PLACEHOLDERS = frozenset({"change-me-to-64-random-hex-characters-change-me-to-64-random-hex"})


class ConfigError(RuntimeError):
    """The environment cannot run the app; the message says what to set."""


def normalise_database_url(url: str | None, instance_dir: Path | None = None) -> str:
    """Map DATABASE_URL to an SQLAlchemy URL; unset means the embedded SQLite file.

    Heroku-style ``postgres://`` and plain ``postgresql://`` both use psycopg 3.
    """
    if not url:
        folder = instance_dir or settings().instance_dir
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / 'evcharge.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class Oidc:
    discovery_url: str
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"
    allowed_domains: tuple[str, ...] = ()
    label: str = "Sign in with Microsoft"


@dataclass(frozen=True)
class Gunicorn:
    workers: int = 2
    threads: int = 4
    timeout: int = 25
    graceful_timeout: int = 20
    max_requests: int = 1000
    forwarded_allow_ips: str = "*"


@dataclass(frozen=True)
class Settings:
    database_url: str  # the SQLAlchemy URL (unset DATABASE_URL: the instance SQLite file)
    redis_url: str | None = None
    hosted: bool = False
    mode: str = "officer"
    secret_key: str | None = None
    users: dict[str, str] = field(default_factory=dict)
    oidc: Oidc | None = None
    public_min_count: int = 5
    session_hours: int = 8
    cache_key_prefix: str = "evcharge:"
    cache_timeout: int = 3600
    ratelimit_storage_uri: str = "memory://"
    ratelimit_key_prefix: str = "evcharge-rl"
    ratelimit_signin: str = "5 per minute;30 per hour"
    ratelimit_signin_account: str = "10 per hour"  # password tries per user name, from any address
    ratelimit_callbacks: str = "600 per minute"
    ratelimit_enabled: bool = True
    tile_url: str | None = None  # map tiles; None = plain background (TILE_URL set but empty: offline)
    tile_attribution: str | None = None
    log_level: str = "INFO"
    port: int | None = None  # PORT: set by the platform (gunicorn binds 8000 without it, app.py 8050)
    gunicorn: Gunicorn = field(default_factory=Gunicorn)
    instance_dir: Path = ROOT / "instance"
    shared_data_dir: Path = ROOT.parent / "shared" / "data"

    @property
    def public(self) -> bool:
        """Public mode: no sign-in, aggregates only, small counts suppressed."""
        return self.mode == "public"

    @property
    def auth_required(self) -> bool:
        """Officer mode asks for sign-in when hosted, or locally as soon as a sign-in method is configured."""
        if self.mode != "officer":
            return False
        return self.hosted or bool(self.users or self.oidc)

    @property
    def min_count(self) -> int:
        """The public suppression threshold; 0 (nothing hidden) for officers."""
        return self.public_min_count if self.public else 0


# --- parsing helpers ------------------------------------------------------------------------------

def _get(env: Mapping, name: str, default: str = "") -> str:
    return (env.get(name) or default).strip()


def _flag(env: Mapping, name: str) -> bool | None:
    raw = _get(env, name)
    return None if raw == "" else raw.lower() in TRUE


OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


def _tiles(env: Mapping) -> dict:
    """The basemap: TILE_URL unset = OpenStreetMap's standard tiles (with their attribution); set but empty =
    none (offline); else that template, with TILE_ATTRIBUTION."""
    if env.get("TILE_URL") is None:
        return {"tile_url": OSM_TILES, "tile_attribution": _get(env, "TILE_ATTRIBUTION") or OSM_ATTRIBUTION}
    url = _get(env, "TILE_URL") or None
    return {"tile_url": url, "tile_attribution": (_get(env, "TILE_ATTRIBUTION") or None) if url else None}


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


def _oidc(env: Mapping) -> Oidc | None:
    url = _get(env, "OIDC_DISCOVERY_URL")
    if not url:
        return None
    absent = [n for n in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET") if not _get(env, n)]
    if absent:
        raise ConfigError(f"OIDC_DISCOVERY_URL is set but {', '.join(absent)} is not")
    domains = tuple(d.strip().lower() for d in _get(env, "OIDC_ALLOWED_DOMAINS").split(",") if d.strip())
    return Oidc(url, _get(env, "OIDC_CLIENT_ID"), _get(env, "OIDC_CLIENT_SECRET"),
                _get(env, "OIDC_SCOPES", "openid email profile"), domains,
                _get(env, "OIDC_LABEL", "Sign in with Microsoft"))


def _int(env: Mapping, name: str, default: int, low: int) -> int:
    raw = _get(env, name)
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value < low:
        raise ConfigError(f"{name}={value} must be at least {low}")
    return value


def is_hosted(env: Mapping | None = None) -> bool:
    """HOSTED=1/0 decides; unset, a PaaS marker variable (DYNO, RENDER, FLY_APP_NAME) means hosted."""
    env = os.environ if env is None else env
    flag = _flag(env, "HOSTED")
    return flag if flag is not None else any(env.get(m) for m in PLATFORM_MARKERS)


def _mode(env: Mapping) -> str:
    mode = _get(env, "APP_MODE").lower() or "officer"
    if mode not in MODES:
        raise ConfigError(f"APP_MODE={mode!r} must be one of {', '.join(MODES)}")
    return mode


def _url_problems(env: Mapping, hosted: bool) -> list[str]:
    """DATABASE_URL and REDIS_URL: present when hosted, and of a scheme the app can use."""
    problems = []
    db, redis = _get(env, "DATABASE_URL"), _get(env, "REDIS_URL")
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


def is_placeholder(secret: str) -> bool:
    """A value copied from documentation rather than generated: .env.example's, or one saying to change it."""
    low = secret.lower()
    return secret in KNOWN_PLACEHOLDERS or "change-me" in low or "changeme" in low


def _hosting_problems(env: Mapping, hosted: bool, secret: str | None) -> list[str]:
    """What a hosted app refuses: no or a short SECRET_KEY, debug on."""
    if not hosted:
        return []
    problems = []
    if not secret:
        problems.append("SECRET_KEY is not set: a hosted app refuses to start without it "
                        "(generate one with: python -c 'import secrets; print(secrets.token_hex(32))')")
    elif len(secret) < 32:
        problems.append("SECRET_KEY is shorter than 32 characters: use a long random value")
    elif is_placeholder(secret):
        problems.append("SECRET_KEY is a published placeholder (.env.example's): anyone could sign a session "
                        "cookie with it; generate your own")
    if any(_flag(env, n) for n in ("DASH_DEBUG", "FLASK_DEBUG")):
        problems.append("DASH_DEBUG/FLASK_DEBUG is on: debug must be off when hosted (it shows tracebacks)")
    return problems


def _checked(env: Mapping) -> tuple[dict, list[str]]:
    """The values that can be wrong, and every problem found with them."""
    problems: list[str] = []
    values: dict = {}
    checks = {
        "mode": lambda: _mode(env), "users": lambda: parse_users(env.get("APP_USERS")),
        "oidc": lambda: _oidc(env), "public_min_count": lambda: _int(env, "PUBLIC_MIN_COUNT", 5, 1),
        "port": lambda: _int(env, "PORT", 0, 0) or None,
        "session_hours": lambda: _int(env, "SESSION_HOURS", 8, 1),
        "cache_timeout": lambda: _int(env, "CACHE_DEFAULT_TIMEOUT", 3600, 1),
        "gunicorn": lambda: Gunicorn(
            workers=_int(env, "WEB_CONCURRENCY", 2, 1),
            threads=_int(env, "GUNICORN_THREADS", 4, 1), timeout=_int(env, "GUNICORN_TIMEOUT", 25, 1),
            graceful_timeout=_int(env, "GUNICORN_GRACEFUL_TIMEOUT", 20, 1),
            max_requests=_int(env, "GUNICORN_MAX_REQUESTS", 1000, 0),
            forwarded_allow_ips=_get(env, "FORWARDED_ALLOW_IPS", "*")),
    }
    for key, fn in checks.items():
        try:
            values[key] = fn()
        except ConfigError as exc:
            problems.append(str(exc))
    return values, problems


def load(env: Mapping | None = None) -> Settings:
    """Read and check the environment; raises ConfigError naming every problem found."""
    env = os.environ if env is None else env
    hosted = is_hosted(env)
    values, problems = _checked(env)
    problems = _url_problems(env, hosted) + problems
    secret = _get(env, "SECRET_KEY") or None
    problems += _hosting_problems(env, hosted, secret)
    if hosted and values.get("mode") == "officer" and not (values.get("users") or values.get("oidc")):
        problems.append("officer mode when hosted needs a sign-in method: set OIDC_DISCOVERY_URL "
                        "(with OIDC_CLIENT_ID, OIDC_CLIENT_SECRET) or APP_USERS")
    if problems:
        raise ConfigError("configuration refused:\n  - " + "\n  - ".join(problems))
    instance_dir = Path(_get(env, "INSTANCE_DIR") or ROOT / "instance")
    redis = _get(env, "REDIS_URL") or None
    prefix = _get(env, "CACHE_KEY_PREFIX") or "evcharge:"
    if values["mode"] == "public":
        # Panels are cached whole: a public deployment sharing Redis with an officer one must never
        # read the officers' unsuppressed entries.
        prefix += "public:"
    return Settings(
        database_url=normalise_database_url(_get(env, "DATABASE_URL") or None, instance_dir),
        redis_url=redis, hosted=hosted, secret_key=secret, cache_key_prefix=prefix,
        ratelimit_storage_uri=_get(env, "RATELIMIT_STORAGE_URI") or redis or "memory://",
        ratelimit_key_prefix=_get(env, "RATELIMIT_KEY_PREFIX") or "evcharge-rl",
        ratelimit_signin=_get(env, "RATELIMIT_SIGNIN") or Settings.ratelimit_signin,
        ratelimit_signin_account=_get(env, "RATELIMIT_SIGNIN_ACCOUNT") or Settings.ratelimit_signin_account,
        ratelimit_callbacks=_get(env, "RATELIMIT_CALLBACKS") or Settings.ratelimit_callbacks,
        ratelimit_enabled=_flag(env, "RATELIMIT_ENABLED") is not False,
        **_tiles(env),
        log_level=(_get(env, "LOG_LEVEL") or "INFO").upper(), instance_dir=instance_dir,
        shared_data_dir=Path(_get(env, "SHARED_DATA_DIR") or ROOT.parent / "shared" / "data"),
        **values,
    )


def named_secret(name: str) -> str | None:
    """A secret whose variable the operator names in a file (a feed's ``token_env``): read when asked, never
    listed in ENV_VARS, since its name is the operator's choice."""
    return (os.environ.get(name) or "").strip() or None


@functools.cache
def settings() -> Settings:
    """This process's settings (the environment read once)."""
    return load()


def current() -> Settings:
    """The settings of the app serving this request (``create_app`` stores them), else the process's."""
    from flask import current_app

    try:
        return current_app.config["EVCHARGE_SETTINGS"]
    except (RuntimeError, KeyError):
        return settings()
