"""``python -m data.loader watch --feeds FEEDS``: poll every operator's open OCPI Locations feed, keep status history.

One watcher per store (the loader's lock, named "watch", held for the process's life; a second watcher
gets LockBusy). Feeds are fetched in threads, each on its own schedule, so a slow or dead feed never holds
the others up; each fetched poll is then applied in its own transaction (``status_poll``). Once an hour
(and after ``--once``) the finished hours are derived into minutes, sessions and rollups (``status_derive``),
under the ordinary refresh lock, so a concurrent ``load`` and the derivation never interleave.

Time comes from ``clock`` (UTC, naive): tests and the benchmark pass a virtual one.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from data import schema
from data.loader import status_derive, status_rollups, store
from data.loader.refresh import LockBusy, refresh_lock
from data.loader.status_poll import DeviceState, Fetched, evse_statuses, fetch, new_devices
from data.loader.watch_feeds import Feed

log = logging.getLogger(__name__)
COUNTERS = ("future_updates", "stale_updates", "bad_evses")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def ensure_feeds(engine: Engine, feeds: list[Feed]) -> None:
    """A status_feeds row for every feed in the file (url kept current)."""
    t = schema.status_feeds
    with engine.begin() as conn:
        have = set(conn.execute(select(t.c.feed)).scalars())
        for f in feeds:
            if f.name in have:
                conn.execute(t.update().where(t.c.feed == f.name).values(url=f.url))
            else:
                conn.execute(t.insert().values(feed=f.name, url=f.url, polls_ok=0, errors=0, errors_since_good=0,
                                               future_updates=0, stale_updates=0, bad_evses=0))


def feed_row(bind: Engine | Connection, name: str) -> dict:
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return feed_row(conn, name)
    t = schema.status_feeds
    return dict(bind.execute(select(t).where(t.c.feed == name)).mappings().one())


def _coverage(conn: Connection, feed: Feed, row: dict, started: datetime) -> None:
    """Extend the feed's last span to this poll, or open a new one after a failure or a long silence."""
    c = schema.status_coverage
    cursor = row["cursor"]
    fresh = (cursor is None or row["errors_since_good"] > 0
             or started - cursor > timedelta(seconds=2 * feed.interval + feed.timeout))
    if fresh:
        conn.execute(c.insert().values(feed=feed.name, from_time=started, to_time=started))
    else:
        last = conn.execute(select(c.c.from_time).where(c.c.feed == feed.name)
                            .order_by(c.c.from_time.desc()).limit(1)).scalar_one()
        conn.execute(c.update().where(c.c.feed == feed.name, c.c.from_time == last).values(to_time=started))


def record_failure(engine: Engine, feed: Feed, fetched: Fetched) -> None:
    t = schema.status_feeds
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.feed == feed.name).values(
            errors=t.c.errors + 1, errors_since_good=t.c.errors_since_good + 1, last_error=fetched.error,
            last_error_at=fetched.started))
    log.warning("watch %s: poll at %s failed: %s", feed.name, fetched.started, fetched.error)


def apply(engine: Engine, feed: Feed, fetched: Fetched, state: DeviceState, clock=utcnow) -> int:
    """Write one fetched poll in one transaction (or its failure); returns the status changes stored."""
    if fetched.error is None:
        try:
            return _apply(engine, feed, fetched, state, clock)
        except Exception as exc:  # noqa: BLE001 - one feed's bad poll (not a Location, no boundaries...) is its error
            fetched.error = f"{exc.__class__.__name__}: {exc}".splitlines()[0][:500]
            with engine.connect() as conn:  # the rolled-back poll may have taught the state things: read again
                state.__init__(conn)
    record_failure(engine, feed, fetched)
    return 0


def _apply(engine: Engine, feed: Feed, fetched: Fetched, state: DeviceState, clock) -> int:
    counts: Counter = Counter()
    t = schema.status_feeds
    with engine.begin() as conn:
        store.begin_write(conn)
        row = feed_row(conn, feed.name)
        statuses = evse_statuses(fetched.records, counts)
        added = new_devices(conn, fetched.records, statuses, state)
        rows = state.changes(feed.name, statuses, fetched.started, row["cursor"], counts)
        if rows:
            conn.execute(schema.status_changes.insert(), rows)
            status_rollups.write_current(conn, rows)
        _coverage(conn, feed, row, fetched.started)
        conn.execute(t.update().where(t.c.feed == feed.name).values(
            cursor=fetched.started, last_good_poll=clock(), polls_ok=t.c.polls_ok + 1, errors_since_good=0,
            **{k: t.c[k] + counts[k] for k in COUNTERS}))
        store.bump_data_version(conn, "status")
        if added:
            store.bump_data_version(conn)  # the registry changed: every view's cache rolls over
    for r in rows:  # only once committed: a failed commit leaves the state as the store has it
        state.last[r["device_id"]] = (r["status"], r["from_time"])
    log.info("watch %s: %d locations, %d changes, %d new devices%s", feed.name, len(fetched.records), len(rows),
             added, "".join(f", {n} {k}" for k, n in counts.items() if n))
    return len(rows)


class Watcher:
    """The feeds of one store, their device state and schedules."""

    def __init__(self, engine: Engine, feeds: list[Feed], clock: Callable[[], datetime] = utcnow,
                 derive_every: timedelta = timedelta(hours=1)):
        self.engine, self.feeds, self.clock, self.derive_every = engine, feeds, clock, derive_every
        ensure_feeds(engine, feeds)
        with engine.connect() as conn:
            self.state = DeviceState(conn)
        self.derived_at: datetime | None = None

    def cursor(self, feed: Feed) -> datetime | None:
        return feed_row(self.engine, feed.name)["cursor"]

    def poll_all(self, started: datetime | None = None) -> int:
        """Fetch every feed at once (threads), apply each; returns the changes stored."""
        started = started or self.clock()
        with ThreadPoolExecutor(max(len(self.feeds), 1)) as pool:
            futures = [(f, pool.submit(fetch, f, self.cursor(f), started)) for f in self.feeds]
            return sum(apply(self.engine, f, fut.result(), self.state, self.clock) for f, fut in futures)

    def derive(self, now: datetime | None = None) -> bool:
        """Derive the finished hours; False when a refresh holds the store (tried again later)."""
        try:
            status_derive.derive(self.engine, now or self.clock())
        except LockBusy as exc:
            log.info("watch: derivation postponed: %s", exc)
            return False
        except Exception:  # a failed derivation (logged as a failed run) must not stop the polling
            log.exception("watch: derivation failed; tried again next time")
            return False
        self.derived_at = now or self.clock()
        return True

    def run(self, stop: Callable[[], bool] = lambda: False, sleep=time.sleep) -> None:
        """Poll each feed on its own interval until ``stop()``; derive each hour."""
        due = {f.name: self.clock() for f in self.feeds}
        pending: dict[str, tuple[Feed, Future]] = {}
        with ThreadPoolExecutor(max(len(self.feeds), 1)) as pool:
            while not stop():
                now = self.clock()
                for f in self.feeds:
                    if f.name not in pending and now >= due[f.name]:
                        pending[f.name] = (f, pool.submit(fetch, f, self.cursor(f), now))
                        due[f.name] = now + timedelta(seconds=f.interval)
                wait([fut for _, fut in pending.values()], timeout=1.0, return_when=FIRST_COMPLETED)
                for name, (f, fut) in list(pending.items()):
                    if fut.done():
                        del pending[name]
                        apply(self.engine, f, fut.result(), self.state, self.clock)
                if self.derived_at is None or now - self.derived_at >= self.derive_every:
                    self.derive(now)
                if not pending:
                    sleep(max(0.0, min((d - self.clock()).total_seconds() for d in due.values())))


def watch(engine: Engine, feeds: list[Feed], once: bool = False, at: datetime | None = None) -> int:
    """The CLI's entry: hold the watch lock, then one poll of every feed (``once``) or poll for ever."""
    with refresh_lock(engine, "watch"):
        watcher = Watcher(engine, feeds, clock=(lambda: at) if at else utcnow)
        if once:
            n = watcher.poll_all(at)
            watcher.derive(at)
            return n
        watcher.run()
    return 0
