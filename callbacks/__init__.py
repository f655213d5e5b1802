"""Callbacks, one module per panel; importing this package registers them all (once, from app.py)."""

from dash import _callback

from callbacks import compare, header, map, series, state  # noqa: F401

# Module-level callbacks land in dash's global registry, which the first app to start moves into
# itself. Keep a copy so that every app create_app() builds (tests build several) gets the same set.
_REGISTRY = (dict(_callback.GLOBAL_CALLBACK_MAP), list(_callback.GLOBAL_CALLBACK_LIST))


def attach(app) -> None:
    """Give ``app`` every module-level callback (idempotent per app)."""
    _callback.GLOBAL_CALLBACK_MAP.clear()
    _callback.GLOBAL_CALLBACK_LIST.clear()
    for key, value in _REGISTRY[0].items():
        app.callback_map.setdefault(key, value)
    known = {id(c) for c in app._callback_list}
    app._callback_list.extend(c for c in _REGISTRY[1] if id(c) not in known)
