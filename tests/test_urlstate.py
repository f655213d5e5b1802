"""The link is the view: state <-> query string round trips, tampering falls back quietly, decks as links."""

from __future__ import annotations

import json

from layouts import ids
from state import urlstate
from state.reducers import next_view, reduce_state, step, with_present
from state.selection import default_state

BOUNDS = ("2024-01-01", "2025-12-31")
CODES = {f"E0900{n:04d}" for n in range(1, 34)}
OPERATORS = {"Shell Recharge", "ubitricity", "Unknown"}
KNOWN = {"bounds": BOUNDS, "boroughs": CODES, "operators": OPERATORS}

STATE = {"boroughs": ["E09000020", "E09000033"], "from": "2025-01-01", "to": "2025-06-30", "bands": ["rapid", "ultra"],
         "operators": ["Shell Recharge"], "locations": ["on-street", "en-route"], "metric": "utilisation",
         "denominator": "per_device", "granularity": "week", "track": "dft_rapid", "basis": "plugin_vehicles",
         "events": "off", "map": "live"}
VIEW = {"lat": 51.5012, "lon": -0.1234, "zoom": 12.0, "theme": "dark", "present": True}


def test_url001_round_trip_is_exact_and_readable():
    query = urlstate.to_query(STATE, VIEW)
    assert query.startswith("boroughs=E09000020,E09000033&from=2025-01-01&to=2025-06-30&bands=rapid,ultra")
    assert "operators=Shell%20Recharge" in query and "present=1" in query and "theme=dark" in query
    state, view, fell_back = urlstate.from_query("?" + query, **KNOWN)
    assert (state, view, fell_back) == (STATE, VIEW, [])


def test_url002_defaults_round_trip_and_an_empty_query_is_the_default_view():
    base = default_state(BOUNDS)
    state, view, _ = urlstate.from_query(urlstate.to_query(base, {}), **KNOWN)
    assert state == base and view == urlstate.DEFAULT_VIEW
    assert urlstate.from_query("", **KNOWN) == (base, urlstate.DEFAULT_VIEW, [])


def test_url003_tampered_values_fall_back_to_defaults_and_are_named():
    base = default_state(BOUNDS)
    query = ("boroughs=E09000033,E99999999&from=2025-13-45&to=2025-06-30&bands=rapid,plutonium&metric=DROP TABLE"
             "&denominator=per_device&granularity=fortnight&zoom=99&lat=abc&theme=<script>&present=1&evil=1")
    state, view, fell_back = urlstate.from_query(query, **KNOWN)
    assert state["boroughs"] == ["E09000033"] and state["bands"] == ["rapid"]
    assert state["from"] == base["from"] and state["metric"] == base["metric"] and state["granularity"] == "auto"
    assert state["denominator"] == "per_device" and state["to"] == "2025-06-30"
    assert view["zoom"] == urlstate.DEFAULT_VIEW["zoom"] and view["lat"] == urlstate.DEFAULT_VIEW["lat"]
    assert view["theme"] == "light" and view["present"] is True
    assert set(fell_back) == {"boroughs", "from", "bands", "metric", "granularity", "zoom", "lat", "theme", "evil"}


def test_url004_garbage_never_raises():
    for junk in ("%%%", "boroughs", "=&=&", "from=&to=", "bands=" + "x," * 500, "?a=1&a=2", "zoom=nan&lat=inf"):
        state, view, _ = urlstate.from_query(junk, **KNOWN)
        assert state["metric"] and view["zoom"] >= 9


def test_url005_the_state_reducer_takes_the_whole_selection_from_a_link():
    new = reduce_state(default_state(BOUNDS), ids.LINK_OPENED, {ids.LINK_OPENED: "?" + urlstate.to_query(STATE, VIEW)})
    assert new == STATE


def test_url006_view_reducer_map_buttons_and_link():
    view = urlstate.clean_view({})
    moved = next_view(view, ids.MAP_MOVED, None, [51.52345678, -0.2], 13, False)
    assert (moved["lat"], moved["lon"], moved["zoom"]) == (51.5235, -0.2, 13)
    assert next_view(view, ids.PRESENT_TOGGLE, None, None, None, False)["present"] is True
    assert next_view({**view, "present": True}, ids.PRESENT_EXIT, None, None, None, False)["present"] is False
    assert next_view(view, ids.THEME_TOGGLE, None, None, None, True)["theme"] == "dark"
    assert next_view(view, ids.LINK_OPENED, "?zoom=14&present=1", None, None, False) == {**view, "zoom": 14, "present": True}


def test_url007_a_deck_is_a_link_and_survives_tampering():
    slides = [{"title": "Rapid growth", "note": "Westminster leads", "q": urlstate.to_query(STATE, VIEW),
               "panels": ["series", "heatmap"]},
              {"title": "All London", "note": "", "q": "metric=sessions", "panels": ["comparison"]}]
    token = urlstate.encode_deck(slides)
    assert "=" not in token and "+" not in token and "/" not in token
    assert urlstate.decode_deck(token) == slides
    assert urlstate.decode_deck("not-base64!") == [] and urlstate.decode_deck(urlstate.encode_deck({"q": 1})) == []
    assert urlstate.clean_deck(json.loads('[{"title": 5, "q": "zoom=11"}, {"no": "q"}, 3]')) == [
        {"title": "5", "note": "", "q": "zoom=11", "panels": list(urlstate.DEFAULT_PANELS)}]
    assert "present=1" in with_present(slides[1]["q"], True) and "metric=sessions" in with_present("metric=sessions", True)
    # The presenter's theme carries from slide to slide (the slide was saved in light).
    assert with_present("metric=sessions&theme=light", True, "dark") == "metric=sessions&theme=dark&present=1"
    assert with_present("metric=sessions&theme=light", False) == "metric=sessions&theme=light&present=0"
    assert [step(0, 3, 1), step(2, 3, 1), step(0, 3, -1), step(-1, 3, 1), step(0, 0, 1)] == [1, 2, 0, 0, -1]


def test_url008_copy_link_export_and_import_of_a_deck():
    import base64

    from callbacks.deck import copy_deck_link, export_deck
    from callbacks.share import copy_link
    from state.reducers import uploaded_deck as _uploaded

    assert copy_link(1, STATE, VIEW, "http://host:8050/?old=1") == f"http://host:8050/?{urlstate.to_query(STATE, VIEW)}"
    slides = [{"title": "One", "note": "n", "q": "metric=energy", "panels": ["map"]}]
    exported = export_deck(1, slides)
    assert exported["filename"] == "deck.json" and json.loads(exported["content"]) == slides
    upload = "data:application/json;base64," + base64.b64encode(exported["content"].encode()).decode()
    assert _uploaded(upload) == slides and _uploaded("data:,garbage") == [] and _uploaded(None) == []
    link = copy_deck_link(1, slides, "http://host/")
    assert link.startswith("http://host/?metric=energy&deck=")
    assert urlstate.decode_deck(urlstate.parse_query(link.split("?", 1)[1])["deck"]) == slides


def test_url009_list_values_are_canonical_so_one_view_has_one_state():
    from state.selection import clean_state
    codes = {"E09000033", "E09000001", "E09000007"}
    ops = {"ubitricity", "Char.gy", "BP Pulse", "bp pulse"}
    clicked = {"bands": ["ultra", "slow", "rapid", "slow"], "locations": ["other", "on-street"],
               "boroughs": ["E09000033", "E09000001", "E09000007"], "operators": ["ubitricity", "bp pulse", "Char.gy",
                                                                              "BP Pulse"]}
    out = clean_state(clicked, bounds=BOUNDS, boroughs=codes, operators=ops)
    assert out["bands"] == ["slow", "rapid", "ultra"]  # data.vocabulary's POWER_BANDS order
    assert out["locations"] == ["on-street", "other"]  # LOCATION_TYPES order
    assert out["boroughs"] == ["E09000001", "E09000007", "E09000033"]  # by code
    assert out["operators"] == ["BP Pulse", "bp pulse", "Char.gy", "ubitricity"]  # alphabetical, ignoring case
    reordered = {k: list(reversed(v)) for k, v in clicked.items()}
    assert clean_state(reordered, bounds=BOUNDS, boroughs=codes, operators=ops) == out
