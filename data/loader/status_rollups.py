"""What the status views read instead of the history: each device's status now and the daily status rollups.

``status_current`` is each device's last ``status_changes`` row, upserted by the watcher in the poll's own
transaction (``write_current``). ``status_daily_borough`` / ``status_daily_operator`` are ``status_daily``
summed per day, borough (or operator) and power band, rewritten by the derivation for the days it rewrites, in
its transaction (``write_rollups``), as the session rollups are by a refresh. ``rebuild`` fills all three from the
history and ``status_daily`` (``migrate`` on a store written before they existed, and benchmark stores).
Devices' borough, operator and band are read when the rollups are written, so a refresh that can change them (a
registry or ``boundaries`` load: ``sources.runner``) rewrites, in its transaction, the rollup rows of every
borough and operator whose devices changed (``device_keys`` before its writes, ``follow_devices`` after); ``status_current`` holds no borough, operator or band (its readers join ``devices``).

``status_cum_device`` holds each device's running totals of ``status_daily`` (``write_cumulative``: the derivation
rewrites them from the first day it rewrites on, every later day included); keyed by device alone, it needs nothing
when a device moves (its readers join ``devices``, as the per-device reads of ``status_daily`` do).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, and_, func, insert, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from data import schema as s

UNKNOWN_OPERATOR = "Unknown"  # as the session rollups and the map name a device without an operator


def write_current(conn: Connection, rows: list[dict]) -> None:
    """Upsert each changed device's (status, since, feed) from new ``status_changes`` rows (device, from_time, ...)."""
    if not rows:
        return
    last: dict[str, dict] = {}
    for r in rows:  # one row per device: its latest
        if r["device_id"] not in last or r["from_time"] >= last[r["device_id"]]["since"]:
            last[r["device_id"]] = {"device_id": r["device_id"], "status": r["status"], "since": r["from_time"],
                                    "feed": r["feed"]}
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(s.status_current)
    stmt = stmt.on_conflict_do_update(index_elements=["device_id"], set_={
        "status": stmt.excluded.status, "since": stmt.excluded.since, "feed": stmt.excluded.feed})
    conn.execute(stmt, list(last.values()))


def rebuild_current(conn: Connection) -> int:
    """Replace ``status_current`` with each device's last ``status_changes`` row; returns the devices."""
    c = s.status_changes
    last = select(c.c.device_id, func.max(c.c.from_time).label("t")).group_by(c.c.device_id).subquery()
    rows = (select(c.c.device_id, c.c.status, c.c.from_time, c.c.feed)
            .join(last, and_(last.c.device_id == c.c.device_id, last.c.t == c.c.from_time)))
    conn.execute(s.status_current.delete())
    return conn.execute(insert(s.status_current).from_select(["device_id", "status", "since", "feed"], rows)).rowcount


def _groups() -> dict:
    """Each rollup and its group, as the rollups name it (a device without an operator is ``Unknown``)."""
    d = s.devices
    return {s.status_daily_borough: d.c.gss_code,
            s.status_daily_operator: func.coalesce(func.nullif(d.c.operator, ""), UNKNOWN_OPERATOR)}


def _fill(conn: Connection, target, group, first: date | None, last: date | None, only: set | None) -> int:
    t, d = s.status_daily, s.devices
    band = func.coalesce(d.c.power_band, s.UNKNOWN_BAND)
    stmt = (select(t.c.day, group, band, func.count(), *(func.sum(t.c[m]) for m in s.STATUS_MINUTES))
            .select_from(t.join(d, d.c.device_id == t.c.device_id)).group_by(t.c.day, group, band))
    if target is s.status_daily_borough:
        stmt = stmt.where(d.c.gss_code.is_not(None))
    if first is not None:
        stmt = stmt.where(t.c.day >= first, t.c.day <= last)
    if only is not None:
        stmt = stmt.where(group.in_(sorted(only)))
    keys = [c.name for c in target.c]
    return conn.execute(insert(target).from_select(keys, stmt)).rowcount


def write_rollups(conn: Connection, first: date | None = None, last: date | None = None,
                  only: dict | None = None) -> dict[str, int]:
    """Rewrite both status rollups for days [first, last] (every day if None) from ``status_daily``; ``only``:
    {rollup table: the boroughs (operators) to rewrite}, every one if None (a table it leaves out is kept)."""
    out = {}
    for target, group in _groups().items():
        keep = None if only is None else only.get(target, set())
        if keep is not None and not keep:
            continue
        delete = target.delete()
        if first is not None:
            delete = delete.where(target.c.day >= first, target.c.day <= last)
        if keep is not None:
            delete = delete.where(target.c["gss_code" if target is s.status_daily_borough else "operator"]
                                  .in_(sorted(keep)))
        conn.execute(delete)
        out[target.name] = _fill(conn, target, group, first, last, keep)
    return out


def device_keys(conn: Connection) -> dict[str, tuple] | None:
    """Each device's (borough, operator, band) as the rollups group it, or None on a store with no status history
    (nothing to keep true: a refresh there pays one empty read)."""
    if conn.execute(select(s.status_daily.c.day).limit(1)).first() is None:
        return None
    d = s.devices
    group = _groups()
    rows = conn.execute(select(d.c.device_id, group[s.status_daily_borough], group[s.status_daily_operator],
                               func.coalesce(d.c.power_band, s.UNKNOWN_BAND)))
    return {r[0]: tuple(r[1:]) for r in rows}


def follow_devices(conn: Connection, before: dict[str, tuple] | None) -> dict[str, int]:
    """After a refresh changed devices (a registry or ``boundaries`` load), in its transaction: rewrite, for every
    day, the rows of each borough (operator) a device left, joined or changed band in (``before``:
    ``device_keys`` read ahead of the refresh's writes; None: no status history, nothing to do)."""
    if before is None:
        return {}
    after = device_keys(conn) or {}
    # A borough's rows change with its devices' borough or band; an operator's with their operator or band.
    boroughs, operators = set(), set()
    for i in before.keys() | after.keys():
        old, new = before.get(i), after.get(i)
        if old == new:
            continue
        if old is None or new is None or (old[0], old[2]) != (new[0], new[2]):
            boroughs.update(k[0] for k in (old, new) if k is not None and k[0] is not None)
        if old is None or new is None or (old[1], old[2]) != (new[1], new[2]):
            operators.update(k[1] for k in (old, new) if k is not None)
    if not boroughs and not operators:
        return {}
    return write_rollups(conn, only={s.status_daily_borough: boroughs, s.status_daily_operator: operators})


def write_cumulative(conn: Connection, first: date | None = None) -> int:
    """Rewrite ``status_cum_device`` from day ``first`` on (every day if None) from ``status_daily``; returns the rows.

    Each device gets a row on every day ``status_daily`` holds from its first row there on (a device left without
    rows on a day, were the history ever pruned, keeps its totals of the day before), so a reader takes the day's
    rows (``WHERE day = X``, X a day of the table) and has every device with its minutes up to X. From ``first``
    on, the totals continue those of the table's last day before ``first`` (one window SUM per device). Returns the
    driver's row count (-1 from psycopg here)."""
    c, t = s.status_cum_device, s.status_daily
    delete, new, days = c.delete(), select(t.c.device_id, func.min(t.c.day).label("first")), select(t.c.day)
    base_day = None
    if first is not None:
        delete = delete.where(c.c.day >= first)
        new, days = new.where(t.c.day >= first), days.where(t.c.day >= first)
        base_day = conn.execute(select(func.max(c.c.day)).where(c.c.day < first)).scalar()
    conn.execute(delete)
    new = new.group_by(t.c.device_id)
    if base_day is not None:  # devices with totals before ``first`` continue from ``first``
        carried = select(c.c.device_id, literal(first, Date).label("first")).where(c.c.day == base_day)
        both = union_all(new, carried).subquery()
        new = select(both.c.device_id, func.min(both.c.first).label("first")).group_by(both.c.device_id)
    starts, days = new.subquery(), days.distinct().subquery()
    grid = (starts.join(days, days.c.day >= starts.c.first)
            .outerjoin(t, and_(t.c.day == days.c.day, t.c.device_id == starts.c.device_id)))
    running = {m: func.sum(func.coalesce(t.c[m], 0.0)).over(partition_by=starts.c.device_id, order_by=days.c.day)
               for m in s.STATUS_MINUTES}
    if base_day is not None:
        base = c.alias("base")
        grid = grid.outerjoin(base, and_(base.c.day == base_day, base.c.device_id == starts.c.device_id))
        running = {m: func.coalesce(base.c[m], 0.0) + r for m, r in running.items()}
    rows = select(days.c.day, starts.c.device_id, *running.values()).select_from(grid).subquery()
    stmt = select(*rows.c).order_by(rows.c.day, rows.c.device_id)  # the key's order: appended, not scattered
    return conn.execute(insert(c).from_select([col.name for col in c.c], stmt)).rowcount


def rebuild(conn: Connection) -> None:
    """``status_current``, both rollups and the running totals from the history and ``status_daily``, in the
    caller's transaction."""
    rebuild_current(conn)
    write_rollups(conn)
    write_cumulative(conn)
