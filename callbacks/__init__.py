"""Thin callbacks, one module per panel or concern: ``register(app)`` gives an app all of them."""

from __future__ import annotations

from callbacks import availability, compare, deck, exports, header, map, series, share, state, summaries  # noqa: F401
from callbacks.registry import register

__all__ = ["register"]
