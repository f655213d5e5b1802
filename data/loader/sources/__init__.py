"""Real-data adapters (issue 3) register here: name -> function(engine, location, options) -> run id.

``python -m data.loader load SOURCE LOCATION [-o KEY=VALUE ...]`` dispatches to ``SOURCES[SOURCE]``.
Each adapter uses ``data.loader.refresh.refresh`` for its one atomic write transaction, and
``data.loader.rollups.rebuild(run.conn)`` after changing sessions or devices.
"""

from __future__ import annotations

from collections.abc import Callable

SOURCES: dict[str, Callable] = {}
