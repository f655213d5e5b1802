"""Read queries over the live status tables (issue 15): occupancy, PCPR 2023 reliability, officer lists.

Plain functions of the store URL and hashable primitives (ISO dates, tuples), returning DataFrames, so the
dashboard can memoize them as it does ``data.queries``; they read ``status_daily``, ``status_changes`` and
``status_feeds`` only, so their cache keys should take ``status_version(db)`` (``data_version:status``,
bumped by every poll and derivation) plus the global ``data_version`` where they join ``devices`` (every
refresh that changes the registry bumps that one). Session views fed by inferred sessions keep keying on
the global version: a derivation bumps both.

Definitions (minutes from ``status_daily``; see ``data/loader/status_derive.py``):
  observed    = every class but no data
  occupancy   = in use / observed
  working     = in use + available + reserved; not working = INOPERATIVE + OUTOFORDER
  reliability = working / (working + not working)  (PCPR 2023 reg 7; blocked and unknown are ineligible)
  rapid       = power band rapid or ultra (50 kW and over), the regulation's rapid network
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import and_, func, select

from data import schema as s
from data.db import engine_for

GROUPS = {"borough": s.devices.c.gss_code, "operator": s.devices.c.operator, "device": s.devices.c.device_id}
RAPID = ("rapid", "ultra")
WORKING = ("in_use", "available", "reserved")
RELIABILITY_TARGET = 0.99
NOT_WORKING = ("INOPERATIVE", "OUTOFORDER")
LIVE_CLASS = {"AVAILABLE": "available", "CHARGING": "in use", "RESERVED": "in use", "INOPERATIVE": "not working",
              "OUTOFORDER": "not working"}


def _frame(db: str, stmt) -> pd.DataFrame:
    with engine_for(db).connect() as conn:
        result = conn.execute(stmt)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def status_version(db: str) -> str:
    """``data_version:status`` ('0' before the first poll): the cache key part of every query here."""
    m = s.store_meta
    with engine_for(db).connect() as conn:
        return str(conn.execute(select(m.c.value).where(m.c.key == "data_version:status")).scalar() or "0")


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Add observed minutes, occupancy and reliability (NaN where nothing was observed or eligible)."""
    df = df.copy()
    df["observed"] = df[[c for c in s.STATUS_MINUTES if c != "no_data"]].sum(axis=1)
    working = df[list(WORKING)].sum(axis=1)
    df["occupancy"] = (df["in_use"] / df["observed"]).where(df["observed"] > 0)
    df["reliability"] = (working / (working + df["not_working"])).where(working + df["not_working"] > 0)
    return df


def minutes(db: str, start: str, end: str, by: str = "borough", bands: tuple[str, ...] = (),
            operators: tuple[str, ...] = ()) -> pd.DataFrame:
    """Minutes per class, occupancy and reliability per borough / operator / device, days [start, end]."""
    key = GROUPS[by].label(by)
    d, t = s.devices, s.status_daily
    stmt = (select(key, func.count(func.distinct(t.c.device_id)).label("devices"),
                   *(func.sum(t.c[c]).label(c) for c in s.STATUS_MINUTES))
            .select_from(t.join(d, d.c.device_id == t.c.device_id))
            .where(t.c.day >= date.fromisoformat(start[:10]), t.c.day <= date.fromisoformat(end[:10]))
            .group_by(key).order_by(key))
    if bands:
        stmt = stmt.where(d.c.power_band.in_(bands))
    if operators:
        stmt = stmt.where(d.c.operator.in_(operators))
    if by == "device":
        stmt = stmt.add_columns(d.c.operator, d.c.gss_code, d.c.power_band).group_by(
            d.c.operator, d.c.gss_code, d.c.power_band)
    return with_rates(_frame(db, stmt))


def rapid_reliability(db: str, start: str, end: str) -> pd.DataFrame:
    """Each operator's rapid network (50 kW+): reliability and whether it meets the 99 % of reg 7."""
    df = minutes(db, start, end, by="operator", bands=RAPID)
    return df.assign(meets_target=df["reliability"] >= RELIABILITY_TARGET)


def least_reliable_rapid(db: str, start: str, end: str, n: int = 50) -> pd.DataFrame:
    """The rapid devices with the lowest reliability over the period (ties: most minutes not working)."""
    df = minutes(db, start, end, by="device", bands=RAPID).dropna(subset=["reliability"])
    return df.sort_values(["reliability", "not_working", "device"], ascending=[True, False, True]).head(n)


def by_use(db: str, start: str, end: str, n: int = 50, busiest: bool = True) -> pd.DataFrame:
    """The busiest (or least used) devices by occupancy over the period; devices never observed left out."""
    df = minutes(db, start, end, by="device").dropna(subset=["occupancy"])
    return df.sort_values(["occupancy", "device"], ascending=[not busiest, True]).head(n)


def current_status(db: str, now: str, stale_after_s: int = 300) -> pd.DataFrame:
    """Every device's last status, since when, its feed's age; ``live`` is available / in use / not working /
    unknown, unknown also when the feed's last good poll is older than ``stale_after_s`` (the map's colours)."""
    c, d, f = s.status_changes, s.devices, s.status_feeds
    last = select(c.c.device_id, func.max(c.c.from_time).label("t")).group_by(c.c.device_id).subquery()
    stmt = (select(c.c.device_id, c.c.status, c.c.from_time.label("since"), c.c.feed, f.c.last_good_poll,
                   d.c.latitude, d.c.longitude, d.c.gss_code, d.c.operator, d.c.power_band)
            .join(last, and_(last.c.device_id == c.c.device_id, last.c.t == c.c.from_time))
            .join(d, d.c.device_id == c.c.device_id).join(f, f.c.feed == c.c.feed).order_by(c.c.device_id))
    df = _frame(db, stmt)
    at = pd.Timestamp(datetime.fromisoformat(now))
    df["feed_age_s"] = (at - pd.to_datetime(df["last_good_poll"])).dt.total_seconds()
    df["live"] = df["status"].map(LIVE_CLASS).fillna("unknown").where(df["feed_age_s"] <= stale_after_s, "unknown")
    return df


def not_working_for(db: str, now: str, days: int = 7) -> pd.DataFrame:
    """Devices whose current status is INOPERATIVE or OUTOFORDER since at least ``days`` days before ``now``."""
    df = current_status(db, now, stale_after_s=10**9)
    cutoff = pd.Timestamp(datetime.fromisoformat(now) - timedelta(days=days))
    out = df[df["status"].isin(NOT_WORKING) & (pd.to_datetime(df["since"]) <= cutoff)]
    return out.assign(days=(pd.Timestamp(datetime.fromisoformat(now)) - pd.to_datetime(out["since"])).dt.days
                      ).sort_values(["since", "device_id"]).reset_index(drop=True)
