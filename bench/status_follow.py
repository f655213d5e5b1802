"""What a registry or boundaries refresh pays to keep the status rollups true: ``python -m bench.status_follow
[--devices 40000] [--days 365] [--database-url URL]``.

Fills a fresh store (default: a new SQLite file in a temporary folder) with ``--devices`` devices spread over
London's boroughs, operators and bands and a ``status_daily`` row per device per day for ``--days`` days, then
times, three times each and rolled back, what a refresh that can move devices adds to its transaction: reading
``status_rollups.device_keys`` and ``follow_devices`` after ``--move`` devices of one borough moved to another
(the rows of those two boroughs and their operators rewritten for every day), and, for the worst case (every
borough and operator touched), ``write_rollups`` over everything. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from data import schema
from data.db import make_engine
from data.loader import status_rollups, store

log = logging.getLogger("bench.status_follow")


def fill(url: str, devices: int, days: int, seed: int = 15) -> None:
    rng = np.random.default_rng(seed)
    ids = [f"BENCH{i:06d}" for i in range(devices)]
    dev = pd.DataFrame({"device_id": ids, "gss_code": [f"E09{rng.integers(1, 34):06d}" for _ in ids],
                        "operator": rng.choice([f"Operator {k}" for k in range(40)], devices),
                        "power_band": rng.choice(list(schema.ALL_POWER_BANDS), devices),
                        "latitude": 51.5, "longitude": -0.1, "location_type": "other"})
    engine = make_engine(url)
    store.migrate(engine)
    with engine.begin() as conn:
        store.bulk_insert(conn, schema.devices, dev)
        first = date(2025, 1, 1)
        for k in range(days):
            minutes = rng.integers(0, 300, (devices, len(schema.STATUS_MINUTES))).astype(float)
            daily = pd.DataFrame(minutes, columns=list(schema.STATUS_MINUTES)).assign(
                day=first + timedelta(days=k), device_id=ids)
            store.bulk_insert(conn, schema.status_daily, daily)
    engine.dispose()


def _rolled_back(engine, fn):
    """(fn(conn), seconds) in a transaction then rolled back, so each repeat starts from the same store."""
    with engine.connect() as conn:
        trans = conn.begin()
        t0 = time.perf_counter()
        out = fn(conn)
        took = time.perf_counter() - t0
        trans.rollback()
    return out, took


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.status_follow")
    p.add_argument("--devices", type=int, default=40_000)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--move", type=int, default=50, help="devices moved from one borough to another")
    p.add_argument("--database-url", help="a new, empty store to fill (default: a SQLite file in a temporary folder)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'follow.sqlite'}"
        t0 = time.perf_counter()
        fill(url, args.devices, args.days)
        print(f"filled {args.devices} devices x {args.days} days = {args.devices * args.days} status_daily rows "
              f"in {time.perf_counter() - t0:.1f} s")
        engine = make_engine(url)
        d = schema.devices

        def move(conn):
            keys = status_rollups.device_keys(conn)
            ids = [i for i, k in sorted(keys.items()) if k[0] == "E09000001"][:args.move]
            conn.execute(d.update().where(d.c.device_id.in_(ids)).values(gss_code="E09000002"))
            return len(ids), status_rollups.follow_devices(conn, keys)

        for _ in range(3):
            (n, out), took = _rolled_back(engine, move)
            print(f"{n} devices moved: device_keys, the update and follow_devices {out} in {took:.2f} s")
        for _ in range(3):
            out, took = _rolled_back(engine, status_rollups.write_rollups)
            print(f"worst case, every row: write_rollups {out} in {took:.2f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
