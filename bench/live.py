"""The app as production runs it (gunicorn, two workers, Redis cache), measured over HTTP on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import re
import statistics
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import redis
import requests

from bench.dash_http import callback_body
from bench.dashboard import ASYNC_CHUNKS, FULL_PLOTLY, PANELS, _find_store, inputs_for, p95
from layouts import ids
from tests.hosted_server import Gunicorn, hosted_env, sign_in


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


class LiveApp:
    """gunicorn on a free port with a unique cache prefix; a signed-in officer's session."""

    def __init__(self, db_url: str, redis_url: str, log_path: Path):
        self.prefix = f"evbench-{uuid.uuid4().hex[:8]}:"
        # Rate limits off: 20 simulated officers share one address, the limiter would count them as one.
        env = hosted_env(db_url, redis_url, CACHE_KEY_PREFIX=self.prefix, RATELIMIT_ENABLED="0", LOG_LEVEL="WARNING",
                          GUNICORN_MAX_REQUESTS="0")  # no recycling: the RSS read after the run is the grown one
        self.redis = redis.Redis.from_url(redis_url)
        self.server = Gunicorn(env, log_path)
        self.server.wait_ready()
        self.session = sign_in(self.server.base)
        self.deps = self.session.get(f"{self.server.base}/_dash-dependencies", timeout=30).json()

    def clear_cache(self) -> None:
        """Drop this app's cache keys: the state just after a refresh (a new data_version misses every key)."""
        keys = list(self.redis.scan_iter(match=f"{self.prefix}*", count=1000))
        if keys:
            self.redis.delete(*keys)

    def body(self, output_id: str, state: dict) -> dict:
        """The request dash-renderer sends for the callback whose first output is ``output_id``."""
        values = inputs_for(state)
        deps = SimpleNamespace(callback_map={d["output"]: d for d in self.deps})
        return callback_body(deps, output_id, values, [k for k in values if k != "MATCH"])

    def post(self, body: dict, session: requests.Session | None = None) -> tuple[float, bytes]:
        t0 = time.perf_counter()
        resp = (session or self.session).post(f"{self.server.base}/_dash-update-component", json=body, timeout=60)
        ms = (time.perf_counter() - t0) * 1000
        if resp.status_code != 200:
            raise RuntimeError(f"{body['output']}: HTTP {resp.status_code} {resp.text[:200]}")
        return ms, resp.content

    def worker_rss_mb(self) -> dict[str, float]:
        """Each live worker's resident memory, from /proc."""
        master = self.server.proc.pid
        pids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        out = {}
        for pid in pids:
            line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS:"))
            out[pid] = round(int(line.split()[1]) / 1024, 1)
        return out

    def stop(self) -> None:
        self.server.stop()
        self.clear_cache()


def first_load(live: LiveApp) -> dict:
    """Gzipped bytes of what the first page load fetches, over HTTP."""
    base, s = live.server.base, live.session
    index = s.get(f"{base}/", timeout=30).content
    layout = s.get(f"{base}/_dash-layout", timeout=60).content
    points = json.dumps(_find_store(json.loads(layout), ids.POINTS), separators=(",", ":")).encode()
    deps = s.get(f"{base}/_dash-dependencies", timeout=30).content
    sources = [m.decode() for m in re.findall(rb'(?:src|href)="(/[^"]+\.(?:js|css)[^"]*)"', index)]
    sources += [*ASYNC_CHUNKS, *([] if any("plotly" in src for src in sources) else [FULL_PLOTLY])]
    scripts = sum(gz(s.get(base + src, timeout=30).content) for src in sources)
    out = {"html_gz": gz(index), "layout_gz": gz(layout), "layout_raw": len(layout), "points_gz": gz(points),
           "dependencies_gz": gz(deps), "scripts_css_gz": scripts}
    out["total_gz"] = out["html_gz"] + out["layout_gz"] + out["dependencies_gz"] + scripts
    return out


def summary(times: list[float]) -> dict:
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(p95(times), 1), "n": len(times)}


def callbacks(live: LiveApp, sample: list[dict]) -> dict:
    """Per panel callback: empty-cache and warm server time (over 127.0.0.1), response bytes raw and gz."""
    out = {}
    for output_id, name in PANELS.items():
        cold, warm, raw, zipped = [], [], [], []
        for state in sample:
            live.clear_cache()
            ms, content = live.post(live.body(output_id, state))
            cold.append(ms)
            raw.append(len(content))
            zipped.append(gz(content))
        for _ in range(2):  # the first pass fills whichever worker did not serve the request
            warm = [live.post(live.body(output_id, state))[0] for state in sample]
        out[name] = {"output": output_id, "empty_cache": summary(cold), "warm": summary(warm),
                     "bytes_raw_median": int(statistics.median(raw)), "bytes_gz_median": int(statistics.median(zipped)),
                     "bytes_gz_max": max(zipped)}
    return out
