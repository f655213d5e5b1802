"""The status watcher against a scripted fake OCPI server over real HTTP (issue 15), on SQLite and PostgreSQL.

The script (``bench.ocpi_fake``) replays a day for 300 EVSEs across two operators' feeds, polled every 15
virtual minutes: a paged first pull (offset/limit with X-Total-Count on one feed, Link headers on the
other), ``date_from`` deltas, a 500, a timeout, a garbage page, an HTML page, a location published late and
a ``last_updated`` in the future. Time is virtual: the test sets the server's clock and the poll's start.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import select

from bench.ocpi_fake import Handler, Script, london_points, secs, serve
from data import schema
from data.loader import status_derive, store
from data.loader.watch import Watcher
from tests.watch_util import (
    faults,
    feeds,
    history,
    london_store,
    poll_times,
    run_day,
    truth_hours,
    truth_minutes,
    truth_sessions,
)


@pytest.fixture(scope="module")
def script(shared_data):
    return Script(london_points(shared_data), evses=300)


@pytest.fixture
def server(script):
    httpd, base = serve(script, page=40)
    Handler.faults = faults(script)
    yield base
    Handler.release.set()
    httpd.shutdown()
    httpd.server_close()


def test_wt001_scripted_day_minutes_and_sessions(store_url, shared_data, script, server, request, monkeypatch):
    monkeypatch.setattr(status_derive, "CHUNK_DEVICES", 7)  # derive in many device slices, as at 40,000 devices
    engine = london_store(store_url, shared_data, request)
    run_day(engine, script, server)
    truth = truth_minutes(script)
    with engine.connect() as conn:
        got = status_derive.device_hours(conn, script.day, script.day + timedelta(days=1))
    got = got.sort_values(["device_id", "hour"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, truth_hours(truth, script.day), check_dtype=False)
    s = schema.sessions
    with engine.connect() as conn:
        rows = conn.execute(select(s.c.device_id, s.c.started_at, s.c.ended_at, s.c.kwh)
                            .where(s.c.source == "status").order_by(s.c.device_id, s.c.started_at)).all()
    assert [r[:3] for r in rows] == truth_sessions(truth, script.day)
    assert all(r[3] is None for r in rows)  # no energy invented
    with engine.connect() as conn:
        daily = pd.read_sql(select(schema.status_daily), conn)
    assert daily["in_use"].sum() == sum((m == "in_use").sum() for m in truth.values())
    assert daily["no_data"].sum() == sum((m == "no_data").sum() for m in truth.values())


def test_wt002_feed_counters_and_versions(sqlite_url, shared_data, script, server):
    engine = london_store(sqlite_url, shared_data)
    before = store.get_data_version(engine)
    watcher = run_day(engine, script, server, polls=range(0, 50), derive_hours=())
    feed_a = {r.feed: r for r in pd.read_sql(select(schema.status_feeds), engine.connect()).itertuples()}["a"]
    # polls 0..49 (to 12:15): feed a failed at 06:00 (500) and 08:00 (timeout); the late location's EVSEs
    # came with last_updated before the cursor; one change with last_updated hours ahead (if it fell here)
    assert (feed_a.errors, feed_a.polls_ok, feed_a.errors_since_good) == (2, 48, 0)
    assert feed_a.stale_updates == sum(1 for i in range(300) if script.loc[i] == script.late)
    assert store.get_data_version(engine, "status") == 100 - 3  # one bump per good poll, both feeds
    assert store.get_data_version(engine) == before + 3  # first pull of each feed added devices, then the late one
    assert watcher.state.last  # sanity: the watcher tracked statuses


def test_wt003_changes_stored_once(sqlite_url, shared_data, script, server):
    engine = london_store(sqlite_url, shared_data)
    watcher = run_day(engine, script, server, polls=range(0, 8), derive_hours=())
    n = len(history(engine))
    t = poll_times(script)[7]
    assert watcher.poll_all(t) == 0  # the same poll again: every change already stored
    assert len(history(engine)) == n


def test_wt004_run_loop_keeps_each_feeds_schedule(sqlite_url, shared_data, script, server, request):
    """The long-running loop in virtual time: each feed every 15 minutes for two hours, derived on the hour."""
    engine = london_store(sqlite_url, shared_data, request)
    watcher = Watcher(engine, feeds(server), derive_every=timedelta(hours=1))
    clock = [script.day]
    Handler.now = secs(script.day)
    watcher.clock = lambda: clock[0]

    def sleep(seconds: float) -> None:  # virtual: the script's server moves with the watcher's clock
        clock[0] += timedelta(seconds=seconds)
        Handler.now = secs(clock[0])

    watcher.run(stop=lambda: clock[0] > script.day + timedelta(hours=2), sleep=sleep)
    with engine.connect() as conn:
        rows = {r.feed: r for r in conn.execute(select(schema.status_feeds))}
        derived = conn.execute(select(schema.store_meta.c.value).where(
            schema.store_meta.c.key == status_derive.META_KEY)).scalar()
    assert {f: (r.polls_ok, r.errors) for f, r in rows.items()} == {"a": (9, 0), "b": (9, 0)}
    assert rows["a"].cursor == script.day + timedelta(hours=2)
    assert derived is not None and pd.Timestamp(derived) <= script.day + timedelta(hours=2)
    with engine.connect() as conn:
        hours = status_derive.device_hours(conn, script.day, script.day + timedelta(hours=2))
    truth = truth_hours(truth_minutes(script), script.day)
    assert hours["in_use"].sum() == truth[truth["hour"] < script.day + timedelta(hours=2)]["in_use"].sum()
