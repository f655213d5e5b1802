"""`python -m bench --scale small` keeps working: it runs end to end and writes every section (no timings asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PANELS = {"key figures", "choropleth", "time series", "hour-of-week", "comparison"}


@pytest.mark.redis
@pytest.mark.timeout(900)
def test_bch001_small_benchmark_writes_every_section(redis_url):
    out = ROOT / "bench" / "results" / f"{time.strftime('%Y%m%d')}-small-sqlite.json"
    started = time.time()
    # Short sustained run and few states: this checks the benchmark works, the figures come from real runs.
    cmd = [sys.executable, "-m", "bench", "--scale", "small", "--requests", "5", "--baseline-requests", "3",
           "--seconds", "5", "--officers", "4"]
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "REDIS_URL": redis_url}, capture_output=True, text=True,
                          timeout=850)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert out.stat().st_mtime >= started
    result = json.loads(out.read_text())
    assert {"loader", "live", "baseline"} <= set(result)
    assert {"sessions_per_s", "rollup_write_s", "peak_rss_mb"} <= set(result["loader"])
    live = result["live"]
    assert set(live["callbacks"]) == PANELS == set(result["baseline"]["callbacks"])
    for figures in live["callbacks"].values():
        assert {"empty_cache", "warm", "bytes_raw_median", "bytes_gz_median"} <= set(figures)
    assert {"html_gz", "layout_gz", "points_gz", "scripts_css_gz", "total_gz"} <= set(live["first_load"])
    assert live["sustained"]["requests"] > 0 and live["sustained"]["errors"] == 0
    assert len(live["worker_rss_mb"]) == 2
    assert "empty p95" in proc.stdout
