"""Build a /_dash-update-component request body the way dash-renderer does (tests and benchmarks share it)."""

from __future__ import annotations

import json

from layouts import ids
from state.panels import PARTS

STATE_VALUE = f"{ids.STATE}.data"


def _id_type(component_id: str) -> str:
    """A plain id, or a pattern-matching one's ``type`` (its JSON, as Dash keys it)."""
    return json.loads(component_id)["type"] if component_id.startswith("{") else component_id


def concrete(component_id: str, match: str | None):
    """A plain id as is; a pattern-matching one as the dict the browser sends, MATCH given by ``match``."""
    if not component_id.startswith("{"):
        return component_id
    return {k: match if v == ["MATCH"] else v for k, v in json.loads(component_id).items()}


def callback_body(app, output_id: str, values: dict, changed: list[str]) -> dict:
    """The body for the callback whose first output is ``output_id`` (a pattern-matching output: its ``type``, the
    MATCH value in ``values["MATCH"]``); values maps 'id.prop' (a dict id: 'type.prop') to a value. A second writer
    of that output (``allow_duplicate``, its key carries '@hash') is skipped: tests name the primary one."""
    key = next(k for k in app.callback_map
               if _id_type(k.lstrip(".").split("...")[0].rsplit(".", 1)[0]) == output_id
               and "@" not in k.lstrip(".").split("...")[0])
    cb, match = app.callback_map[key], values.get("MATCH")

    def value(component_id: str, prop: str):
        # A chart panel reads its part of the state (state/panels.py): given the state, send the part of it the
        # state's writer would have stored.
        if component_id in PARTS and prop == "data" and f"{component_id}.data" not in values and STATE_VALUE in values:
            return PARTS[component_id](values[STATE_VALUE])
        return values.get(f"{component_id}.{prop}")

    def spec(items):
        return [{"id": concrete(i["id"], match), "property": i["property"],
                 "value": value(_id_type(i["id"]), i["property"])} for i in items]

    outputs = [{"id": concrete(part.rsplit(".", 1)[0], match), "property": part.rsplit(".", 1)[1]}
               for part in key.strip(".").split("...")]
    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": spec(cb["inputs"]), "state": spec(cb["state"]),
            "changedPropIds": [_changed(_part_of(c, cb["inputs"]), cb["inputs"], match) for c in changed if "." in c]}


def _part_of(prop_id: str, inputs: list[dict]) -> str:
    """The state named as changed, for a chart panel: its part's store (what the browser names)."""
    if prop_id != STATE_VALUE:
        return prop_id
    return next((f"{i['id']}.data" for i in inputs if i["id"] in PARTS and i["property"] == "data"), prop_id)


def _changed(prop_id: str, inputs: list[dict], match: str | None) -> str:
    """'type.prop' of a pattern-matching input as the browser names it: the concrete id's JSON."""
    component, prop = prop_id.rsplit(".", 1)
    pattern = next((i["id"] for i in inputs if i["id"].startswith("{") and _id_type(i["id"]) == component), None)
    if pattern is None:
        return prop_id
    return json.dumps(concrete(pattern, match), separators=(",", ":"), sort_keys=True) + "." + prop


def post(app, output_id: str, values: dict, changed: list[str], client=None):
    """POST one callback through the real Flask route."""
    client = client or app.server.test_client()
    return client.post("/_dash-update-component", json=callback_body(app, output_id, values, changed))
