"""The caption every chart carries (so an exported PNG says what it shows and where the figures come from)."""

from __future__ import annotations

from datetime import date

from data.vocabulary import ALL_POWER_BANDS, LOCATION_TYPES

CAPTION_LINE_PX = 20  # the extra top margin one more subtitle line needs


def _loaded(provenance: dict, kinds) -> str:
    """'loaded 2 Dec 2026': when the newest of these kinds of data was loaded ('' when none is)."""
    stamps = [provenance.get("loaded", {}).get(k) for k in kinds]
    stamps = [t for t in stamps if t]
    if not stamps:
        return ""
    when = date.fromisoformat(max(stamps)[:10])
    return f"loaded {when.day} {when.strftime('%b %Y')}"


def as_of_text(provenance: dict) -> str:
    """'Data: DfT EV charging statistics, Jul 2025 · ONS mid-2020 population · registry snapshot 20 Nov 2020
    (loaded 2 Dec 2026)', or a plain note when nothing is loaded."""
    by_kind = (provenance or {}).get("by_kind") or {}
    if not by_kind:
        return "No data loaded yet."
    loaded = _loaded(provenance, by_kind)
    return "Data: " + " · ".join(by_kind.values()) + (f" ({loaded})" if loaded else "")


def caption_text(provenance: dict, state: dict, kinds=None) -> str:
    """'Source: DfT EV charging statistics, Jul 2025 · registry snapshot 20 Nov 2020 (loaded 2 Dec 2026)' (the
    sources of ``kinds``, else all) plus the filters that narrow the selection."""
    by_kind = (provenance or {}).get("by_kind") or {}
    named = [by_kind[k] for k in (kinds if kinds is not None else by_kind) if k in by_kind]
    loaded = _loaded(provenance or {}, [k for k in (kinds if kinds is not None else by_kind) if k in by_kind])
    parts = ["Source: " + " · ".join(named) + (f" ({loaded})" if loaded else "") if named
             else "Source: no data loaded"]
    if set(state.get("bands") or []) != set(ALL_POWER_BANDS):
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
