"""The selected devices as a table for export (one query, bound parameters; usage from rollup_device_month)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import String, func, or_, select, type_coerce

from data import schema as s
from data.db import engine_for
from data.queries import UNKNOWN_OPERATOR, month_start

COLUMNS = ["device_id", "name", "operator", "power_band", "location_type", "gss_code", "borough", "installed_on"]
USAGE = ["sessions", "kwh", "plugged_hours"]


def _where(stmt, state: dict):
    """Devices in service at some point of the period, in the selected boroughs, bands, types and operators."""
    d = s.devices.c
    lo, hi = date.fromisoformat(state["from"]), date.fromisoformat(state["to"])
    stmt = stmt.where(d.gss_code.is_not(None), d.power_band.in_(state["bands"]), d.location_type.in_(state["locations"]),
                      or_(d.installed_on.is_(None), d.installed_on <= hi), or_(d.removed_on.is_(None), d.removed_on >= lo))
    if state["boroughs"]:
        stmt = stmt.where(d.gss_code.in_(state["boroughs"]))
    if state["operators"]:
        named = d.operator.in_(state["operators"])
        unknown = or_(d.operator.is_(None), d.operator == "") if UNKNOWN_OPERATOR in state["operators"] else None
        stmt = stmt.where(or_(named, unknown) if unknown is not None else named)
    return stmt


def selected_devices(db: str, state: dict, *, with_usage: bool) -> pd.DataFrame:
    """Device id, name, operator, band, borough, install date (and the period's use when ``with_usage``)."""
    d, b, m = s.devices.c, s.boroughs.c, s.rollup_device_month.c
    cols = [d.device_id, d.name, d.operator, d.power_band, d.location_type, d.gss_code, b.name.label("borough"),
            type_coerce(d.installed_on, String).label("installed_on")]
    joined = s.devices.join(s.boroughs, b.gss_code == d.gss_code)
    stmt = select(*cols).select_from(joined)
    if with_usage:
        use = (select(m.device_id, *[func.sum(m[k]).label(k) for k in USAGE])
               .where(m.month >= month_start(state["from"]), m.month <= month_start(state["to"]))
               .group_by(m.device_id).subquery())
        stmt = select(*cols, *[func.coalesce(use.c[k], 0).label(k) for k in USAGE]).select_from(
            joined.outerjoin(use, use.c.device_id == d.device_id))
    with engine_for(db).connect() as conn:
        frame = pd.DataFrame(conn.execute(_where(stmt, state).order_by(d.device_id)).mappings().all(),
                             columns=COLUMNS + (USAGE if with_usage else []))
    frame["operator"] = frame["operator"].fillna(UNKNOWN_OPERATOR).replace("", UNKNOWN_OPERATOR)
    # SQLite gives the date as text, PostgreSQL as a date (type_coerce casts nothing in SQL): ISO text either way
    frame["installed_on"] = frame["installed_on"].map(lambda v: None if v is None else str(v)[:10])
    return frame
