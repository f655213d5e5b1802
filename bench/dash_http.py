"""Build a /_dash-update-component request body the way dash-renderer does (tests and benchmarks share it)."""

from __future__ import annotations


def callback_body(app, output_id: str, values: dict, changed: list[str]) -> dict:
    """The body for the callback whose first output is ``output_id``; values maps 'id.prop' to a value."""
    keys = [k for k in app.callback_map if k.lstrip(".").startswith(f"{output_id}.")]
    # A graph is first output of its panel's callback and of the one naming its PNG (config): the panel's.
    key = next((k for k in keys if not k.lstrip(".").startswith(f"{output_id}.config")), keys[0])
    cb = app.callback_map[key]

    def spec(items):
        return [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")}
                for i in items]

    outputs = [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]}
               for part in key.strip(".").split("...")]
    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": spec(cb["inputs"]), "state": spec(cb["state"]), "changedPropIds": changed}


def post(app, output_id: str, values: dict, changed: list[str], client=None):
    """POST one callback through the real Flask route."""
    client = client or app.server.test_client()
    return client.post("/_dash-update-component", json=callback_body(app, output_id, values, changed))
