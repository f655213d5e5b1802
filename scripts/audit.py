"""pip-audit of requirements.txt that fails on a known vulnerability and says plainly what it could not audit.

pip-audit asks PyPI's per-release JSON (/pypi/NAME/VERSION/json) or OSV. Where neither answers (this
workplace reaches PyPI's project JSON but not those), pip-audit marks every package "skipped" and
still exits 0. This wrapper counts those skips, falls back to the project JSON's "vulnerabilities"
(which describes the latest release only, so it covers a pin only when the pin is the latest), and
prints the packages nobody audited. Exit 1 on a known vulnerability; with --strict also exit 2
when anything went unaudited. --pypi-url points the fallback at a mirror.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PYPI = "https://pypi.org/pypi"


def run_pip_audit(requirements: Path) -> list[dict]:
    """pip-audit's JSON report (dependencies with vulns or a skip_reason)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        proc = subprocess.run([sys.executable, "-m", "pip_audit", "-r", str(requirements), "-f", "json",
                               "-o", str(out), "--progress-spinner", "off"], capture_output=True, text=True)
        if not out.exists():
            print(proc.stderr[-2000:], file=sys.stderr)
            raise SystemExit(f"pip-audit did not run (exit {proc.returncode})")
        return json.loads(out.read_text())["dependencies"]


def latest_release_vulns(name: str, version: str) -> list[str] | None:
    """Known vulnerability ids for name==version from the project JSON, or None when it cannot tell."""
    try:
        data = requests.get(f"{PYPI}/{name}/json", timeout=20).json()
    except (requests.RequestException, ValueError):
        return None
    if data.get("info", {}).get("version") != version:
        return None  # the project JSON describes the latest release only
    return [v.get("id", "?") for v in data.get("vulnerabilities") or [] if not v.get("withdrawn")]


def main(argv: list[str] | None = None) -> int:
    global PYPI
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="exit 2 when anything went unaudited")
    parser.add_argument("--pypi-url", default=PYPI, help="PyPI JSON API base for the fallback")
    args = parser.parse_args(argv)
    PYPI = args.pypi_url
    deps = run_pip_audit(ROOT / "requirements.txt")
    vulnerable, fallback, unaudited = [], [], []
    for dep in deps:
        name, version = dep["name"], dep.get("version") or dep.get("skip_reason", "").rpartition("(")[2].strip(")")
        if dep.get("vulns"):
            vulnerable.append(f"{name}=={version}: " + ", ".join(v["id"] for v in dep["vulns"]))
        elif "skip_reason" in dep:
            found = latest_release_vulns(name, version)
            if found is None:
                unaudited.append(f"{name}=={version}")
            elif found:
                vulnerable.append(f"{name}=={version}: " + ", ".join(found))
            else:
                fallback.append(name)
    direct = sum(1 for d in deps if "skip_reason" not in d)
    print(f"pip-audit: {len(deps)} packages; audited by pip-audit's service: {direct}; "
          f"by the PyPI project JSON (pin is the latest release): {len(fallback)}; NOT audited: {len(unaudited)}")
    if unaudited:
        print("NOT AUDITED (no vulnerability service answered for these versions): " + ", ".join(unaudited))
    for line in vulnerable:
        print(f"VULNERABLE {line}")
    if vulnerable:
        return 1
    return 2 if unaudited and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
