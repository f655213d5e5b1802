"""The apply step shared by every adapter: parse inside one refresh, write, rebuild rollups, log."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.engine import Connection, Engine

from data import schema
from data.loader import rollups, spans, status_rollups
from data.loader.refresh import RefreshRefused, refresh
from data.loader.sources.base import Parsed, parse_options

log = logging.getLogger(__name__)

# parse(location, opts, conn) -> Parsed; conn is read-only context (boundaries, known devices)
ParseFn = Callable[..., Parsed]
# write(conn, parsed) -> None; runs inside the refresh's single write transaction
WriteFn = Callable[[Connection, Parsed], None]


def run_source(engine: Engine, source: str, location: str, options, parser, parse: ParseFn,
               write: WriteFn, rebuild_rollups: bool = True) -> int | None:
    """Parse and load one LOCATION atomically; returns the run id (None for --dry-run)."""
    opts = parse_options(parser, options)
    if opts.dry_run:
        with engine.connect() as conn:
            parsed = parse(location, opts, conn)
        log.info("dry run, nothing written: %s", parsed.summary())
        return None
    parsed: Parsed | None = None
    run_id = None
    try:
        with refresh(engine, source, location, max_bad_share=opts.max_bad_share) as run:
            run_id = run.run_id
            parsed = parse(location, opts, run.conn)
            run.take(parsed.quarantined)
            run.take(parsed.corrections, bad=False)
            run.count(rows_in=parsed.rows_in, rows_loaded=parsed.rows_loaded)
            if parsed.bad_share() <= opts.max_bad_share:  # a refused run writes nothing anyway
                # A refresh that rebuilds the rollups may move devices: the status rollups follow the ones it moves.
                keys = status_rollups.device_keys(run.conn) if rebuild_rollups else None
                write(run.conn, parsed)
                # Spans first: with no sessions, the rollups' days end at the devices' own date (rollups._window).
                spans.record(run.conn, run_id, source, parsed.data_date, getattr(opts, "replace", False))
                if rebuild_rollups:
                    rollups.rebuild(run.conn)
                    status_rollups.follow_devices(run.conn, keys)
    except RefreshRefused:
        log.warning("run %s refused: %s", run_id, parsed.summary() if parsed else "")
        _note(engine, run_id, parsed, prefix=True)
        raise
    log.info("run %s: %s", run_id, parsed.summary())
    _note(engine, run_id, parsed)
    return run_id


def _note(engine: Engine, run_id: int | None, parsed: Parsed | None, prefix: bool = False) -> None:
    """Keep the per-reason summary on the run's log row (refresh() writes only its own message)."""
    if run_id is None or parsed is None:
        return
    t = schema.load_runs
    with engine.begin() as conn:
        old = conn.execute(t.select().where(t.c.run_id == run_id)).mappings().first()
        message = f"{old['message']}; {parsed.summary()}" if prefix and old and old["message"] else parsed.summary()
        conn.execute(update(t).where(t.c.run_id == run_id).values(message=message[:4000]))
