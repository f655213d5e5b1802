"""Sustained load: simulated officers clicking through the linked panels of the live app (127.0.0.1 only)."""

from __future__ import annotations

import random
import threading
import time

import requests

from bench.dashboard import INTERACTION, p95
from bench.live import LiveApp
from tests.hosted_server import sign_in


def _officer(live: LiveApp, session: requests.Session, sample: list[dict], seed: int, stop: float,
             times: list[float], errors: list[str], think: tuple[float, float]) -> None:
    """Each click is a new selection: every panel's callback is posted, as the browser does after a click."""
    rng = random.Random(seed)
    while time.monotonic() < stop:
        state = rng.choice(sample)
        for output_id in INTERACTION:
            try:
                ms, _ = live.post(live.body(output_id, state), session=session)
                times.append(ms)
            except (requests.RequestException, RuntimeError) as exc:
                errors.append(str(exc)[:200])
        time.sleep(rng.uniform(*think))


def sustained(live: LiveApp, sample: list[dict], officers: int = 20, seconds: float = 60.0,
              think: tuple[float, float] = (0.5, 1.5)) -> dict:
    """``officers`` threads for ``seconds``, each signed in, clicking with a think time between clicks."""
    sessions = [sign_in(live.server.base) for _ in range(officers)]
    times: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=_officer, args=(live, s, sample, i, stop, times, errors, think), daemon=True)
               for i, s in enumerate(sessions)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)  # bounded: a click in flight at the stop may take a while to finish
    wall = time.monotonic() - t0
    return {"officers": officers, "seconds": round(wall, 1), "think_s": list(think), "requests": len(times),
            "rps": round(len(times) / wall, 1), "p50_ms": round(sorted(times)[len(times) // 2], 1) if times else None,
            "p95_ms": round(p95(times), 1) if times else None, "errors": len(errors), "first_errors": errors[:3]}
