"""Coarser rollups derived from the fine ones, for the views no operator (or no filter at all) narrows.

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
``rollups.DERIVED``), in the same transaction as the fine rollups, so they swap atomically with them;
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


def _copy(conn: Connection, target, source, keys: list[str], sums: list[str]) -> int:
    cols = [source.c[k] for k in keys]
    stmt = select(*cols, *(func.sum(source.c[v]).label(v) for v in sums)).group_by(*cols)
    if "power_band" in source.c:
        # Only known bands and location types: exactly what the fine table gives with every box ticked.
        stmt = stmt.where(source.c.power_band.in_(s.POWER_BANDS), source.c.location_type.in_(s.LOCATION_TYPES))
    conn.execute(target.delete())
    return conn.execute(insert(target).from_select([*keys, *sums], stmt)).rowcount


def build_derived(conn: Connection) -> dict[str, int]:
    """Replace every derived rollup from the fine rollups, in the caller's transaction; returns row counts."""
    t0 = time.perf_counter()
    daily = ["devices_in_service", "sessions", "kwh", "plugged_hours"]
    counts = {
        "rollup_daily_borough": _copy(conn, s.rollup_daily_borough, s.rollup_daily, ["day", "gss_code"], daily),
        "rollup_how_borough": _copy(conn, s.rollup_how_borough, s.rollup_hour_of_week,
                                    ["gss_code", "dow", "hour", "month"], ["sessions", "kwh"]),
        # From the borough table just written: 33x fewer rows to group than the fine one.
        "rollup_how_london": _copy(conn, s.rollup_how_london, s.rollup_how_borough, ["month", "dow", "hour"],
                                   ["sessions", "kwh"]),
        "rollup_daily_operator": _copy(conn, s.rollup_daily_operator, s.rollup_daily,
                                       ["operator", "day", "gss_code"], daily),
        "rollup_how_operator": _copy(conn, s.rollup_how_operator, s.rollup_hour_of_week,
                                     ["operator", "month", "gss_code", "dow", "hour"], ["sessions", "kwh"]),
        "rollup_daily_band": _copy(conn, s.rollup_daily_band, s.rollup_daily,
                                   ["power_band", "location_type", "day", "gss_code"], daily),
        "rollup_how_band": _copy(conn, s.rollup_how_band, s.rollup_hour_of_week,
                                 ["power_band", "location_type", "month", "gss_code", "dow", "hour"], ["sessions", "kwh"]),
    }
    log.info("derived rollups: %s in %.1f s", counts, time.perf_counter() - t0)
    return counts
