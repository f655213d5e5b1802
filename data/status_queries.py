"""Read queries over the live status tables (issue 15): occupancy, PCPR 2023 reliability, officer lists.

Plain functions of the store URL and hashable primitives (ISO dates, tuples), returning DataFrames, so the
dashboard can memoize them as it does ``data.queries``; they read the status tables (``status_daily``, its rollups,
``status_current``, ``status_feeds``) only, so their cache keys should take ``status_version(db)`` (``data_version:status``,
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
    """The rows as plain tuples: pandas probing each SQLAlchemy Row for namedtuple fields cost 8 ms per 1,000 rows
    (most of an officer list's 12,000 devices x 2 reads)."""
    with engine_for(db).connect() as conn:
        result = conn.execute(stmt)
        return pd.DataFrame([tuple(r) for r in result], columns=list(result.keys()))


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


ROLLUPS = {"borough": (s.status_daily_borough, "gss_code"), "operator": (s.status_daily_operator, "operator")}


def minutes(db: str, start: str, end: str, by: str = "borough", bands: tuple[str, ...] = (),
            operators: tuple[str, ...] = ()) -> pd.DataFrame:
    """Minutes per class, occupancy and reliability per borough / operator / device, days [start, end]: from the
    daily status rollups (``devices``: the most in any day, which is the period's, see schema.status_daily_borough)
    unless by device (then from each device's running totals, ``status_cum_device``) or narrowed to operators
    (then from ``status_daily``, as ``device_minutes``)."""
    if by == "device":
        return _per_device_cum(db, start, end, bands, operators)
    if by not in ROLLUPS or operators:
        return device_minutes(db, start, end, by, bands, operators)
    table, col = ROLLUPS[by]
    day, key = table.c.day, table.c[col].label(by)
    per_day = (select(key, day, func.sum(table.c.devices).label("devices"),
                      *(func.sum(table.c[c]).label(c) for c in s.STATUS_MINUTES))
               .where(day >= date.fromisoformat(start[:10]), day <= date.fromisoformat(end[:10])).group_by(key, day))
    if bands:
        per_day = per_day.where(table.c.power_band.in_(bands))
    p = per_day.subquery()
    stmt = (select(p.c[by], func.max(p.c.devices).label("devices"), *(func.sum(p.c[c]).label(c) for c in s.STATUS_MINUTES))
            .group_by(p.c[by]).order_by(p.c[by]))
    return with_rates(_frame(db, stmt))


def borough_days(db: str, start: str, end: str, bands: tuple[str, ...], gss_codes: tuple[str, ...]) -> pd.DataFrame:
    """Per day, for each of ``gss_codes`` and London ("London": every borough), the status devices and minutes
    (from the borough rollup): the live-status metrics' time series."""
    t = s.status_daily_borough
    cols = (func.sum(t.c.devices).label("devices"), *(func.sum(t.c[c]).label(c) for c in s.STATUS_MINUTES))
    where = [t.c.day >= date.fromisoformat(start[:10]), t.c.day <= date.fromisoformat(end[:10])]
    if bands:
        where.append(t.c.power_band.in_(bands))
    london = select(t.c.day, *cols).where(*where).group_by(t.c.day)
    areas = select(t.c.day, t.c.gss_code.label("area"), *cols).where(*where, t.c.gss_code.in_(gss_codes)).group_by(
        t.c.day, t.c.gss_code)
    frames = [_frame(db, london).assign(area="London"), _frame(db, areas) if gss_codes else None]
    out = pd.concat([f for f in frames if f is not None], ignore_index=True)
    out["day"] = pd.to_datetime(out["day"])
    return with_rates(out)


def device_minutes(db: str, start: str, end: str, by: str = "device", bands: tuple[str, ...] = (),
                   operators: tuple[str, ...] = ()) -> pd.DataFrame:
    """As ``minutes``, from ``status_daily`` per device (the truth the rollups are tested against)."""
    if by == "device":
        return _per_device(db, start, end, bands, operators)
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
    return with_rates(_frame(db, stmt))


def _per_device(db: str, start: str, end: str, bands: tuple[str, ...], operators: tuple[str, ...]) -> pd.DataFrame:
    """Minutes per device over days [start, end] with its operator, borough and band: ``status_daily`` grouped by
    device alone and the devices' fields joined after (half the time of grouping the join). The truth the officer
    lists' running totals (``_per_device_cum``) are tested against."""
    t = s.status_daily
    stmt = (select(t.c.device_id.label("device"), *(func.sum(t.c[c]).label(c) for c in s.STATUS_MINUTES))
            .where(t.c.day >= date.fromisoformat(start[:10]), t.c.day <= date.fromisoformat(end[:10]))
            .group_by(t.c.device_id))
    return _with_devices(db, _frame(db, _picked(stmt, t.c.device_id, bands, operators)))


def _per_device_cum(db: str, start: str, end: str, bands: tuple[str, ...],
                    operators: tuple[str, ...]) -> pd.DataFrame:
    """As ``_per_device``, from ``status_cum_device``: each device's totals at the period's last day held minus
    those at the last day held before the period (two days' rows, a row per device each, whatever the period's
    length: the officer lists). A device with no minutes in the period (none there, as in ``status_daily``) is
    left out; minutes are rounded to 1e-6 (a difference of running totals carries their float error, ~1e-11)."""
    c = s.status_cum_device
    first, last = date.fromisoformat(start[:10]), date.fromisoformat(end[:10])
    with engine_for(db).connect() as conn:
        e = conn.execute(select(func.max(c.c.day)).where(c.c.day <= last)).scalar()
        p = conn.execute(select(func.max(c.c.day)).where(c.c.day < first)).scalar()
    if e is None or e < first:  # nothing held in the period: status_daily says so just as fast (an empty range)
        return _per_device(db, start, end, bands, operators)
    at, before = c.alias("at_end"), c.alias("before")
    if p is None:
        stmt = select(at.c.device_id.label("device"), *(at.c[m] for m in s.STATUS_MINUTES))
    else:
        stmt = (select(at.c.device_id.label("device"),
                       *((at.c[m] - func.coalesce(before.c[m], 0.0)).label(m) for m in s.STATUS_MINUTES))
                .select_from(at.outerjoin(before, and_(before.c.day == p, before.c.device_id == at.c.device_id))))
    sums = _frame(db, _picked(stmt.where(at.c.day == e), at.c.device_id, bands, operators))
    sums[list(s.STATUS_MINUTES)] = sums[list(s.STATUS_MINUTES)].astype(float).round(6)
    return _with_devices(db, sums[sums[list(s.STATUS_MINUTES)].sum(axis=1) > 0])


def _picked(stmt, device_id, bands: tuple[str, ...], operators: tuple[str, ...]):
    """``stmt`` narrowed to the devices of ``bands`` and ``operators`` (each: any if empty)."""
    d = s.devices
    picked = [d.c.power_band.in_(bands)] if bands else []
    if operators:
        picked.append(d.c.operator.in_(operators))
    return stmt.where(device_id.in_(select(d.c.device_id).where(*picked))) if picked else stmt


def _with_devices(db: str, sums: pd.DataFrame) -> pd.DataFrame:
    """Minutes per device (``device`` and the classes) with each device's operator, borough and band and rates."""
    d = s.devices
    fields = _frame(db, select(d.c.device_id.label("device"), d.c.operator, d.c.gss_code, d.c.power_band))
    df = sums.merge(fields, on="device").sort_values("device", ignore_index=True)
    df.insert(1, "devices", 1)
    return with_rates(df)


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
    c, d, f = s.status_current, s.devices, s.status_feeds
    stmt = (select(c.c.device_id, c.c.status, c.c.since, c.c.feed, f.c.last_good_poll,
                   d.c.latitude, d.c.longitude, d.c.gss_code, d.c.operator, d.c.power_band)
            .join(d, d.c.device_id == c.c.device_id).join(f, f.c.feed == c.c.feed).order_by(c.c.device_id))
    df = _frame(db, stmt)
    at = pd.Timestamp(datetime.fromisoformat(now))
    df["feed_age_s"] = (at - pd.to_datetime(df["last_good_poll"])).dt.total_seconds()
    df["live"] = df["status"].map(LIVE_CLASS).fillna("unknown").where(df["feed_age_s"] <= stale_after_s, "unknown")
    return df


def live_codes(db: str, now: str, stale_after_s: int, classes: tuple[str, ...]) -> tuple[str, dict[str, int]]:
    """Every device's class now (``classes``: LIVE_CLASS's values then "unknown", last) as one digit per device in
    device_id order, the order of the map's points (``queries.device_frame``), and the count per class of the
    devices in a feed. A device in no feed, or in a stale one, is unknown."""
    c, d, f = s.status_current, s.devices, s.status_feeds
    stmt = (select(d.c.device_id, c.c.status, f.c.last_good_poll)
            .select_from(d.outerjoin(c, c.c.device_id == d.c.device_id).outerjoin(f, f.c.feed == c.c.feed))
            .order_by(d.c.device_id))
    df = _frame(db, stmt)
    at = pd.Timestamp(datetime.fromisoformat(now))
    fresh = (at - pd.to_datetime(df["last_good_poll"])).dt.total_seconds() <= stale_after_s
    live = df["status"].map(LIVE_CLASS).where(fresh, classes[-1]).fillna(classes[-1])
    codes = live.map({k: str(i) for i, k in enumerate(classes)})
    fed = live[df["status"].notna()]
    return "".join(codes), {k: int((fed == k).sum()) for k in classes}


def not_working_for(db: str, now: str, days: int = 7) -> pd.DataFrame:
    """Devices whose current status is INOPERATIVE or OUTOFORDER since at least ``days`` days before ``now``."""
    df = current_status(db, now, stale_after_s=10**9)
    cutoff = pd.Timestamp(datetime.fromisoformat(now) - timedelta(days=days))
    out = df[df["status"].isin(NOT_WORKING) & (pd.to_datetime(df["since"]) <= cutoff)]
    return out.assign(days=(pd.Timestamp(datetime.fromisoformat(now)) - pd.to_datetime(out["since"])).dt.days
                      ).sort_values(["since", "device_id"]).reset_index(drop=True)
