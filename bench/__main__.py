"""One benchmark of the dashboard as production runs it, with a pandas baseline beside it.

    python -m bench [--scale small|london|full] [--store sqlite|postgres] [--browser] [--database-url URL]

Builds (or reuses) a demo store at the scale, starts gunicorn (two workers, Redis cache, unique key
prefix, a free 127.0.0.1 port, signed-in officer), measures, prints a table and writes
bench/results/<date>-<scale>-<store>.json. ``--browser`` adds headless Chromium against the same gunicorn
(bench/browser.py: first load and every interaction kind to "settled"). Prints; never asserts a time.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import tempfile
import time
from pathlib import Path

from flask import Flask

import config
from bench import baseline, browser_kinds, live, stores
from bench.dashboard import sample_states
from bench.load import sustained
from cache import cache

ROOT = Path(__file__).resolve().parents[1]
log = logging.getLogger("bench")


def _states(url: str, n: int) -> list[dict]:
    app = Flask(__name__)
    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        return sample_states(url, n)


def _rss_mb() -> float:
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmRSS:"))
    return round(int(line.split()[1]) / 1024, 1)


def measure_live(url: str, sample: list[dict], args) -> dict:
    """First load, every panel callback cold and warm, sustained load, worker RSS: over HTTP to gunicorn."""
    redis_url = config.settings().redis_url or "redis://127.0.0.1:6379/0"
    with tempfile.TemporaryDirectory() as tmp:
        app = live.LiveApp(url, redis_url, Path(tmp) / "gunicorn.log")
        try:
            out = {"first_load": live.first_load(app), "callbacks": live.callbacks(app, sample)}
            if args.browser:
                dates = (sample[0]["from"], sample[0]["to"])
                out["browser"] = browser_kinds.run_browser(app, dates, args.browser_runs, args.browser_loads)
            out["sustained"] = sustained(app, sample, args.officers, args.seconds)
            out["worker_rss_mb"] = app.worker_rss_mb()
        finally:
            app.stop()
    return out


def measure_baseline(url: str, sample: list[dict]) -> dict:
    """The pandas baseline on the same store and states, in this process."""
    before, t0 = _rss_mb(), time.perf_counter()
    frame = baseline.load_sessions(url)
    loaded = {"sessions": len(frame), "load_s": round(time.perf_counter() - t0, 1), "rss_added_mb": _rss_mb() - before}
    times = baseline.timed(baseline.create_baseline(frame), sample)
    return {**loaded, "callbacks": {k: live.summary(v) for k, v in times.items()}}


def table(result: dict) -> str:
    """The printed summary: one line per panel, then the load, sizes and memory (and the browser's figures)."""
    base_cb = result.get("baseline", {}).get("callbacks", {})
    rows = [f"{'panel':13s} {'empty p50':>9s} {'empty p95':>9s} {'warm p50':>8s} {'warm p95':>8s} "
            f"{'gz KB':>6s} {'raw KB':>6s} {'base p95':>8s} {'x empty':>7s} {'x warm':>6s}"]
    for name, c in result["live"]["callbacks"].items():
        base = base_cb.get(name, {}).get("p95_ms", float("nan"))
        e, w = c["empty_cache"], c["warm"]
        rows.append(f"{name:13s} {e['p50_ms']:9.1f} {e['p95_ms']:9.1f} {w['p50_ms']:8.1f} {w['p95_ms']:8.1f} "
                    f"{c['bytes_gz_median'] / 1e3:6.1f} {c['bytes_raw_median'] / 1e3:6.1f} {base:8.1f} "
                    f"{base / e['p95_ms']:7.1f} {base / w['p95_ms']:6.0f}")
    fl, su, ld = result["live"]["first_load"], result["live"]["sustained"], result["loader"]
    rows += [f"first load {fl['total_gz'] / 1e6:.2f} MB gz (layout {fl['layout_gz'] / 1e3:.0f} KB, points "
             f"{fl['points_gz'] / 1e3:.0f} KB, scripts+css {fl['scripts_css_gz'] / 1e6:.2f} MB)",
             f"sustained {su['officers']} officers {su['seconds']} s: {su['rps']} req/s, p50 {su['p50_ms']} ms, "
             f"p95 {su['p95_ms']} ms, errors {su['errors']}",
             f"worker RSS MB after: {result['live']['worker_rss_mb']}"]
    if "sessions" in ld:
        rows.append(f"loader ({'built now' if ld['built_now'] else 'reused; built ' + str(ld.get('built_at'))}): "
                    f"{ld['sessions']:,} sessions in {ld['wall_s']} s = {ld['sessions_per_s']:,}/s, rollups "
                    f"{ld['rollup_write_s']} s (derived {ld['derived_rollups_s']} s), peak {ld['peak_rss_mb']} MB")
    if "baseline" in result:
        rows.append(f"baseline: {result['baseline']['sessions']:,} sessions loaded in {result['baseline']['load_s']} s, "
                    f"+{result['baseline']['rss_added_mb']:.0f} MB")
    if "browser" in result["live"]:
        rows.append(browser_kinds.table(result["live"]["browser"]))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0],
                                epilog="Also: python -m bench.ingest (the loader), python -m bench.watch (the status "
                                       "watcher against a fake OCPI server at 40,000 EVSEs).")
    p.add_argument("--scale", choices=["small", "london", "full"], default="small")
    p.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--requests", type=int, default=None, help="states per callback (default 100; small: 20)")
    p.add_argument("--baseline-requests", type=int, default=20, help="states per baseline callback")
    p.add_argument("--officers", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--rebuild", action="store_true", help="rebuild the store even if one is there")
    p.add_argument("--database-url", default=None, help="measure this store instead of the scale's own")
    p.add_argument("--browser", action="store_true", help="also headless Chromium: first load, every interaction")
    p.add_argument("--browser-runs", type=int, default=10, help="timed runs per interaction kind and cache state")
    p.add_argument("--browser-loads", type=int, default=3, help="first loads, cold and warm browser cache")
    p.add_argument("--no-baseline", action="store_true", help="skip the pandas baseline")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    n = args.requests or (20 if args.scale == "small" else 100)
    if args.database_url:
        url, loader = args.database_url, {"built_now": False, "built_at": f"outside the benchmark ({args.database_url})"}
    else:
        url, loader = stores.ensure(args.scale, args.store, args.rebuild)
    sample = _states(url, n)
    result = {"scale": args.scale, "store": args.store, "cpus": os.cpu_count(), "loadavg": os.getloadavg(),
              "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "requests_per_callback": n, "loader": loader}
    log.info("live app: %d states per callback, then %d officers for %.0f s", n, args.officers, args.seconds)
    result["live"] = measure_live(url, sample, args)
    if not args.no_baseline:
        log.info("baseline: raw sessions in pandas, %d states per callback", args.baseline_requests)
        result["baseline"] = measure_baseline(url, sample[:args.baseline_requests])
    result["loadavg_after"] = os.getloadavg()
    out = ROOT / "bench" / "results" / f"{time.strftime('%Y%m%d')}-{args.scale}-{args.store}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str))
    print(table(result))
    print(f"written {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
