"""The link is the view: pure functions between the state (plus the view keys) and a readable query string.

Selection keys are those of callbacks.selection; the view keys (map centre and zoom, theme, presentation
mode) live in their own store so that panning the map never rolls the panels' cache keys over.
"""

from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import parse_qs, quote, urlencode

from state.selection import clean_state

LIST_KEYS = ("boroughs", "bands", "operators", "locations")
SCALAR_KEYS = ("from", "to", "metric", "denominator", "granularity", "track", "basis", "events", "map")
STATE_KEYS = ("boroughs", "from", "to", "bands", "operators", "locations", "metric", "denominator", "granularity",
              "track", "basis", "events", "map")
VIEW_KEYS = ("lat", "lon", "zoom", "theme", "present")
THEMES = ("light", "dark")
# The map's first view: all 33 boroughs (0.84 degrees of longitude, 0.41 of latitude) fit a 560 x 420 px map at zoom
# 9.75, the map panel's size at 1366x768 in the page and in Present (zoom 10 clipped the outer boroughs there).
DEFAULT_VIEW = {"lat": 51.49, "lon": -0.09, "zoom": 9.75, "theme": "light", "present": False}
LAT_RANGE, LON_RANGE, ZOOM_RANGE = (51.2, 51.8), (-0.6, 0.4), (8, 18)
SAFE = ",:-"  # kept as they are, so the link stays readable
# Bounds on what a link may carry: the keys above and a deck (100 slides of 4,000 characters, base64).
MAX_FIELDS, MAX_LIST_ITEMS, MAX_QUERY_CHARS = 32, 256, 600_000
PANELS = ("map", "series", "heatmap", "comparison", "tracker", "where-next", "peers")  # a slide shows one or a pair
DEFAULT_PANELS = ("map", "comparison")  # a slide saved before slides chose their panels, and the current view


def to_query(state: dict, view: dict) -> str:
    """Every key of the state and the view, in a fixed order, lists comma-separated (no leading '?')."""
    pairs = [(k, ",".join(state.get(k) or []) if k in LIST_KEYS else str(state.get(k, ""))) for k in STATE_KEYS]
    view = {**DEFAULT_VIEW, **(view or {})}
    pairs += [("lat", f"{float(view['lat']):.4f}"), ("lon", f"{float(view['lon']):.4f}"),
              ("zoom", f"{float(view['zoom']):g}"), ("theme", view["theme"]), ("present", "1" if view["present"] else "0")]
    return urlencode(pairs, safe=SAFE, quote_via=quote)


def parse_query(search: str | None) -> dict:
    """The raw values a query string carries (strings, lists split on commas); no validation yet.

    Bounded: at most MAX_FIELDS fields (a longer query reads as empty) and MAX_LIST_ITEMS items per list.
    """
    try:
        raw = parse_qs(str(search or "")[:MAX_QUERY_CHARS].lstrip("?"), keep_blank_values=True,
                       max_num_fields=MAX_FIELDS)
    except ValueError:
        return {}
    out = {}
    for key, values in raw.items():
        value = values[-1]
        out[key] = [v for v in value.split(",", MAX_LIST_ITEMS)[:MAX_LIST_ITEMS] if v] if key in LIST_KEYS else value
    return out


def _number(value, lo: float, hi: float, fallback: float) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return fallback
    return x if lo <= x <= hi else fallback


def clean_view(raw: dict) -> dict:
    """Map centre within Greater London's box, zoom 8..18, a known theme, presentation on or off."""
    raw = raw if isinstance(raw, dict) else {}
    present = raw.get("present", DEFAULT_VIEW["present"])
    return {
        "lat": round(_number(raw.get("lat"), *LAT_RANGE, DEFAULT_VIEW["lat"]), 4),
        "lon": round(_number(raw.get("lon"), *LON_RANGE, DEFAULT_VIEW["lon"]), 4),
        "zoom": round(_number(raw.get("zoom"), *ZOOM_RANGE, DEFAULT_VIEW["zoom"]), 2),  # quarter zooms kept
        "theme": raw.get("theme") if raw.get("theme") in THEMES else DEFAULT_VIEW["theme"],
        "present": present is True or str(present).lower() in ("1", "true", "on"),
    }


def from_query(search: str | None, *, bounds, boroughs, operators, **defaults) -> tuple[dict, dict, list[str]]:
    """(state, view, keys that fell back to a default) for a query string; unknown keys are ignored.
    ``defaults``: the store's default period, metric and denominator (``clean_state``'s keywords)."""
    raw = parse_query(search)
    state = clean_state({k: raw[k] for k in STATE_KEYS if k in raw}, bounds=bounds, boroughs=boroughs,
                        operators=operators, **defaults)
    view = clean_view({k: raw[k] for k in VIEW_KEYS if k in raw})
    fell_back = [k for k in STATE_KEYS if k in raw and _differs(raw[k], state[k])]
    fell_back += [k for k in VIEW_KEYS if k in raw and _differs(raw[k], view[k])]
    fell_back += [k for k in raw if k not in STATE_KEYS and k not in VIEW_KEYS and k != "deck"]
    return state, view, fell_back


def _differs(raw, clean) -> bool:
    if isinstance(clean, list):  # only a dropped value, not the canonical order, is a fall-back
        return set(raw) != set(clean)
    if isinstance(clean, bool):
        return (raw in ("1", "true", "on")) != clean
    if isinstance(clean, float):
        try:
            return abs(float(raw) - clean) > 1e-3
        except (TypeError, ValueError):
            return True
    return str(raw) != str(clean)


def encode_deck(slides: list[dict]) -> str:
    """A deck as one URL-safe token (base64url of its JSON, no padding)."""
    data = json.dumps(slides, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def clean_panels(raw) -> list[str]:
    """The panel(s) a slide shows: one or two of PANELS, as a list or 'map+comparison'; the default otherwise
    (so decks saved before slides chose panels stay valid)."""
    if isinstance(raw, str):
        raw = raw.split("+")
    picked = [p for p in dict.fromkeys(raw) if p in PANELS][:2] if isinstance(raw, list | tuple) else []
    return picked or list(DEFAULT_PANELS)


def clean_deck(slides) -> list[dict]:
    """Slides with a title, a note, a query string and the panel(s) shown each; anything else is dropped."""
    if not isinstance(slides, list):
        return []
    out = []
    for s in slides[:100]:
        if isinstance(s, dict) and isinstance(s.get("q"), str):
            out.append({"title": str(s.get("title") or "Untitled")[:120], "note": str(s.get("note") or "")[:240],
                        "q": s["q"].lstrip("?")[:4000], "panels": clean_panels(s.get("panels"))})
    return out


def decode_deck(token: str | None) -> list[dict]:
    """The slides a deck token carries; [] for anything malformed."""
    if not token:
        return []
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return clean_deck(json.loads(data))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return []
