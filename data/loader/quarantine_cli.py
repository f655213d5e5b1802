"""``python -m data.loader quarantine list|purge``: read and clear the quarantine table."""

from __future__ import annotations

import argparse
from datetime import date, datetime

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.engine import Engine

from data import schema
from data.loader.refresh import refresh_lock

RAW_SHOWN = 160  # characters of each raw row shown by ``list``


def add_parser(sub) -> None:
    """The ``quarantine`` subcommand and its ``list`` and ``purge`` actions."""
    q = sub.add_parser("quarantine", help="list or purge quarantined rows")
    actions = q.add_subparsers(dest="action", required=True)
    show = actions.add_parser("list", help="quarantined rows, newest run first, with their reasons")
    show.add_argument("--run", type=int, help="only this run's rows")
    show.add_argument("--limit", type=int, default=50, help="at most this many rows (default 50)")
    purge = actions.add_parser("purge", help="delete quarantined rows (the runs' log rows and counts stay)")
    which = purge.add_mutually_exclusive_group(required=True)
    which.add_argument("--run", type=int, help="this run's rows")
    which.add_argument("--before", type=date.fromisoformat, metavar="YYYY-MM-DD",
                       help="rows of runs started before this date")


def _runs_before(day: date):
    r = schema.load_runs
    return select(r.c.run_id).where(r.c.started_at < datetime.combine(day, datetime.min.time()))


def list_rows(engine: Engine, run: int | None, limit: int) -> list[str]:
    """Lines for a person: a count by reason, then one line per row."""
    q = schema.quarantine
    where = [q.c.run_id == run] if run is not None else []
    with engine.connect() as conn:
        by_reason = conn.execute(select(q.c.reason, func.count()).where(*where).group_by(q.c.reason)).all()
        rows = conn.execute(select(q).where(*where).order_by(q.c.run_id.desc(), q.c.row_number, q.c.id)
                            .limit(limit)).mappings().all()
    counts: dict[str, int] = {}
    for reason, n in by_reason:
        counts[reason.split(":", 1)[0]] = counts.get(reason.split(":", 1)[0], 0) + n
    total = sum(counts.values())
    scope = f"run {run}" if run is not None else "all runs"
    lines = [f"{total:,} quarantined rows ({scope})" + (": " + ", ".join(
        f"{n:,} {r}" for r, n in sorted(counts.items())) if counts else "")]
    for x in rows:
        raw = (x["raw_row"] or "")[:RAW_SHOWN]
        lines.append(f"run {x['run_id']} row {x['row_number'] if x['row_number'] is not None else '-'} "
                     f"[{x['source']}] {x['reason']} | {raw}")
    if total > len(rows):
        lines.append(f"({len(rows)} of {total:,} shown; --limit N for more)")
    return lines


def purge(engine: Engine, run: int | None, before: date | None) -> int:
    """Delete one run's quarantined rows, or those of runs started before a date; returns how many."""
    q = schema.quarantine
    cond = q.c.run_id == run if run is not None else q.c.run_id.in_(_runs_before(before))
    with refresh_lock(engine), engine.begin() as conn:
        return conn.execute(delete(q).where(cond)).rowcount


def main(engine: Engine, args: argparse.Namespace) -> int:
    """Run ``quarantine list`` or ``quarantine purge``; returns the exit code."""
    if not inspect(engine).has_table("quarantine"):
        raise RuntimeError("the store is not migrated yet: run `python -m data.loader migrate`")
    if args.action == "list":
        if args.limit < 0:
            raise RuntimeError("--limit must be 0 or more")
        print("\n".join(list_rows(engine, args.run, args.limit)))
        return 0
    n = purge(engine, args.run, args.before)
    what = f"run {args.run}" if args.run is not None else f"runs started before {args.before}"
    print(f"purged {n:,} quarantined rows of {what}")
    return 0
