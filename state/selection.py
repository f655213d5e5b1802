"""The one selection state: its keys, defaults, validation and the pure reducer the state callback runs.

Keys (also the later URL's query keys): boroughs, from, to, bands, operators, locations, metric,
denominator, granularity. Values are plain JSON (lists of codes, ISO dates, allowlisted keys).
"""

from __future__ import annotations

from datetime import date, timedelta

from data import metrics
from data.vocabulary import LOCATION_TYPES, POWER_BANDS, band_label

GRANULARITY_CHOICES = ("auto", "day", "week", "month")
DEFAULT_SPAN_DAYS = 364


def default_state(bounds: tuple[str, str] | None) -> dict:
    """The last year of data, every band and location type, all operators, no borough selected."""
    hi = date.fromisoformat(bounds[1]) if bounds else date.today()
    lo = max(date.fromisoformat(bounds[0]), hi - timedelta(days=DEFAULT_SPAN_DAYS)) if bounds else hi
    return {"boroughs": [], "from": lo.isoformat(), "to": hi.isoformat(), "bands": list(POWER_BANDS),
            "operators": [], "locations": list(LOCATION_TYPES), "metric": metrics.DEFAULT_METRIC,
            "denominator": metrics.DEFAULT_DENOMINATOR, "granularity": "auto"}


def _iso(value, fallback: str) -> str:
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except (TypeError, ValueError):
        return fallback


def _subset(values, allowed, fallback: list) -> list:
    if not isinstance(values, list | tuple):
        return list(fallback)
    return [v for v in dict.fromkeys(values) if isinstance(v, str) and v in allowed]


def clean_state(raw, *, bounds, boroughs, operators) -> dict:
    """Every key checked against its allowlist; anything unknown or malformed falls back to the default."""
    base = default_state(bounds)
    raw = raw if isinstance(raw, dict) else {}
    start, end = _iso(raw.get("from"), base["from"]), _iso(raw.get("to"), base["to"])
    if bounds:
        start, end = max(start, bounds[0]), min(end, bounds[1])
    if start > end:
        start, end = base["from"], base["to"]
    return {
        "boroughs": _subset(raw.get("boroughs"), set(boroughs), []),
        "from": start, "to": end,
        "bands": _subset(raw.get("bands"), POWER_BANDS, base["bands"]),
        "operators": _subset(raw.get("operators"), set(operators), []),
        "locations": _subset(raw.get("locations"), LOCATION_TYPES, base["locations"]),
        "metric": raw.get("metric") if raw.get("metric") in metrics.METRICS else base["metric"],
        "denominator": raw.get("denominator") if raw.get("denominator") in metrics.DENOMINATORS
        else base["denominator"],
        "granularity": raw.get("granularity") if raw.get("granularity") in GRANULARITY_CHOICES else "auto",
    }


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
    bands = ("all power bands" if set(state["bands"]) == set(POWER_BANDS)
             else ", ".join(band_label(b) for b in state["bands"]) or "no power band")
    ops = ", ".join(state["operators"]) or "all operators"
    places = ("all location types" if set(state["locations"]) == set(LOCATION_TYPES)
              else ", ".join(state["locations"]) or "no location type")
    return f"{picked} · {state['from']} to {state['to']} · {bands} · {ops} · {places}"
