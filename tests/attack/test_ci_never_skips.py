"""With CI=true a test whose data or service is missing fails; no test module skips on its own."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_http_source_tests_fail_in_ci_when_the_shared_data_is_absent(tmp_path):
    env = os.environ | {"CI": "true", "SHARED_DATA_DIR": str(tmp_path / "absent")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_sources_http.py::test_ht001_registry_over_http"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout[-1500:]
    assert "1 error" in proc.stdout or "1 failed" in proc.stdout
    assert "skipped" not in proc.stdout
