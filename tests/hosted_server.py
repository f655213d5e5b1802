"""Helpers for the hosted tests: run the real app under gunicorn on a free port, sign in, read its log."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OFFICER, PASSWORD = "officer", "correct horse battery staple"
PASSWORD_HASH = generate_password_hash(PASSWORD)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed_demo(db_url: str) -> None:
    """Fill the store the way a deployment does: the loader's own demo command."""
    subprocess.run([sys.executable, "-m", "data.loader", "--database-url", db_url, "demo", "--scale", "small"],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)


def hosted_env(db_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    """The environment a hosted officer deployment runs with (unique cache and rate-limit prefixes)."""
    tag = uuid.uuid4().hex[:10]
    env = {k: v for k, v in os.environ.items() if k not in ("DYNO", "HOSTED", "APP_MODE", "REDIS_URL")}
    env.update(HOSTED="1", SECRET_KEY=secrets.token_hex(32), APP_USERS=f"{OFFICER}:{PASSWORD_HASH}",
               DATABASE_URL=db_url, CACHE_KEY_PREFIX=f"evtest-{tag}:", RATELIMIT_KEY_PREFIX=f"evtest-rl-{tag}",
               WEB_CONCURRENCY="2", GUNICORN_THREADS="4", PYTHONUNBUFFERED="1")
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


class Gunicorn:
    """``gunicorn app:server -c gunicorn.conf.py`` as the Procfile runs it, with its output in a file."""

    def __init__(self, env: dict[str, str], log_path: Path, app: str = "app:server"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = dict(env, PORT=str(self.port))
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([str(BIN / "gunicorn"), app, "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                                     stdout=self._log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, path: str = "/healthz", timeout: float = 90) -> None:
        """Bounded wait until ``path`` answers, or the process has exited."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited {self.proc.returncode}:\n{self.log()[-3000:]}")
            try:
                if requests.get(self.base + path, timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"gunicorn not ready in {timeout}s:\n{self.log()[-3000:]}")

    def worker_pids(self) -> set[int]:
        return {int(p) for p in re.findall(r"Booting worker with pid: (\d+)", self.log())}

    def pid_of(self, request_id: str) -> int | None:
        """Which worker served the request with this X-Request-ID (from the access log)."""
        found = re.search(rf"pid=<?(\d+)>? rid={re.escape(request_id)}", self.log())
        return int(found.group(1)) if found else None

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()
        return self.proc.returncode


def sign_in(base: str, user: str = OFFICER, password: str = PASSWORD) -> requests.Session:
    """A session signed in through the real form. Cookies are sent by hand: hosted cookies are Secure,
    and requests (rightly) keeps Secure cookies off plain http."""
    s = requests.Session()
    page = s.get(f"{base}/auth/login", timeout=10)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    cookie = _cookie_header(page)
    r = s.post(f"{base}/auth/login", data={"csrf": csrf, "username": user, "password": password, "next": "/"},
               headers={"Cookie": cookie}, allow_redirects=False, timeout=10)
    if r.status_code != 302:
        raise AssertionError(f"sign-in failed: {r.status_code} {r.text[:300]}")
    s.headers["Cookie"] = _cookie_header(r)
    return s


def _cookie_header(resp: requests.Response) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in resp.cookies)


def request_id() -> str:
    return uuid.uuid4().hex


def _layout_props(node, found: dict) -> dict:
    """Map every static component id in a /_dash-layout tree to its props."""
    if isinstance(node, list):
        for child in node:
            _layout_props(child, found)
    elif isinstance(node, dict):
        props = node.get("props") if "namespace" in node else None
        if isinstance(props, dict):
            if isinstance(props.get("id"), str):
                found[props["id"]] = props
            for value in props.values():
                _layout_props(value, found)
    return found


def _outputs(spec: str) -> list[dict]:
    parts = spec.strip(".").split("...") if spec.startswith("..") else [spec]
    return [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]


def initial_calls(session: requests.Session, base: str) -> list[dict]:
    """The server callbacks the browser fires on page load, with the values the layout holds.

    Read from /_dash-dependencies and /_dash-layout (not hard-coded), skipping clientside and
    pattern-matching callbacks.
    """
    deps = session.get(f"{base}/_dash-dependencies", timeout=20).json()
    props = _layout_props(session.get(f"{base}/_dash-layout", timeout=30).json(), {})
    calls = []
    for dep in deps:
        if dep.get("clientside_function") or "{" in dep["output"]:
            continue
        outputs = _outputs(dep["output"])
        ids = [i["id"] for i in dep["inputs"] + dep.get("state", [])]
        if any(i.startswith("{") or i not in props for i in ids) or dep.get("prevent_initial_call"):
            continue

        def values(items):
            return [{"id": i["id"], "property": i["property"], "value": props[i["id"]].get(i["property"])}
                    for i in items]

        calls.append({"output": dep["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
                      "inputs": values(dep["inputs"]), "state": values(dep.get("state", [])),
                      "changedPropIds": []})
    return calls


def post_callback(session: requests.Session, base: str, payload: dict, rid: str | None = None):
    """POST one callback on a fresh connection (so either worker may take it); returns the response."""
    headers = {"Connection": "close", "X-Request-ID": rid or request_id()}
    return session.post(f"{base}/_dash-update-component", json=payload, headers=headers, timeout=30)
