"""The watcher under faults: SIGKILL mid-poll (while fetching, and inside its write) then a restart; two
watchers on one store; the feeds file; ``status --json``. Real HTTP (the scripted fake OCPI server), real
subprocesses, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bench.ocpi_fake import Handler, Script, london_points, secs, serve
from data import schema
from data.loader import store
from data.loader.refresh import refresh_lock
from tests.sources_util import cli
from tests.watch_util import history, london_store, poll_times, run_day

ROOT = Path(__file__).resolve().parents[1]
KILL_AT = 10  # the poll killed, then run again
LAST = 16


@pytest.fixture(scope="module")
def script(shared_data):
    return Script(london_points(shared_data), evses=300)


@pytest.fixture
def server(script):
    httpd, base = serve(script, page=4)  # small pages: every delta has a second page to stop in
    yield base
    Handler.release.set()
    httpd.shutdown()
    httpd.server_close()


def feeds_file(tmp_path: Path, base: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text("".join(f'[[feed]]\nname = "{n}"\nurl = "{base}/ocpi/{n}/locations"\ninterval = 900\n'
                            f"timeout = 20\n\n" for n in ("a", "b")))
    return path


def _watch_once(url: str, feeds: Path, at) -> subprocess.Popen:
    Handler.now = secs(at)
    return subprocess.Popen([sys.executable, "-m", "data.loader", "--database-url", url, "watch", "--feeds",
                             str(feeds), "--once", "--at", at.isoformat()], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _held(url, feeds, at, engine, lock_store: bool) -> None:
    """Start a watcher, stop it on its poll's second page (and, if ``lock_store``, again at its write), SIGKILL."""
    Handler.arrived.clear()
    Handler.release.clear()
    Handler.faults = {("a", at): "hold"}
    proc = _watch_once(url, feeds, at)
    assert Handler.arrived.wait(60), proc.communicate()
    conn = None
    if lock_store:
        conn = engine.connect()
        if store.is_postgres(conn):
            conn.begin()
            conn.execute(text("LOCK TABLE status_changes, status_coverage IN EXCLUSIVE MODE"))
        else:
            store.begin_write(conn)
        Handler.release.set()
        time.sleep(1.5)  # the fetch ends at once; the watcher then waits on the store's lock
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    Handler.release.set()
    if conn is not None:
        conn.rollback()
        conn.close()
    Handler.faults = {}


def _tables(engine) -> dict:
    out = {"changes": history(engine)}
    with engine.connect() as conn:
        out["coverage"] = conn.execute(select(schema.status_coverage).order_by("feed", "from_time")).all()
        out["cursors"] = conn.execute(select(schema.status_feeds.c.feed, schema.status_feeds.c.cursor)
                                      .order_by("feed")).all()
    return out


@pytest.fixture
def second_url(store_url, tmp_path):
    """A second empty store of the same kind as ``store_url``."""
    if not store_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'second.sqlite'}"
        return
    from sqlalchemy import create_engine

    from tests.conftest import PG_ADMIN_URL

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = store_url.rsplit("/", 1)[1] + "_b"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield store_url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_wf001_sigkill_mid_poll_then_restart(store_url, second_url, tmp_path, shared_data, script, server, request):
    plain = london_store(store_url, shared_data, request)
    run_day(plain, script, server, polls=range(LAST + 1), derive_hours=())
    feeds = feeds_file(tmp_path, server)
    url = second_url
    engine = london_store(url, shared_data, request)
    run_day(engine, script, server, polls=range(KILL_AT), derive_hours=())
    at = poll_times(script)[KILL_AT]
    before = _tables(engine)
    _held(url, feeds, at, engine, lock_store=False)
    assert _tables(engine) == before  # nothing of the killed poll was committed
    _held(url, feeds, at, engine, lock_store=True)
    assert _tables(engine) == before
    proc = _watch_once(url, feeds, at)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-2000:]
    run_day(engine, script, server, polls=range(KILL_AT + 1, LAST + 1), derive_hours=())
    assert _tables(engine) == _tables(plain)
    assert len(_tables(engine)["changes"]) > len(before["changes"])


def test_wf002_two_watchers_refuse(store_url, tmp_path, shared_data, script, server, request):
    engine = london_store(store_url, shared_data, request)
    with refresh_lock(engine, "watch"):
        assert cli(store_url, "watch", "--feeds", feeds_file(tmp_path, server), "--once") == 3
        with refresh_lock(engine):  # the watch lock is not the refresh lock: loads still run
            pass
    assert history(engine) == []


def test_wf003_feeds_file_errors(sqlite_url, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    for content, message in (("[[feed]\nname=", "not valid TOML"), ("x = 1", "no [[feed]] tables"),
                             ('[[feed]]\nname = "a"\nurl = "ftp://x"', "url must be an http(s) URL"),
                             ('[[feed]]\nname = "a"\nurl = "http://x"\ntoken_env = "NO_SUCH_VAR_15"',
                              "NO_SUCH_VAR_15"),
                             ('[[feed]]\nname = "a"\nurl = "http://x"\nintervall = 5', "unknown key")):
        bad.write_text(content)
        assert cli(sqlite_url, "watch", "--feeds", bad, "--once") == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and message in err[0], err


def test_wf004_status_json_shows_feeds(sqlite_url, shared_data, script, server, capsys, request):
    engine = london_store(sqlite_url, shared_data, request)
    Handler.faults = {("b", poll_times(script)[1]): "html"}
    run_day(engine, script, server, polls=range(2), derive_hours=())
    Handler.faults = {}
    capsys.readouterr()
    assert cli(sqlite_url, "status", "--json") == 0
    st = json.loads(capsys.readouterr().out)
    feeds = {f["feed"]: f for f in st["feeds"]}
    assert feeds["a"]["errors"] == 0 and feeds["a"]["polls_ok"] == 2
    assert feeds["b"]["errors"] == 1 and feeds["b"]["errors_since_good"] == 1
    assert "HTML" in feeds["b"]["last_error"]
    assert feeds["a"]["last_good_poll"] and feeds["a"]["lag_s"] > 0
    assert st["data_version_status"] == 3
