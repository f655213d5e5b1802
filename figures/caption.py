"""The caption every chart carries (so an exported PNG says what it shows and where the figures come from)."""

from __future__ import annotations

from data.vocabulary import LOCATION_TYPES, POWER_BANDS

CAPTION_LINE_PX = 20  # the extra top margin one more subtitle line needs


def as_of_text(as_of: dict) -> str:
    """'Data as of 2026-11-27 03:10 (source: demo)' or a plain note when nothing is loaded."""
    if not as_of:
        return "No data loaded yet."
    return f"Data as of {as_of['finished_at'].replace('T', ' ')} UTC · source: {as_of['source']}"


def caption_text(as_of: dict, state: dict) -> str:
    """'Source: demo, data as of 2026-11-27 03:10 UTC' plus the filters that narrow the selection."""
    source = (f"Source: {as_of['source']}, data as of {str(as_of['finished_at']).replace('T', ' ')[:16]} UTC"
              if as_of else "Source: no data loaded")
    parts = [source]
    if set(state.get("bands") or []) != set(POWER_BANDS):
        parts.append("bands: " + (", ".join(state.get("bands") or []) or "none"))
    if state.get("operators"):
        parts.append("operators: " + ", ".join(state["operators"][:3]) + (" …" if len(state["operators"]) > 3 else ""))
    if set(state.get("locations") or []) != set(LOCATION_TYPES):
        parts.append("locations: " + (", ".join(state.get("locations") or []) or "none"))
    return " · ".join(parts)


def _with_caption(fig: dict, caption: str) -> dict:
    layout = dict(fig.get("layout") or {})
    title = layout.get("title")
    if not isinstance(title, dict) or not title.get("text"):
        return fig
    sub = dict(title.get("subtitle") or {})
    sub["text"] = f"{sub['text']}<br>{caption}" if sub.get("text") else caption
    sub.setdefault("font", {"size": 14, "color": "#444"})
    margin = dict(layout.get("margin") or {})
    margin["t"] = int(margin.get("t") or 70) + CAPTION_LINE_PX
    layout.update(title={**title, "subtitle": sub}, margin=margin)
    return {**fig, "layout": layout}


def captioned(outputs, caption: str):
    """Every figure dict among a callback's outputs with the caption under its subtitle."""
    def one(o):
        return _with_caption(o, caption) if isinstance(o, dict) and "layout" in o and "data" in o else o
    return tuple(one(o) for o in outputs) if isinstance(outputs, tuple) else one(outputs)
