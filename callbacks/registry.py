"""Callbacks declared at module level, given to each app by ``register(app)`` through Dash's public API.

``callback`` and ``clientside_callback`` take the same arguments as Dash's; they only record the
declaration, so importing a callbacks module touches no Dash registry. ``register(app)`` passes every
declaration to ``app.callback`` / ``app.clientside_callback``, so every app ``create_app`` builds (tests
build several, each on its own store) gets the whole set. The decorated function stays the plain function.
"""

from __future__ import annotations

_DECLARED: list[tuple[str, object, tuple, dict]] = []


def callback(*args, **kwargs):
    """Record a server callback (arguments as ``dash.callback``)."""
    def record(fn):
        _DECLARED.append(("server", fn, args, kwargs))
        return fn
    return record


def clientside_callback(function, *args, **kwargs) -> None:
    """Record a browser-side callback (arguments as ``dash.clientside_callback``)."""
    _DECLARED.append(("client", function, args, kwargs))


def register(app) -> None:
    """Give ``app`` every declared callback."""
    for kind, fn, args, kwargs in _DECLARED:
        if kind == "server":
            app.callback(*args, **kwargs)(fn)
        else:
            app.clientside_callback(fn, *args, **kwargs)


def declared() -> int:
    """How many callbacks are declared (for tests)."""
    return len(_DECLARED)
