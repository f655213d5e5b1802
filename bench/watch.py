"""The status watcher at London's 2030 scale: ``python -m bench.watch [--evses 40000] [--hours 24]``.

A fake OCPI server (``bench.ocpi_fake``, in its own process so its work is not counted) replays a day for
``--evses`` EVSEs over two feeds: 2-3 sessions per device, faults (out of order, inoperative, unknown,
blocked, reserved) between them. The watcher polls both feeds every 60 virtual seconds back to back (no real
waiting) into a fresh SQLite store (or ``--database-url``), and the figures are per poll cycle: CPU seconds
(process time, every thread) against the 60 s budget, wall time, RSS. Then the day is derived (minutes per
device per hour, status_daily, inferred sessions and their rollups) and timed. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import requests

import config
from bench.ocpi_fake import DAY, Script, london_points, serve, when
from data import schema
from data.db import make_engine
from data.loader import status_derive, store
from data.loader.sources import SOURCES
from data.loader.watch import Watcher
from data.loader.watch_feeds import Feed

log = logging.getLogger("bench.watch")
INTERVAL = 60


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MB."""
    fields = dict(x.split(":", 1) for x in Path("/proc/self/status").read_text().splitlines() if ":" in x)
    return tuple(round(int(fields[k].split()[0]) / 1024, 1) for k in ("VmRSS", "VmHWM"))


def _server(evses: int, seed: int, conn) -> None:
    script = Script(london_points(config.settings().shared_data_dir), evses=evses, seed=seed, interval=INTERVAL,
                    changes=(5, 9))
    httpd, base = serve(script, page=1000)
    conn.send(base)
    conn.recv()  # until the parent is done
    httpd.shutdown()


def _poll_day(watcher: Watcher, base: str, day, polls: int) -> list[dict]:
    figures = []
    for k in range(polls):
        t = day + timedelta(seconds=k * INTERVAL)
        requests.get(f"{base}/_now", params={"t": t.isoformat()}, timeout=30)
        watcher.clock = lambda t=t: t
        cpu, wall = time.process_time(), time.perf_counter()
        changes = watcher.poll_all(t)
        rss, peak = _rss_mb()
        figures.append({"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall,
                        "changes": changes, "rss_mb": rss, "peak_mb": peak})
        if k % 120 == 0:
            log.info("poll %d/%d: %.3f s CPU, %d changes, RSS %.0f MB", k, polls, figures[-1]["cpu_s"], changes, rss)
    return figures


def summary(figures: list[dict]) -> dict:
    """Per-poll figures of the steady state (every poll after the first pull)."""
    cpu = np.array([f["cpu_s"] for f in figures[1:]]) if len(figures) > 1 else np.zeros(1)
    return {"first_pull_cpu_s": round(figures[0]["cpu_s"], 2), "first_pull_wall_s": round(figures[0]["wall_s"], 2),
            "polls": len(figures), "cpu_mean_s": round(float(cpu.mean()), 4),
            "cpu_p95_s": round(float(np.percentile(cpu, 95)), 4), "cpu_max_s": round(float(cpu.max()), 4),
            "core_share_mean": f"{cpu.mean() / INTERVAL:.2%}", "core_share_p95": f"{np.percentile(cpu, 95) / INTERVAL:.2%}",
            "changes_per_poll": round(float(np.mean([f["changes"] for f in figures[1:]] or [0])), 1),
            "rss_end_mb": figures[-1]["rss_mb"], "rss_peak_mb": max(f["peak_mb"] for f in figures)}


def run(url: str, evses: int, hours: float, seed: int) -> dict:
    parent, child = multiprocessing.Pipe()
    proc = multiprocessing.get_context("fork").Process(target=_server, args=(evses, seed, child), daemon=True)
    proc.start()
    try:
        base = parent.recv()
        engine = make_engine(url)
        store.migrate(engine)
        SOURCES["boundaries"](engine, str(config.settings().shared_data_dir / "london_boroughs_simplified.geojson"), [])
        feeds = [Feed(n, f"{base}/ocpi/{n}/locations", interval=INTERVAL, timeout=60) for n in ("a", "b")]
        day = DAY
        watcher = Watcher(engine, feeds)
        figures = _poll_day(watcher, base, day, int(hours * 3600 / INTERVAL) + 1)
        cpu, wall = time.process_time(), time.perf_counter()
        status_derive.derive(engine, day + timedelta(hours=hours))
        out = summary(figures) | {"evses": evses, "devices": len(watcher.state.known), "hours": hours,
                                  "derive_wall_s": round(time.perf_counter() - wall, 2),
                                  "derive_cpu_s": round(time.process_time() - cpu, 2),
                                  "rss_peak_after_derive_mb": _rss_mb()[1]}
        engine.dispose()
        return out
    finally:
        parent.send("stop")
        proc.join(10)


def derive_only(url: str, evses: int, seed: int) -> dict:
    """The same scripted day written straight into status_changes (no polling), then derived: the day's
    derivation alone, in minutes rather than the half hour the polled day takes on a busy machine."""
    script = Script(london_points(config.settings().shared_data_dir), evses=evses, seed=seed, interval=INTERVAL,
                    changes=(5, 9))
    engine = make_engine(url)
    store.migrate(engine)
    devices = pd.DataFrame({"device_id": script.uid, "latitude": script.lat, "longitude": script.lon,
                            "gss_code": "E09000001", "operator": [f"Operator {f.upper()}" for f in script.feed],
                            "location_type": "on-street", "max_kw": script.kw,
                            "power_band": np.where(script.kw >= 50, "rapid", "slow")})
    changes = pd.DataFrame([(script.uid[i], when(t), st, script.feed[i]) for i in range(evses)
                            for t, st in zip(script.times[i], script.status[i], strict=True)],
                           columns=["device_id", "from_time", "status", "feed"])
    with engine.begin() as conn:
        store.bulk_insert(conn, schema.devices, devices)
        store.bulk_insert(conn, schema.status_changes, changes)
        conn.execute(schema.status_coverage.insert(), [{"feed": f, "from_time": DAY, "to_time": DAY + timedelta(days=1)}
                                                       for f in ("a", "b")])
    rss0, cpu, wall = _rss_mb()[0], time.process_time(), time.perf_counter()
    status_derive.derive(engine, DAY + timedelta(days=1))
    out = {"evses": evses, "status_changes": len(changes), "derive_wall_s": round(time.perf_counter() - wall, 2),
           "derive_cpu_s": round(time.process_time() - cpu, 2), "rss_before_derive_mb": rss0,
           "rss_peak_mb": _rss_mb()[1]}
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.watch", description=__doc__.splitlines()[0])
    p.add_argument("--evses", type=int, default=40_000)
    p.add_argument("--hours", type=float, default=24.0, help="virtual hours polled (a poll every 60 s)")
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("--database-url", help="a store to fill (default: a new SQLite file in a temporary folder)")
    p.add_argument("--derive-only", action="store_true", help="write the day's changes directly, time its derivation")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("data.loader.watch", "data.loader.sources.ocpi"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/watch.sqlite"
        result = derive_only(url, args.evses, args.seed) if args.derive_only else run(url, args.evses, args.hours,
                                                                                       args.seed)
    for key, value in result.items():
        print(f"{key:26s} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
