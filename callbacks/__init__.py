"""Thin callbacks, one module per panel or concern: ``register(app)`` gives an app all of them."""

from __future__ import annotations

from callbacks import (  # noqa: F401
    availability,
    compare,
    context,
    context_state,
    deck,
    exports,
    live,
    map,
    overview,
    series,
    share,
    state,
)
from callbacks.registry import register

__all__ = ["register"]
