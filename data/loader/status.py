"""What is in the store: one dict for ``status --json`` and a short text for people."""

from __future__ import annotations

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from data import schema, spans
from data.loader import store


def _iso(value) -> str | None:
    return value.isoformat(sep=" ", timespec="seconds") if value is not None else None


def _sessions_count(conn) -> int | None:
    """Sessions count; None while a PostgreSQL refresh holds the table (a demo rebuilds its index)."""
    if not store.is_postgres(conn):
        return store.table_count(conn, schema.sessions)
    conn.execute(text("SET LOCAL lock_timeout = '2s'"))
    try:
        return store.table_count(conn, schema.sessions)
    except OperationalError:
        conn.rollback()
        return None


def store_status(engine: Engine, last: int = 10) -> dict:
    """Data version, the last runs, table counts and devices per borough."""
    if not inspect(engine).has_table("store_meta"):
        raise RuntimeError("the store is not migrated yet: run `python -m data.loader migrate`")
    r, d = schema.load_runs, schema.devices
    with engine.connect() as conn:
        runs = conn.execute(select(r).order_by(r.c.run_id.desc()).limit(last)).mappings().all()
        by_borough = conn.execute(select(d.c.gss_code, func.count()).where(d.c.gss_code.is_not(None))
                                  .group_by(d.c.gss_code).order_by(d.c.gss_code)).all()
        counts = {name: store.table_count(conn, t) for name, t in (
            ("boroughs", schema.boroughs), ("devices", d), ("quarantined", schema.quarantine))}
        by_band = conn.execute(select(d.c.power_band, func.count()).where(d.c.gss_code.is_not(None))
                               .group_by(d.c.power_band).order_by(d.c.power_band)).all()
        counts["london_devices"] = sum(int(n) for _, n in by_borough)
        data_spans = spans.spans(conn)
        version = store.get_data_version(conn)
        counts["sessions"] = _sessions_count(conn)
    return {
        "data_version": version,
        "database": engine.url.render_as_string(hide_password=True),
        "last_runs": [{
            "run_id": x["run_id"], "source": x["source"], "location": x["location"],
            "started": _iso(x["started_at"]), "finished": _iso(x["finished_at"]), "status": x["status"],
            "rows_in": x["rows_in"], "rows_loaded": x["rows_loaded"],
            "rows_quarantined": x["rows_quarantined"], "message": x["message"]} for x in runs],
        "counts": counts,
        "devices_by_borough": {gss: int(n) for gss, n in by_borough},
        "devices_by_band": {band or schema.UNKNOWN_BAND: int(n) for band, n in by_band},
        "spans": spans.as_records(data_spans),
        "provenance": spans.provenance(data_spans),
        "loaded": spans.loaded_text(data_spans),
    }


def format_status(st: dict) -> str:
    """The status dict as a few lines for a person."""
    c = st["counts"]
    lines = [f"store: {st['database']}", f"data version: {st['data_version']}",
             f"boroughs {c['boroughs']:,}  devices {c['devices']:,}  "
             f"sessions {'(a refresh holds the table)' if c['sessions'] is None else format(c['sessions'], ',')}  "
             f"quarantined rows {c['quarantined']:,}",
             f"boroughs with devices: {len(st['devices_by_borough'])} ({c['london_devices']:,} London devices: "
             + ", ".join(f"{n:,} {band}" for band, n in st["devices_by_band"].items()) + ")",
             f"data: {st['provenance'] or '(no dated data yet)'}" + (f" ({st['loaded']})" if st["loaded"] else ""),
             *(f"  {x['kind']:<16} {x['source']:<16} as of {x['data_date'] or '-'}  "
               f"{x['span_start'] or '?'} .. {x['span_end'] or '?'}  {x['rows']:,} rows  loaded {x['loaded_at']}"
               for x in st["spans"]),
             "last runs:"]
    if not st["last_runs"]:
        lines.append("  (none yet)")
    for x in st["last_runs"]:
        lines.append(f"  #{x['run_id']} {x['source']} {x['location'] or ''} {x['status']} "
                     f"started {x['started']} finished {x['finished'] or '-'} "
                     f"in {x['rows_in']} loaded {x['rows_loaded']} quarantined {x['rows_quarantined']}"
                     + (f"  {x['message']}" if x["message"] else ""))
    return "\n".join(lines)
