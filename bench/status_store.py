"""A store with live status for the status views' benchmark: ``python -m bench.status_store --database-url URL``.

Gives every device of an existing store (the benchmark's demo, say) a scripted status day on the day after the
store's last (``bench.ocpi_fake.Script``: 2-3 sessions per device and the faults between them), split over two feeds
whose last good poll is now, then derives it as the watcher does. Meant for a copy of a benchmark store: the
derivation adds the inferred sessions to the session rollups.
"""

from __future__ import annotations

import argparse
import logging
import time
from datetime import datetime, timedelta

import pandas as pd
from flask import Flask
from sqlalchemy import select

from bench.ocpi_fake import Script, when
from cache import cache
from data import queries, schema
from data.db import make_engine
from data.loader import status_derive, status_rollups, store

log = logging.getLogger("bench.status_store")
FEEDS = ("a", "b")


def fill(url: str, seed: int = 15) -> dict:
    """Write the scripted day's changes, two feeds polled just now and their coverage; derive the day."""
    engine = make_engine(url)
    with engine.connect() as conn:
        devices = pd.DataFrame(conn.execute(select(schema.devices.c.device_id, schema.devices.c.latitude,
                                                   schema.devices.c.longitude)).fetchall(),
                               columns=["device_id", "latitude", "longitude"])
    app = Flask(__name__)  # date_bounds is memoized: it needs the cache, as in the dashboard
    cache.init_app(app, config={"CACHE_TYPE": "NullCache"})
    with app.app_context():
        last = queries.date_bounds(url, queries.read_version(url))[1]
    # The day after the store's last session: an inferred session on the device and second of a demo session
    # would be refused as a duplicate (the demo's start times are to the second).
    day = datetime.fromisoformat(last) + timedelta(days=1)
    script = Script(devices.dropna(), evses=len(devices), seed=seed, day=day)
    ids = devices["device_id"].tolist()
    changes = pd.DataFrame([(ids[i], when(t), st, FEEDS[i % 2]) for i in range(len(ids))
                            for t, st in zip(script.times[i], script.status[i], strict=True)],
                           columns=["device_id", "from_time", "status", "feed"]).drop_duplicates(
                               ["device_id", "from_time"])
    now = datetime.utcnow().replace(microsecond=0)
    with engine.begin() as conn:
        store.bulk_insert(conn, schema.status_changes, changes)
        status_rollups.rebuild_current(conn)  # as the watcher keeps it
        conn.execute(schema.status_feeds.insert(), [{"feed": f, "url": f"https://example.invalid/{f}/locations",
                                                     "cursor": now, "last_good_poll": now, "polls_ok": 1,
                                                     "errors": 0, "errors_since_good": 0} for f in FEEDS])
        conn.execute(schema.status_coverage.insert(), [{"feed": f, "from_time": day - timedelta(days=30),
                                                        "to_time": now} for f in FEEDS])
    t0 = time.perf_counter()
    status_derive.derive(engine, day + timedelta(days=1))
    engine.dispose()
    return {"devices": len(ids), "status_changes": len(changes), "day": day.date().isoformat(),
            "derive_wall_s": round(time.perf_counter() - t0, 1)}


def touch(url: str) -> dict:
    """The feeds polled just now again (cursor and last good poll), nothing else changed: the Live now view is
    measured on fresh feeds (a stale feed's points are all unknown, which compresses to almost nothing)."""
    engine = make_engine(url)
    now = datetime.utcnow().replace(microsecond=0)
    with engine.begin() as conn:
        f = schema.status_feeds
        conn.execute(f.update().values(cursor=now, last_good_poll=now))
        store.bump_data_version(conn, "status")
    engine.dispose()
    return {"feeds_polled_at": now.isoformat()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.status_store", description=__doc__.splitlines()[0])
    p.add_argument("--database-url", required=True)
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("--touch", action="store_true", help="only mark the feeds polled now (a store filled before)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for key, value in (touch(args.database_url) if args.touch else fill(args.database_url, args.seed)).items():
        print(f"{key:16s} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
