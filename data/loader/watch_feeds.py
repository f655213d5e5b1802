"""The watcher's feeds file (TOML): one ``[[feed]]`` table per operator's open OCPI 2.2.1 Locations endpoint.

    [[feed]]
    name = "operator-a"                       # short, unique: the feed column of status_changes
    url = "https://example.org/ocpi/2.2.1/locations"
    token_env = "OPERATOR_A_OCPI_TOKEN"       # or token = "..." (most open feeds need none)
    interval = 60                             # seconds between polls (default 60)
    timeout = 30                              # seconds to wait for one page (default 30)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import config

DEFAULT_INTERVAL = 60.0
DEFAULT_TIMEOUT = 30.0
KEYS = {"name", "url", "token", "token_env", "interval", "timeout"}


class FeedsError(RuntimeError):
    """The feeds file is unusable: the message is one line."""


@dataclass(frozen=True)
class Feed:
    name: str
    url: str
    token: str | None = None
    interval: float = DEFAULT_INTERVAL
    timeout: float = DEFAULT_TIMEOUT


def _feed(n: int, raw: dict) -> Feed:
    where = f"feed {n} ({raw.get('name', 'no name')})"
    unknown = set(raw) - KEYS
    if unknown:
        raise FeedsError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(KEYS))})")
    name, url = str(raw.get("name") or "").strip(), str(raw.get("url") or "").strip()
    if not name or len(name) > 64:
        raise FeedsError(f"{where}: a name of 1 to 64 characters is required")
    if not url.lower().startswith(("http://", "https://")):
        raise FeedsError(f"{where}: url must be an http(s) URL of the operator's OCPI Locations endpoint")
    token = raw.get("token")
    if raw.get("token_env"):
        token = config.named_secret(str(raw["token_env"]))
        if not token:
            raise FeedsError(f"{where}: environment variable {raw['token_env']} (token_env) is not set")
    try:
        interval, timeout = float(raw.get("interval", DEFAULT_INTERVAL)), float(raw.get("timeout", DEFAULT_TIMEOUT))
    except (TypeError, ValueError):
        raise FeedsError(f"{where}: interval and timeout must be numbers of seconds") from None
    if interval <= 0 or timeout <= 0:
        raise FeedsError(f"{where}: interval and timeout must be positive")
    return Feed(name, url, str(token) if token else None, interval, timeout)


def read_feeds(path: str | Path) -> list[Feed]:
    """Every feed in the file, checked; a bad file is a FeedsError naming the problem."""
    path = Path(path)
    if not path.is_file():
        raise FeedsError(f"{path}: no such feeds file")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FeedsError(f"{path}: not valid TOML ({exc})") from None
    raw = doc.get("feed")
    if not isinstance(raw, list) or not raw:
        raise FeedsError(f"{path}: no [[feed]] tables; see docs/feeds.example.toml")
    feeds = [_feed(n, r) for n, r in enumerate(raw, start=1)]
    names = [f.name for f in feeds]
    if len(set(names)) != len(names):
        raise FeedsError(f"{path}: feed names must be unique")
    return feeds
