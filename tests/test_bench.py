"""`python -m bench --scale small` keeps working: it runs end to end and writes every section (no timings asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.ingest import store_ceiling

ROOT = Path(__file__).resolve().parents[1]
PANELS = {"key figures + choropleth", "time series", "hour-of-week", "comparison"}


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
    assert set(live["callbacks"]) == PANELS | {"status panel", "status list", "live map"}  # issue 15's status views too
    assert set(result["baseline"]["callbacks"]) == PANELS
    for figures in live["callbacks"].values():
        assert {"empty_cache", "warm", "bytes_raw_median", "bytes_gz_median"} <= set(figures)
    assert {"html_gz", "layout_gz", "points_gz", "scripts_css_gz", "total_gz"} <= set(live["first_load"])
    assert live["sustained"]["requests"] > 0 and live["sustained"]["errors"] == 0
    assert len(live["worker_rss_mb"]) == 2
    assert "empty p95" in proc.stdout


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_bch002_store_ceiling_stores_every_session(dialect, request):
    # The ceiling's figure is only an upper bound if it really stored every session, index and all.
    if dialect == "postgres":
        request.getfixturevalue("pg_url")  # skips (or fails under CI=true) when PostgreSQL is missing
    start = pd.Timestamp("2022-03-01") + pd.to_timedelta(np.arange(2_500) * 611, unit="s")
    chunk = pd.DataFrame({"device_id": [f"D{i % 7}" for i in range(2_500)], "started_at": start,
                          "ended_at": start + pd.Timedelta(minutes=40), "kwh": 12.5, "source": "test"})
    result = store_ceiling(dialect, [chunk.iloc[:1_000], chunk.iloc[1_000:]])
    assert result["sessions"] == result["stored"] == 2_500
    assert result["ceiling_rows_per_s"] > 0


@pytest.mark.timeout(600)
def test_bch003_loadmem_runs_every_kind(tmp_path, shared_data):
    """`python -m bench.loadmem` end to end on small files: refused bad files, loaded good ones, CSV and OCPI (no
    figures asserted)."""
    cmd = [sys.executable, "-m", "bench.loadmem", "--mb", "0.2", "--dir", str(tmp_path), "--shared-data",
           str(shared_data)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=550)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    exits = {"bad": 4, "good": 0, "cdr-bad": 4, "cdr-good": 0, "locations": 0}
    for kind, code in exits.items():
        assert any(x.split()[0] == kind and f"exit {code}," in x for x in lines), proc.stdout
    assert any(x.startswith("cdr-good") and "sessions 0 " not in x for x in lines), proc.stdout
    assert "refused" in proc.stdout and "committed" in proc.stdout
