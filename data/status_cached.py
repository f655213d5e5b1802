"""``data.status_queries`` memoized for the dashboard: keyed by the store, its data version (devices) and its
status version (``data_version:status``), so a status poll rolls over only these answers (issue 15 item 5)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from cache import cache
from data import schema as s
from data import status_queries as sq
from data.db import engine_for


@cache.memoize(timeout=5)
def status_version(db: str) -> str:
    """``data_version:status`` ('0' before the first poll); cached only briefly, as the data version is."""
    return sq.status_version(db)


@cache.memoize()
def feeds(db: str, key: str) -> pd.DataFrame:
    """Each status feed and its last good poll (None before the first)."""
    f = s.status_feeds
    with engine_for(db).connect() as conn:
        rows = conn.execute(select(f.c.feed, f.c.last_good_poll).order_by(f.c.feed)).fetchall()
    return pd.DataFrame(rows, columns=["feed", "last_good_poll"])


@cache.memoize()
def minutes(db: str, key: str, start: str, end: str, by: str, bands: tuple = (), operators: tuple = ()) -> pd.DataFrame:
    return sq.minutes(db, start, end, by=by, bands=bands, operators=operators)


@cache.memoize()
def not_working_for(db: str, key: str, now: str, days: int) -> pd.DataFrame:
    return sq.not_working_for(db, now, days=days)


@cache.memoize()
def live_codes(db: str, key: str, now: str, stale_after_s: int, classes: tuple[str, ...]) -> tuple[str, dict]:
    """(one class digit per device, in the map's point order; count per class): the map's Live now, one cache
    entry a minute, so each open map's minute tick is a lookup."""
    return sq.live_codes(db, now, stale_after_s, classes)


@cache.memoize()
def borough_days(db: str, key: str, start: str, end: str, bands: tuple, gss_codes: tuple) -> pd.DataFrame:
    return sq.borough_days(db, start, end, bands, gss_codes)
