"""Coarser rollups derived from the fine ones, so that each view reads the smallest table that answers it.

The fine ``rollup_daily`` / ``rollup_hour_of_week`` split every row by band, location type and
operator (1.5M hour-of-week rows at --scale london); grouping them per request cost 0.3-1.5 s on an
empty cache. ``rollup_daily_borough`` (day x borough) and ``rollup_how_borough`` (borough x weekday x
hour x month) hold the same sums with that split summed away, read when no band, operator or location
filter narrows the view, and ``rollup_how_london`` (month x weekday x hour) those sums over all London, for
the heatmap with no borough selected; ``rollup_daily_operator`` and ``rollup_how_operator`` sum band and
location type away, operator leading the key, for a named operator with every band and location ticked;
``rollup_daily_band`` and ``rollup_how_band`` sum only the operators away, for
the views a band or location-type filter narrows (6x and 3x fewer rows than the fine tables at london).

Two builders, tested equal: a refresh writes them from its in-memory sums (``rollups.Accumulator``,
over ``TABLES``), in the same transaction as the fine rollups, so they swap atomically with them;
``build_derived`` here fills them with INSERT ... SELECT ... GROUP BY from the stored fine tables, for
``migrate`` on a store written before a derived table existed. (The loader used this one too, until it
cost 7-8 s of every london refresh against about 2 s for the regrouping and the inserts.)
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from data import schema as s

log = logging.getLogger(__name__)


# Every derived rollup: the fine table of its grain with some key columns summed away (see the docstring).
TABLES = (s.rollup_daily_borough, s.rollup_how_borough, s.rollup_how_london, s.rollup_daily_operator,
          s.rollup_how_operator, s.rollup_daily_band, s.rollup_how_band)
_TIME = ("day", "month", "dow", "hour")


def grain(table) -> str:
    """"daily" (from rollup_daily) or "how" (from rollup_hour_of_week)."""
    return "daily" if "day" in table.c else "how"


def kept(table) -> list[str]:
    """The fine key's group columns (borough, band, location type, operator) a derived table keeps, in key order."""
    return [c.name for c in table.primary_key.columns if c.name not in _TIME]


def _copy(conn: Connection, target) -> int:
    source = s.rollup_daily if grain(target) == "daily" else s.rollup_hour_of_week
    keys = [c.name for c in target.primary_key.columns]
    sums = [c.name for c in target.c if not c.primary_key]
    # Only listed bands (unknown included) and location types: what the fine table gives with every box ticked.
    stmt = (select(*(source.c[k] for k in keys), *(func.sum(source.c[v]).label(v) for v in sums))
            .where(source.c.power_band.in_(s.ALL_POWER_BANDS), source.c.location_type.in_(s.LOCATION_TYPES))
            .group_by(*(source.c[k] for k in keys)))
    conn.execute(target.delete())
    return conn.execute(insert(target).from_select([*keys, *sums], stmt)).rowcount


def build_derived(conn: Connection) -> dict[str, int]:
    """Replace every derived rollup from the fine rollups, in the caller's transaction; returns row counts."""
    t0 = time.perf_counter()
    counts = {table.name: _copy(conn, table) for table in TABLES}
    log.info("derived rollups: %s in %.1f s", counts, time.perf_counter() - t0)
    return counts
