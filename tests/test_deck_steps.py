"""Issue 16: the deck's pure steps (panels per slide, rename, delete, move), numbers by unit, export names."""

from __future__ import annotations

import pandas as pd

from data import metrics
from state import urlstate
from state.reducers import add_slide, delete_slide, move_slide, position_after, rename_slide
from views.exports import csv_frame, stem, value_header

STATE = {"boroughs": [], "from": "2025-01-01", "to": "2025-12-31", "bands": ["slow"], "operators": [],
         "locations": ["on-street"], "metric": "sessions", "denominator": "per_100k", "granularity": "auto"}


def _deck(n: int) -> list[dict]:
    return [{"title": f"S{i}", "note": "", "q": f"metric=sessions&zoom={10 + i}"} for i in range(n)]


def test_dck001_a_slide_records_its_panels_and_old_decks_stay_valid():
    deck = add_slide([], "Title", "note", STATE, {}, "series+heatmap")
    assert deck[0]["panels"] == ["series", "heatmap"] and "present=0" in deck[0]["q"]
    assert add_slide(deck, "", None, STATE, {}, ["comparison"])[1]["panels"] == ["comparison"]
    # A deck saved before slides chose panels, and junk, fall back to the default pair.
    assert urlstate.clean_deck(_deck(1))[0]["panels"] == list(urlstate.DEFAULT_PANELS)
    for junk in (None, 5, "nope", ["x", "y"], []):
        assert urlstate.clean_panels(junk) == list(urlstate.DEFAULT_PANELS)
    assert urlstate.clean_panels(["map", "map", "series", "heatmap"]) == ["map", "series"]  # a pair at most
    assert urlstate.decode_deck(urlstate.encode_deck(deck)) == deck


def test_dck002_rename_delete_and_move_are_pure_steps():
    deck = urlstate.clean_deck(_deck(3))
    assert [s["title"] for s in rename_slide(deck, 1, "New")] == ["S0", "New", "S2"]
    assert rename_slide(deck, 1, "")[1]["title"] == "Untitled" and rename_slide(deck, 9, "x") == deck
    assert [s["title"] for s in delete_slide(deck, 0)] == ["S1", "S2"] and delete_slide(deck, 7) == deck
    assert [s["title"] for s in move_slide(deck, 2, -1)] == ["S0", "S2", "S1"]
    assert [s["title"] for s in move_slide(deck, 0, -1)] == ["S0", "S1", "S2"]  # stops at the top
    assert [s["title"] for s in move_slide(deck, 0, 1)] == ["S1", "S0", "S2"]
    assert [s["title"] for s in deck] == ["S0", "S1", "S2"]  # the input is never changed
    # The slide on screen stays on screen when another moves or is deleted.
    assert position_after(2, 0, "delete") == 1 and position_after(1, 1, "delete") == -1
    assert position_after(0, 2, "delete") == 0 and position_after(1, 1, "move", 0) == 0
    assert position_after(1, 0, "move", 1) == 0 and position_after(-1, 0, "move", 1) == -1


def test_dck003_numbers_are_formatted_by_their_unit():
    assert metrics.fmt_value("sessions", 2282.0) == "2,282"  # counts: no decimals
    assert metrics.fmt_value("utilisation", 23.345) == "23.3"  # percentages: one
    assert metrics.fmt_value("sessions", 17.48, "per_100k") == "17.5"  # ratios: three significant figures
    assert metrics.fmt_value("sessions", 0.02346, "per_100k") == "0.0235"
    assert metrics.fmt_value("sessions", 669.3, "per_100k") == "669"
    assert metrics.fmt_value("energy", 226271.72974515375, "per_km2") == "226,272"
    assert metrics.fmt_value("sessions_per_device_day", 0.41234) == "0.412"
    assert metrics.fmt_value("sessions", float("nan")) == "no data"
    assert metrics.d3_format("sessions") == ",.0f" and metrics.d3_format("utilisation") == ".1f"


def test_dck004_exports_are_named_for_what_they_hold():
    assert stem("comparison", STATE) == "sessions-per-100k-residents_2025-01-01_2025-12-31"
    # The time series draws the metric over the chosen denominator too (since issue 17): its name says so.
    assert stem("series", STATE) == "sessions-per-100k-residents-over-time_2025-01-01_2025-12-31"
    assert stem("series", {**STATE, "denominator": "total"}) == "sessions-over-time_2025-01-01_2025-12-31"
    assert stem("comparison", {**STATE, "metric": "utilisation"}).startswith("utilisation_")
    assert stem("comparison", {**STATE, "denominator": "per_km2"}).startswith("sessions-per-km2_")
    assert value_header("sessions", "per_100k") == "Sessions per 100k residents (sessions per 100k residents)"
    assert value_header("sessions") == "Sessions, total (sessions)" and value_header("utilisation") == "Utilisation (%)"
    frame = pd.DataFrame({"name": ["A", "B"], "value": [226271.72974515375, 17.4849]})
    out = csv_frame("comparison", frame, STATE)
    assert list(out.columns) == ["name", "Sessions per 100k residents (sessions per 100k residents)"]
    assert list(out.iloc[:, 1]) == [226272.0, 17.5]


def test_dck005_the_deck_list_renders_a_named_field_and_buttons_per_slide():
    # dbc.Input and dbc.Button reject aria-* props: the list raised a TypeError in the browser (prs004).
    from layouts import ids
    from layouts.share import deck_list

    slides = urlstate.clean_deck([{"title": "One", "note": "n", "q": "metric=sessions", "panels": ["map"]},
                                  {"title": "Two", "note": "", "q": "metric=energy"}])
    items = deck_list(slides).children
    assert len(items) == 2
    _num, label, _note, up, down, delete = items[0].children
    assert label.children[0].children == "Title of slide 1" and label.children[1].value == "One"
    assert (up.disabled, down.disabled) == (True, False) and delete.id == {"type": ids.DECK_ITEM_DELETE, "index": 0}
    assert getattr(delete, "aria-label") == "Delete slide 1"
