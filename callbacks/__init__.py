"""Callbacks, one module per panel; importing this package registers them all (once, from app.py)."""

from dash import _callback

from callbacks import compare, deck, exports, header, map, series, share, state, summaries  # noqa: F401

# Module-level callbacks land in dash's global registry, which the first app to start moves into
# itself. Keep them here instead, so that every app create_app() builds (tests build several) gets
# the same set; callbacks other modules register later are collected on the next attach().
_MAP: dict = {}
_LIST: dict = {}


def attach(app) -> None:
    """Give ``app`` every module-level callback registered so far (idempotent per app)."""
    _MAP.update(_callback.GLOBAL_CALLBACK_MAP)
    _LIST.update({c["output"]: c for c in _callback.GLOBAL_CALLBACK_LIST})
    _callback.GLOBAL_CALLBACK_MAP.clear()
    _callback.GLOBAL_CALLBACK_LIST.clear()
    for key, value in _MAP.items():
        app.callback_map.setdefault(key, value)
    known = {c["output"] for c in app._callback_list}
    app._callback_list.extend(c for key, c in _LIST.items() if key not in known)
