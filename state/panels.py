"""What each chart panel reads of the state: its part, written beside the state by the state's writers
(callbacks/state.py, callbacks/context_state.py) into a store of its own, which the panel's callback listens to.

A change that a panel does not show (the denominator for the hour-of-week grid, the map's mode for every chart,
the tracker's basis for the series) then sends that panel no request and redraws nothing (issue 19: each chart
redrawn costs the browser 30-50 ms and Dash a whole callback). The part is itself a whole state, with the keys the
panel ignores at their defaults, so the panels validate it and key their caches on it as before: one cached
view per part, whatever the rest of the state.
"""

from __future__ import annotations

from data import metrics
from layouts import ids
from state.selection import CONTEXT_DEFAULTS, MAP_MODES

_OTHERS = {"map": MAP_MODES[0], "granularity": "auto", **CONTEXT_DEFAULTS}


def _part(state, defaults: dict) -> dict | None:
    """``state`` with ``defaults``' keys set to them (None for a state that is not a dict)."""
    return {**state, **defaults} if isinstance(state, dict) else None


def series_part(state) -> dict | None:
    """The time series: everything but the map's mode and the tracker's track and basis."""
    return _part(state, {k: v for k, v in _OTHERS.items() if k not in ("granularity", "events")})


def heatmap_part(state) -> dict | None:
    """The hour-of-week grid: always session starts, so neither the metric (unless a live-status one, which its
    title names) nor the denominator, nor the series' step, nor the map's or the context panels' choices."""
    part = _part(state, {**_OTHERS, "denominator": "total"})
    if part is not None and not (part.get("metric") in metrics.METRICS and metrics.reads_status(part["metric"])):
        part["metric"] = metrics.DEFAULT_METRIC
    return part


def boroughs_part(state) -> dict | None:
    """The key figures, the choropleth and the comparison: everything but the series' step and events and the
    map's and context panels' choices."""
    return _part(state, _OTHERS)


PARTS = {ids.STATE_SERIES: series_part, ids.STATE_HEATMAP: heatmap_part, ids.STATE_BOROUGHS: boroughs_part}


def changed_parts(old: dict | None, new: dict) -> list:
    """Each part of ``new`` in PARTS order, or None where it equals the part of ``old`` (the writer sends "no
    update" for those: their panels keep what they show)."""
    return [None if old is not None and part(old) == part(new) else part(new) for part in PARTS.values()]
