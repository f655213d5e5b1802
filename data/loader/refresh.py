"""Refresh primitives: a cross-process lock and an all-or-nothing write transaction per run.

Design (why the store is never half-written):

* **Lock.** PostgreSQL: ``pg_try_advisory_lock`` held on a dedicated session; SQLite: ``fcntl.flock``
  on ``<db file>.refresh.lock``. Both are released by the OS/server when the process dies, even on
  SIGKILL, so a killed refresh never leaves a stale lock. A second refresh raises ``LockBusy`` at once.
* **One transaction.** Everything a run changes (deletes, bulk inserts, index rebuilds, rollups,
  quarantine rows, the data version bump and the run's 'ok' status) happens in ``run.conn``, a single
  transaction committed at the end. SQLite opens it with ``BEGIN IMMEDIATE`` (pysqlite would otherwise
  run DDL such as DROP INDEX outside any transaction). A reader in another process sees the last
  committed snapshot: SQLite in WAL mode keeps readers on their snapshot while the writer appends to
  the WAL; PostgreSQL's MVCC does the same (DELETE, not TRUNCATE, so readers are never blocked by
  rollup rewrites). SIGKILL before the commit leaves uncommitted WAL frames / an aborted transaction,
  which both engines discard: the store is exactly as before. No staging-table renames are needed.
* **Run log.** The 'running' row is committed in its own short transaction before the write
  transaction starts, so a crash stays visible; the next run, or ``status`` when the lock is free
  (so nothing else is running), marks leftover 'running' rows as 'failed' ("killed: ..."). Failures
  roll back, then log 'failed' with a one-line message and re-raise. Too many bad rows (share over
  ``max_bad_share``) roll back, keep a bounded sample of the quarantine rows, log 'refused' and raise
  ``RefreshRefused``.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from data import schema
from data.loader import store
from data.loader.rowlog import RowLog

log = logging.getLogger(__name__)

ADVISORY_LOCK_KEY = 7_402_611_201  # arbitrary, fixed: "the loader's refresh" for this database
DEFAULT_MAX_BAD_SHARE = 0.20
REFUSED_SAMPLE = 1000  # quarantine rows a refused run keeps (its run log counts all of them by reason)
LOCK_NAMES = ("refresh", "watch")  # "watch": one status watcher per store (held for its whole life)


class LockBusy(RuntimeError):
    """Another refresh holds the lock."""


class RefreshRefused(RuntimeError):
    """The run had too many bad rows; the store was left untouched."""

    def __init__(self, run_id: int, message: str):
        super().__init__(message)
        self.run_id = run_id


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@contextlib.contextmanager
def refresh_lock(engine: Engine, name: str = "refresh") -> Iterator[None]:
    """Hold the store's refresh lock (or another named lock, e.g. "watch"), or raise LockBusy immediately."""
    busy = (f"another {name} is running on this store; try again when it has finished" if name == "refresh"
            else f"another {name} process holds this store's {name} lock")
    key = ADVISORY_LOCK_KEY + LOCK_NAMES.index(name)
    if store.is_postgres(engine):
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                raise LockBusy(busy)
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        return
    db = engine.url.database
    if not db or db == ":memory:":
        yield  # a private in-memory store has no other process to race with
        return
    with open(Path(db).with_name(Path(db).name + f".{name}.lock"), "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockBusy(busy) from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


@dataclass
class Run:
    """One refresh: its id, its write transaction (``conn``) and its counters."""

    run_id: int
    source: str
    location: str | None
    conn: Connection
    rows_in: int = 0
    rows_loaded: int = 0
    logs: list[RowLog] = field(default_factory=lambda: [RowLog()])  # quarantine rows: bounded memory
    bad: int = 0
    by_reason: Counter = field(default_factory=Counter)

    def quarantine(self, row_number: int | None, raw_row, reason: str, bad: bool = True) -> None:
        """Set one bad row aside (``bad=False``: log a corrected row that loads; not counted as bad)."""
        raw = raw_row if isinstance(raw_row, str) or raw_row is None else json.dumps(raw_row, default=str)
        self.bad += bad
        self.by_reason[reason.split(":", 1)[0]] += 1
        self.logs[0].append((row_number, raw, reason))

    def take(self, log: RowLog, bad: bool = True) -> None:
        """Adopt a parse's whole quarantine log (rows stay where they are, in memory or spilled)."""
        self.bad += len(log) if bad else 0
        self.by_reason.update(log.reasons)
        self.logs.append(log)

    def quarantined(self) -> Iterator[tuple]:
        return itertools.chain.from_iterable(self.logs)

    def logged(self) -> int:
        return sum(len(log) for log in self.logs)

    def count(self, rows_in: int = 0, rows_loaded: int = 0) -> None:
        """Add to the run's counters (call once per chunk or once in total)."""
        self.rows_in += rows_in
        self.rows_loaded += rows_loaded

    def bad_share(self) -> float:
        return self.bad / self.rows_in if self.rows_in else 0.0

    def reasons(self) -> str:
        """Quarantine-log rows counted by reason, e.g. '2 duplicate session, 1 corrected'."""
        return ", ".join(f"{n} {r}" for r, n in sorted(self.by_reason.items()))


KILLED = ("killed: the loader process was interrupted before finishing (no loader holds the refresh "
          "lock); the store kept its previous data")


def _mark_killed(conn: Connection) -> int:
    """Mark 'running' rows as failed; only call while holding the refresh lock (so none is really running)."""
    t = schema.load_runs
    stale = conn.execute(t.update().where(t.c.status == "running").values(
        status="failed", finished_at=_now(), message=KILLED))
    if stale.rowcount:
        log.warning("marked %d killed run(s) as failed", stale.rowcount)
    return stale.rowcount


def mark_killed_runs(engine: Engine) -> int:
    """Runs logged 'running' whose process is gone become 'failed' (killed); a live refresh is left alone."""
    try:
        with refresh_lock(engine), engine.begin() as conn:
            return _mark_killed(conn)
    except LockBusy:
        return 0


def _start_run(engine: Engine, source: str, location: str | None) -> int:
    t = schema.load_runs
    with engine.begin() as conn:
        _mark_killed(conn)
        res = conn.execute(t.insert().values(source=source, location=location, started_at=_now(),
                                             status="running"))
        return int(res.inserted_primary_key[0])


def _finish_run(conn: Connection, run: Run, status: str, message: str | None) -> None:
    t = schema.load_runs
    conn.execute(t.update().where(t.c.run_id == run.run_id).values(
        status=status, finished_at=_now(), rows_in=run.rows_in, rows_loaded=run.rows_loaded,
        rows_quarantined=run.bad, message=message))


def _write_quarantine(conn: Connection, run: Run, limit: int | None = None) -> None:
    """The run's quarantine rows (the first ``limit`` only, for a refused run), inserted in batches."""
    rows = itertools.islice(run.quarantined(), limit)
    while batch := list(itertools.islice(rows, 10_000)):
        conn.execute(schema.quarantine.insert(), [
            {"run_id": run.run_id, "source": run.source, "row_number": n, "raw_row": raw, "reason": reason}
            for n, raw, reason in batch])


def _begin(engine: Engine) -> tuple[Connection, object]:
    conn = engine.connect()
    trans = conn.begin()
    if not store.is_postgres(engine):
        driver = conn.connection.driver_connection
        # Big sorts (index builds over millions of sessions) go to temp files, not RAM, for this run;
        # the engine's temp_store=MEMORY suits the app's small reads. Only settable outside a transaction.
        driver.execute("PRAGMA temp_store=FILE")
    store.begin_write(conn)
    return conn, trans


@contextlib.contextmanager
def refresh(engine: Engine, source: str, location: str | None = None,
            max_bad_share: float = DEFAULT_MAX_BAD_SHARE) -> Iterator[Run]:
    """Lock, log the run, yield a Run whose ``conn`` is the one write transaction, then commit."""
    with refresh_lock(engine):
        run_id = _start_run(engine, source, location)
        log.info("run %d: %s %s started", run_id, source, location or "")
        conn, trans = _begin(engine)
        run = Run(run_id, source, location, conn)
        try:
            yield run
            if run.bad_share() > max_bad_share:
                trans.rollback()
                kept = min(run.logged(), REFUSED_SAMPLE)
                msg = (f"refused: {run.bad} of {run.rows_in} rows quarantined ({run.bad_share():.0%} > "
                       f"{max_bad_share:.0%}; {run.reasons()}); store left unchanged, a sample of {kept} "
                       "quarantine rows kept")
                with engine.begin() as c2:
                    _write_quarantine(c2, run, REFUSED_SAMPLE)
                    _finish_run(c2, run, "refused", msg)
                log.warning("run %d: %s", run_id, msg)
                raise RefreshRefused(run_id, msg)
            _write_quarantine(conn, run)
            version = store.bump_data_version(conn)
            _finish_run(conn, run, "ok", None)
            trans.commit()
            log.info("run %d: committed (%d in, %d loaded, %d quarantined), data version %d",
                     run_id, run.rows_in, run.rows_loaded, run.bad, version)
        except RefreshRefused:
            raise
        except BaseException as exc:
            if trans.is_active:
                trans.rollback()
            msg = f"{exc.__class__.__name__}: {exc}".splitlines()[0][:500]
            with engine.begin() as c2:
                _finish_run(c2, run, "failed", msg)
            log.error("run %d: failed and rolled back: %s", run_id, msg)
            raise
        finally:
            for log_ in run.logs:
                log_.close()
            if not store.is_postgres(engine) and not conn.invalidated:
                conn.connection.driver_connection.execute("PRAGMA temp_store=MEMORY")
            conn.close()
