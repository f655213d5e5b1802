"""Every response is drawn from one data version (issue 18, item 4).

Through the app on PostgreSQL, 1.9 % of key-figure responses in the seconds after a refresh mixed the old
and the new data (a new device count with an old session count): the version a request held was cached
for 5 s, and a cache miss under the old version read the new rows. Here a real refresh (the loader's demo
with another seed) commits while threads keep asking for key figures of states never asked before (each
a cache miss), and every answer must equal the old store's figures or the new store's, never a mixture.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from layouts import ids
from tests.attack.web_apps import make_app, overview_call
from tests.conftest import PG_ADMIN_URL, run_loader

pytestmark = pytest.mark.postgres
URL = "/_dash-update-component"
AFTER_COMMIT_S = 8.0  # longer than data_version's 5 s cache


@pytest.fixture
def second_pg():
    """Another fresh database: the old store, kept as it was, to read the old figures from afterwards."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"evtest_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()



def _figures(client, state: dict) -> tuple[str, str]:
    """The devices and sessions key figures' texts in an overview response."""
    resp = client.post(URL, json=overview_call(state))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    out = resp.get_json()["response"]
    return tuple(out[ids.key_figure_value(key)]["children"] for key in ("devices", "sessions"))


def _states(db: str, count: int) -> list[dict]:
    """``count`` selections sharing their end and differing in their start."""
    engine = create_engine(db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        hi = conn.execute(text("SELECT max(day) FROM rollup_daily")).scalar()
    engine.dispose()
    # One end (the device count, keyed by the end, is then a cache hit) and many starts (the sessions a miss):
    # the hit holds the old load, the miss reads whatever the store holds: the mixture the attack found.
    pairs = [(hi - timedelta(days=1 + i), hi) for i in range(count // 4)] * 4
    random.Random(7).shuffle(pairs)
    return [{"from": lo.isoformat(), "to": up.isoformat(), "metric": "sessions"} for lo, up in pairs[:count]]


def _hammer(client, states: list[dict], seen: list, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            state = states.pop()
        except IndexError:
            return
        seen.append((state, _figures(client, state), time.monotonic()))


def _reference(db: str, states) -> dict:
    """Each state's figures read from ``db`` by a fresh app (its own empty cache; the store no longer changes)."""
    client = create_app(db).server.test_client()
    return {str(s): _figures(client, s) for s in states}


def test_web_co001_no_response_mixes_two_loads(pg_url, second_pg):
    for db in (pg_url, second_pg):
        run_loader(db, "demo", "--scale", "small", "--seed", "7")
    app = make_app({"DATABASE_URL": pg_url, "RATELIMIT_ENABLED": "0"})
    states, seen, stop = _states(pg_url, 6000), [], threading.Event()
    for s in states[:20]:  # warm the shared entries (device frame, bounds) under the old version
        _figures(app.server.test_client(), s)
    del states[:20]
    threads = [threading.Thread(target=_hammer, args=(app.server.test_client(), states, seen, stop)) for _ in range(3)]
    for t in threads:
        t.start()
    started = time.monotonic()
    run_loader(pg_url, "demo", "--scale", "small", "--seed", "8")  # the refresh: one commit, data_version + 1
    time.sleep(AFTER_COMMIT_S)
    stop.set()
    for t in threads:
        t.join(60)
    assert states, "the states ran out before the end"
    seen = [(s, got) for s, got, at in seen if at >= started]  # before the refresh began, all is old
    asked = [s for s, _ in seen]
    old, new = _reference(second_pg, asked), _reference(pg_url, asked)
    assert sum(old[str(s)] != new[str(s)] for s in asked) > len(asked) / 2, "the refresh changed too little"
    mixed = [(s, got, old[str(s)], new[str(s)]) for s, got in seen if got not in (old[str(s)], new[str(s)])]
    assert any(got == new[str(s)] != old[str(s)] for s, got in seen), "no answer came from the new load"
    assert not mixed, f"{len(mixed)} of {len(seen)} answers mixed two loads, e.g. {mixed[:2]}"
