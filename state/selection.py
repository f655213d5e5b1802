"""The one selection state: its keys, defaults, validation and the pure reducer the state callback runs.

Keys (also the later URL's query keys): boroughs, from, to, bands, operators, locations, metric,
denominator, granularity. Values are plain JSON (lists of codes, ISO dates, allowlisted keys).
"""

from __future__ import annotations

from datetime import date, timedelta

from data import metrics
from data.vocabulary import (
    ALL_POWER_BANDS,
    EVENT_DISPLAY,
    LOCATION_TYPES,
    TARGET_BASES,
    TARGET_MEASURES,
    band_label,
)

GRANULARITY_CHOICES = ("auto", "day", "week", "month")
# Issue 17: the tracker's measure, the basis of a borough's share of a target, event markers shown or not.
CONTEXT_CHOICES = {"track": tuple(TARGET_MEASURES), "basis": TARGET_BASES, "events": EVENT_DISPLAY}
CONTEXT_DEFAULTS = {key: choices[0] for key, choices in CONTEXT_CHOICES.items()}
DEFAULT_SPAN_DAYS = 364
MAP_MODES = ("bands", "live")  # the map's points by power band, or "Live now" by status (issue 15)


def default_state(bounds: tuple[str, str] | None, period: tuple[str, str] | None = None,
                  metric: str | None = None, denominator: str | None = None) -> dict:
    """The default period (else the last year of the bounds), every band and location type, all operators,
    no borough selected, the default metric and denominator. ``bounds``, ``period``, ``metric`` and
    ``denominator`` come from what the store holds (views.availability: the loaded data's spans), never from
    today when there is data."""
    hi = date.fromisoformat(bounds[1]) if bounds else date.today()
    lo = max(date.fromisoformat(bounds[0]), hi - timedelta(days=DEFAULT_SPAN_DAYS)) if bounds else hi
    if period:
        lo, hi = date.fromisoformat(period[0]), date.fromisoformat(period[1])
    return {"boroughs": [], "from": lo.isoformat(), "to": hi.isoformat(), "bands": list(ALL_POWER_BANDS),
            "operators": [], "locations": list(LOCATION_TYPES),
            "metric": metric if metric in metrics.METRICS else metrics.DEFAULT_METRIC,
            "denominator": denominator if denominator in metrics.DENOMINATORS else metrics.DEFAULT_DENOMINATOR,
            "granularity": "auto", "map": MAP_MODES[0], **CONTEXT_DEFAULTS}


def _iso(value, fallback: str) -> str:
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except (TypeError, ValueError):
        return fallback


def _subset(values, allowed, fallback: list) -> list:
    """The known values in canonical order: a vocabulary's own order (a tuple), else sorted (codes, names). One
    view then has one state and one cache key, whatever order its values were ticked or clicked in. A list is
    cut to the length of what it may hold (33 boroughs, the store's operators, ...) before anything else: no
    input grows the work done on it."""
    if not isinstance(values, list | tuple):
        return list(fallback)
    picked = {v for v in values[:len(allowed)] if isinstance(v, str) and v in allowed}
    if isinstance(allowed, tuple):
        return [v for v in allowed if v in picked]
    return sorted(picked, key=lambda v: (v.casefold(), v))


def clean_state(raw, *, bounds, boroughs, operators, period=None, metric=None, denominator=None) -> dict:
    """Every key checked against its allowlist; anything unknown or malformed falls back to the default
    (``default_state(bounds, period, metric, denominator)``); dates are kept as asked within the bounds."""
    base = default_state(bounds, period, metric, denominator)
    raw = raw if isinstance(raw, dict) else {}
    start, end = _iso(raw.get("from"), base["from"]), _iso(raw.get("to"), base["to"])
    if bounds:
        start, end = max(start, bounds[0]), min(end, bounds[1])
    if start > end:
        start, end = base["from"], base["to"]
    return {
        "boroughs": _subset(raw.get("boroughs"), set(boroughs), []),
        "from": start, "to": end,
        "bands": _subset(raw.get("bands"), ALL_POWER_BANDS, base["bands"]),
        "operators": _subset(raw.get("operators"), set(operators), []),
        "locations": _subset(raw.get("locations"), LOCATION_TYPES, base["locations"]),
        "metric": raw.get("metric") if raw.get("metric") in metrics.METRICS else base["metric"],
        "denominator": raw.get("denominator") if raw.get("denominator") in metrics.DENOMINATORS
        else base["denominator"],
        "granularity": raw.get("granularity") if raw.get("granularity") in GRANULARITY_CHOICES else "auto",
        "map": raw.get("map") if raw.get("map") in MAP_MODES else MAP_MODES[0],
        **{k: raw.get(k) if raw.get(k) in choices else CONTEXT_DEFAULTS[k] for k, choices in CONTEXT_CHOICES.items()},
    }


def public_period(state: dict, bounds) -> dict:
    """Public mode's fixed grid of periods: the selection widened to whole calendar months (within the data).

    Arbitrary dates would let two overlapping periods be differenced day by day; whole months are the only
    cells public figures are published for (views/disclosure.py explains the rest of the control).
    """
    start, end = date.fromisoformat(state["from"]).replace(day=1), date.fromisoformat(state["to"])
    end = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    lo, hi = (bounds[0], bounds[1]) if bounds else (start.isoformat(), end.isoformat())
    return {**state, "from": max(start.isoformat(), lo), "to": min(end.isoformat(), hi)}


def toggle(boroughs: list, code) -> list:
    """Add a borough to the selection, or remove it when it is already there."""
    if not isinstance(code, str):
        return list(boroughs)
    return [b for b in boroughs if b != code] if code in boroughs else [*boroughs, code]


def range_from_relayout(relayout) -> tuple[str, str] | None:
    """The x range a drag on the time axis chose, as ISO dates; None for anything else (autosize, reset)."""
    if not isinstance(relayout, dict):
        return None
    lo, hi = relayout.get("xaxis.range[0]"), relayout.get("xaxis.range[1]")
    if lo is None and isinstance(relayout.get("xaxis.range"), list) and len(relayout["xaxis.range"]) == 2:
        lo, hi = relayout["xaxis.range"]
    if lo is None or hi is None:
        return None
    lo, hi = _iso(lo, ""), _iso(hi, "")
    return (lo, hi) if lo and hi and lo <= hi else None


def code_from_map_click(click) -> str | None:
    """The GSS code of a clicked borough feature."""
    props = (click or {}).get("properties") or {}
    return props.get("g")


def code_from_bar_click(click) -> str | None:
    """The GSS code (customdata) of a clicked bar."""
    points = (click or {}).get("points") or []
    return points[0].get("customdata") if points else None


def selection_text(state: dict, names: dict[str, str]) -> str:
    """The selection in words, for the screen in presentation mode."""
    picked = ", ".join(names.get(g, g) for g in state["boroughs"]) or "All London"
    bands = ("all power bands" if set(state["bands"]) == set(ALL_POWER_BANDS)
             else ", ".join(band_label(b) for b in state["bands"]) or "no power band")
    ops = ", ".join(state["operators"]) or "all operators"
    places = ("all location types" if set(state["locations"]) == set(LOCATION_TYPES)
              else ", ".join(state["locations"]) or "no location type")
    return f"{picked} · {state['from']} to {state['to']} · {bands} · {ops} · {places}"
