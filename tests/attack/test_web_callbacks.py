"""Malformed callback bodies are refused with 400, never a 500 from inside Dash (issue 18, item 13).

Each shape below reached Dash and raised there (500); web.security.malformed_callback now checks a body
against the callback's own declaration. Every server callback of the real app is tried with each shape.
"""

from __future__ import annotations

import copy

import pytest

from tests.attack.web_apps import (
    callback_bodies,
    make_app,
    module_demo_db,  # noqa: F401 - the demo_db fixture
)

URL = "/_dash-update-component"


def _drop(key):
    def mutate(body):
        body.pop(key)
    return mutate


def _set(key, value):
    def mutate(body):
        body[key] = value
    return mutate


def _first_input_without(field):
    def mutate(body):
        del body["inputs"][0][field]
    return mutate


SHAPES = {
    "only the output": lambda body: [body.pop(k) for k in ("outputs", "inputs", "state", "changedPropIds")],
    "outputs missing": _drop("outputs"),
    "outputs not a reference": _set("outputs", "x"),
    "inputs of the wrong length": _set("inputs", []),
    "an input without id": _first_input_without("id"),
    "an input without property": _first_input_without("property"),
    "a state item that is no reference": _set("state", [{}]),
    "changedPropIds not a list": _set("changedPropIds", 1),
    "changedPropIds of objects": _set("changedPropIds", [{}]),
}


@pytest.fixture(scope="module")
def public_client(demo_db):
    app = make_app({"DATABASE_URL": demo_db, "APP_MODE": "public", "RATELIMIT_ENABLED": "0"})
    client = app.server.test_client()
    return client, callback_bodies(client)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_web_cb001_malformed_shapes_are_400(public_client, shape):
    client, bodies = public_client
    assert len(bodies) >= 10
    for good in bodies:
        if good["inputs"] and good["inputs"][0]["id"] == "app-state":  # the control: the real shape is served
            assert client.post(URL, json=good).status_code in (200, 204), good["output"]
        body = copy.deepcopy(good)
        SHAPES[shape](body)
        if body == good:
            continue
        resp = client.post(URL, json=body)
        assert resp.status_code == 400, (shape, good["output"], resp.status_code)
        assert resp.get_json()["error"].startswith("malformed callback request")
