"""Every step of the state, the view and the deck, as pure functions the callbacks call.

The URL is read here and only here (``link_state``, ``link_view``, ``link_deck``), through the codec in
``state.urlstate``.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qsl, urlencode

from layouts import ids
from state import selection, urlstate

CONTROL_KEYS = {  # control id -> state key it sets directly
    ids.FILTER_BANDS: "bands", ids.FILTER_LOCATIONS: "locations", ids.FILTER_OPERATORS: "operators",
    ids.FILTER_BOROUGHS: "boroughs", ids.FILTER_METRIC: "metric", ids.FILTER_DENOMINATOR: "denominator",
    ids.SERIES_GRANULARITY: "granularity", ids.MAP_MODE: "map",
}
MIRRORED = tuple(CONTROL_KEYS.items())  # every control shows the state: a later URL or deck input needs only this


# --- the link ---------------------------------------------------------------------------------------

def link_state(search: str | None) -> dict:
    """The (unvalidated) selection a link carries: only the keys it names."""
    raw = urlstate.parse_query(search)
    return {k: raw[k] for k in urlstate.STATE_KEYS if k in raw}


def link_view(search: str | None) -> dict:
    """The view a link carries, validated (missing keys take their defaults)."""
    raw = urlstate.parse_query(search)
    return urlstate.clean_view({k: raw[k] for k in urlstate.VIEW_KEYS if k in raw})


def opened_query(opened) -> str | None:
    """The query string of an opened link (the ``LINK_OPENED`` store's ``{"q": ..., "n": ...}``), else None."""
    return opened.get("q") if isinstance(opened, dict) and isinstance(opened.get("q"), str) else None


def link_deck(search: str | None) -> list[dict]:
    """The slides a link's ``deck=`` carries ([] for none or a malformed one)."""
    return urlstate.decode_deck(urlstate.parse_query(search).get("deck"))


# --- the selection ----------------------------------------------------------------------------------

def reduce_state(state: dict, trigger: str | None, inputs: dict) -> dict:
    """The next state after ``trigger`` fired with ``inputs`` (values keyed by control id)."""
    new = dict(state)
    if trigger in CONTROL_KEYS:
        new[CONTROL_KEYS[trigger]] = inputs.get(trigger)
    elif trigger == ids.FILTER_DATES:
        new["from"], new["to"] = inputs.get("start_date") or state["from"], inputs.get("end_date") or state["to"]
    elif trigger == ids.SERIES_PICKED:
        picked = selection.range_from_relayout(inputs.get(ids.SERIES_PICKED))
        if picked:
            new["from"], new["to"] = picked
    elif trigger == ids.MAP_BOROUGHS:
        new["boroughs"] = selection.toggle(state["boroughs"], selection.code_from_map_click(inputs.get(trigger)))
    elif trigger == ids.COMPARE_GRAPH:
        new["boroughs"] = selection.toggle(state["boroughs"], selection.code_from_bar_click(inputs.get(trigger)))
    elif trigger == ids.FILTER_CLEAR:
        new["boroughs"] = []
    elif trigger == ids.LINK_OPENED:  # a link opened, back/forward, a deck slide: the link is the whole selection
        new = link_state(inputs.get(ids.LINK_OPENED))
    return new


# --- the view (map centre and zoom, theme, presentation) ---------------------------------------------

def _map_view(center, zoom) -> dict:
    """The map's reported centre ([lat, lon] or {lat, lng}) and zoom as view keys."""
    if isinstance(center, dict):
        center = [center.get("lat"), center.get("lng")]
    lat, lon = (center or [None, None])[:2]
    return {"lat": lat, "lon": lon, "zoom": zoom}


def next_view(view: dict, trigger, search, center, zoom, dark) -> dict:
    """The view after ``trigger``: a link replaces it; the map, the buttons and the switch change one key."""
    view = urlstate.clean_view(view or {})
    if trigger == ids.LINK_OPENED:
        return link_view(search)
    if trigger == ids.MAP_MOVED:
        return urlstate.clean_view({**view, **{k: v for k, v in _map_view(center, zoom).items() if v is not None}})
    if trigger == ids.PRESENT_TOGGLE:
        return {**view, "present": not view["present"]}
    if trigger == ids.PRESENT_EXIT:
        return {**view, "present": False}
    if trigger == ids.THEME_TOGGLE:
        return {**view, "theme": "dark" if dark else "light"}
    return view


# --- the deck -----------------------------------------------------------------------------------------

def with_present(query: str, present: bool, theme: str | None = None) -> str:
    """A slide's query with presentation mode set as it is now (stepping must not leave the presentation), and
    the presenter's theme when given (dark for a dark room stays dark from slide to slide)."""
    drop = {"present", "theme"} if theme in urlstate.THEMES else {"present"}
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=True) if k not in drop]
    theme_pair = [("theme", theme)] if theme in urlstate.THEMES else []
    return urlencode([*pairs, *theme_pair, ("present", "1" if present else "0")], safe=urlstate.SAFE)


def step(pos: int, count: int, delta: int) -> int:
    """The next slide index, clamped to the deck."""
    return max(0, min(count - 1, pos + delta)) if count else -1


def add_slide(deck: list[dict], title, note, state: dict, view: dict, panels=None) -> list[dict]:
    """The deck with the current view appended (saved out of presentation mode), showing ``panels``."""
    query = urlstate.to_query(state, {**urlstate.clean_view(view or {}), "present": False})
    slide = {"title": title, "note": note, "q": query, "panels": panels}
    return [*urlstate.clean_deck(deck), *urlstate.clean_deck([slide])]


def rename_slide(deck: list[dict], index: int, title) -> list[dict]:
    """The deck with slide ``index`` retitled (an empty title reads 'Untitled')."""
    deck = urlstate.clean_deck(deck)
    if not 0 <= index < len(deck):
        return deck
    return urlstate.clean_deck([*deck[:index], {**deck[index], "title": title}, *deck[index + 1:]])


def delete_slide(deck: list[dict], index: int) -> list[dict]:
    """The deck without slide ``index``."""
    deck = urlstate.clean_deck(deck)
    return [s for i, s in enumerate(deck) if i != index]


def move_slide(deck: list[dict], index: int, delta: int) -> list[dict]:
    """The deck with slide ``index`` moved ``delta`` places (stopping at either end)."""
    deck = urlstate.clean_deck(deck)
    if not 0 <= index < len(deck):
        return deck
    target = max(0, min(len(deck) - 1, index + delta))
    slide = deck.pop(index)
    deck.insert(target, slide)
    return deck


def position_after(pos, index: int, action: str, target: int | None = None) -> int:
    """The deck position once slide ``index`` was deleted or moved to ``target`` (the shown slide stays shown)."""
    if not isinstance(pos, int) or pos < 0:
        return -1
    if action == "delete":
        return pos - 1 if index < pos else (-1 if index == pos else pos)
    if target is None or index == target:
        return pos
    if pos == index:
        return target
    if index < pos <= target:
        return pos - 1
    if target <= pos < index:
        return pos + 1
    return pos


def uploaded_deck(contents: str | None) -> list[dict]:
    """The slides of an uploaded deck.json (a data: URL from dcc.Upload); [] for anything else."""
    try:
        return urlstate.clean_deck(json.loads(base64.b64decode(contents.split(",", 1)[1])))
    except (AttributeError, IndexError, ValueError):
        return []
