"""A loader killed mid-run is reported as failed (killed) as soon as anyone reads the status."""

from __future__ import annotations

import signal
import subprocess
import sys

from data.loader.status import store_status
from tests.conftest import ROOT
from tests.sources_util import new_store

# A real loader process that starts a refresh and is SIGKILLed inside it (no clean-up code can run).
KILLED_LOADER = """
import os, signal, sys
from data.db import make_engine
from data.loader.refresh import refresh
with refresh(make_engine(sys.argv[1]), "ncr", "killed mid-run") as run:
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_killed_run_is_failed_with_a_reason_when_status_is_read(store_url):
    engine = new_store(store_url)
    proc = subprocess.run([sys.executable, "-c", KILLED_LOADER, store_url], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-1500:]
    run = store_status(engine)["last_runs"][0]
    assert run["location"] == "killed mid-run"
    assert run["status"] == "failed"
    assert run["message"].startswith("killed: the loader process was interrupted")
    assert run["finished"] is not None
