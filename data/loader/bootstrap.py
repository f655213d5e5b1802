"""First start: make sure the store exists and holds something to show."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from data import schema
from data.db import get_engine
from data.loader import store
from data.loader.refresh import LockBusy

log = logging.getLogger(__name__)


def ensure_seeded(engine: Engine | None = None, scale: str = "london", seed: int = 2022) -> bool:
    """Migrate, and seed the demo London when the store has no devices; True if it seeded."""
    engine = engine or get_engine()
    store.migrate(engine)
    seed_reference(engine)
    if store.table_count(engine, schema.devices):
        return False
    from data.loader.demo import build_demo

    log.info("the store is empty: seeding the demo London (scale %s); this takes about a minute", scale)
    try:
        build_demo(engine, scale=scale, seed=seed)
    except LockBusy:
        log.warning("another process is already seeding the store; serving what is there")
        return False
    return True


def seed_reference(engine: Engine) -> list[str]:
    """Load the shipped targets and events (data/reference) into a store that holds none; the names loaded."""
    from data.loader.sources import SOURCES
    from data.loader.sources.context import DEFAULT_FILES

    loaded = []
    for source, path in DEFAULT_FILES.items():
        if not store.table_count(engine, getattr(schema, source)):
            SOURCES[source](engine, str(path))
            loaded.append(source)
    return loaded
