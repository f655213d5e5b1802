"""Build a /_dash-update-component request body the way dash-renderer does (tests and benchmarks share it)."""

from __future__ import annotations

import json


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

    def spec(items):
        return [{"id": concrete(i["id"], match), "property": i["property"],
                 "value": values.get(f"{_id_type(i['id'])}.{i['property']}")} for i in items]

    outputs = [{"id": concrete(part.rsplit(".", 1)[0], match), "property": part.rsplit(".", 1)[1]}
               for part in key.strip(".").split("...")]
    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": spec(cb["inputs"]), "state": spec(cb["state"]),
            "changedPropIds": [_changed(c, cb["inputs"], match) for c in changed if "." in c]}


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
