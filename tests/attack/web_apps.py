"""In-process apps for the web attack tests: the real create_app + web.install, as app.py wires them."""

from __future__ import annotations

import re

import pytest
from werkzeug.security import generate_password_hash

import config
import web
from app import create_app
from cache import cache
from callbacks.overview import KEY_FIGURE_OUTPUTS

USER, PASSWORD = "ann", "correct horse"
PASSWORD_HASH = generate_password_hash(PASSWORD)
SECRET = "4f1c9e7a2b8d6e0f3a5c7b9d1e2f4a6c8b0d2e4f6a8c0b2d4e6f8a0c2b4d6e8f"


def officer_env(db: str, **extra: str) -> dict:
    """Officer mode with one password user, local (plain http), no rate limits unless asked for."""
    return {"DATABASE_URL": db, "APP_USERS": f"{USER}:{PASSWORD_HASH}", "SECRET_KEY": SECRET,
            "RATELIMIT_ENABLED": "0", **extra}


def make_app(env: dict):
    """create_app and web.install with these settings (the test client is one thread: no warm-up needed)."""
    cfg = config.load(env)
    app = create_app(settings=cfg)
    web.install(app, cache, cfg)
    return app


def csrf_of(client, path: str = "/auth/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def sign_in(client, user: str = USER, password: str = PASSWORD, nxt: str = "/", **kwargs):
    csrf = csrf_of(client)
    return client.post("/auth/login", data={"csrf": csrf, "username": user, "password": password, "next": nxt},
                       **kwargs)


# update_overview's outputs: the key figures' texts, then the banner and the choropleth (callbacks/overview.py)
OVERVIEW_OUTPUTS = (*((o.component_id, o.component_property) for o in KEY_FIGURE_OUTPUTS),
                    ("present-banner", "children"), ("map-boroughs", "hideout"), ("map-legend", "children"),
                    ("map-message", "children"))


def overview_call(state: dict) -> dict:
    """The body of update_overview's request (key figures, banner, choropleth: one callback, issue 19) for a state."""
    return {"output": "." + "".join(f".{i}.{p}.." for i, p in OVERVIEW_OUTPUTS),
            "outputs": [{"id": i, "property": p} for i, p in OVERVIEW_OUTPUTS],
            "inputs": [{"id": "app-state", "property": "data", "value": state}], "changedPropIds": []}


def callback_bodies(client) -> list[dict]:
    """A well-formed body for every server callback with plain ids (values None), from /_dash-dependencies."""
    bodies = []
    for dep in client.get("/_dash-dependencies").get_json():
        if dep.get("clientside_function") or "{" in dep["output"]:
            continue
        spec = dep["output"]
        parts = spec.strip(".").split("...") if spec.startswith("..") else [spec]
        outs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts]
        bodies.append({"output": spec, "outputs": outs if spec.startswith("..") else outs[0],
                       "inputs": [{**i, "value": None} for i in dep["inputs"]],
                       "state": [{**i, "value": None} for i in dep.get("state", [])], "changedPropIds": []})
    return bodies


@pytest.fixture(scope="module", name="demo_db")
def module_demo_db(tmp_path_factory) -> str:
    """``demo_db``: one small demo SQLite store for a whole test module (the loader's own demo command).
    Import ``module_demo_db`` into a test module to use it."""
    from tests.conftest import run_loader

    db = f"sqlite:///{tmp_path_factory.mktemp('attack') / 'store.sqlite'}"
    run_loader(db, "demo", "--scale", "small", "--seed", "7")
    return db
