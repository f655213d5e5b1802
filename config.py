"""Configuration from the environment, read in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", ROOT / "instance"))
SHARED_DATA_DIR = Path(os.environ.get("SHARED_DATA_DIR", ROOT.parent / "shared" / "data"))


def normalise_database_url(url: str | None) -> str:
    """Map DATABASE_URL to an SQLAlchemy URL; unset means the embedded SQLite file.

    Heroku-style ``postgres://`` and plain ``postgresql://`` both use psycopg 3.
    """
    if not url:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE_DIR / 'evcharge.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None
    tile_url: str | None = None  # map tiles; unset = plain background (works offline)
    tile_attribution: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=normalise_database_url(os.environ.get("DATABASE_URL")),
            redis_url=os.environ.get("REDIS_URL") or None,
            tile_url=os.environ.get("TILE_URL") or None,
            tile_attribution=os.environ.get("TILE_ATTRIBUTION") or None,
        )


def settings() -> Settings:
    return Settings.from_env()
