"""A second loader started while a refresh writes stops at once with the "another refresh" exit code."""

from __future__ import annotations

import subprocess
import sys

from data.loader.cli import EXIT_LOCK_BUSY
from data.loader.refresh import refresh
from tests.conftest import ROOT
from tests.sources_util import last_run, new_store, snapshot


def test_second_loader_during_a_refresh_exits_with_the_busy_code_not_a_traceback(store_url, shared_data):
    engine = new_store(store_url)
    before = snapshot(engine)
    with refresh(engine, "attack", "holds the lock and the write transaction") as run:
        run.count(rows_in=0)
        proc = subprocess.run(
            [sys.executable, "-m", "data.loader", "--database-url", store_url, "load", "boundaries",
             str(shared_data / "london_boroughs_simplified.geojson")],
            cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == EXIT_LOCK_BUSY, proc.stderr[-1500:]
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines()[-1].startswith("refresh not started: another refresh is running")
    assert last_run(engine)["source"] == "attack"  # the second loader logged no run of its own
    assert snapshot(engine)["counts"] == before["counts"]
