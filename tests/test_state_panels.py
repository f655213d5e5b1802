"""Each chart panel's part of the state (state/panels.py): a change a panel does not show leaves its part as it
was, so its callback is not fired; a change it shows changes its part."""

from __future__ import annotations

import pytest

from data import metrics
from layouts import ids
from state.panels import PARTS, boroughs_part, changed_parts, heatmap_part, series_part
from state.selection import default_state

BASE = {**default_state(("2022-01-01", "2022-12-31")), "metric": "sessions", "denominator": "total"}
STATUS_METRIC = next(k for k in metrics.METRICS if metrics.reads_status(k))


@pytest.mark.parametrize(("change", "series", "heatmap", "boroughs"), [
    ({"map": "live"}, False, False, False),
    ({"track": "dft_rapid"}, False, False, False),
    ({"basis": "plugin_vehicles"}, False, False, False),
    ({"granularity": "month"}, True, False, False),
    ({"events": "off"}, True, False, False),
    ({"denominator": "per_100k"}, True, False, True),
    ({"metric": "energy"}, True, False, True),
    ({"metric": STATUS_METRIC}, True, True, True),
    ({"boroughs": ["E09000033"]}, True, True, True),
    ({"bands": ["rapid"]}, True, True, True),
    ({"from": "2022-03-01"}, True, True, True),
    ({"operators": ["Shell Recharge"]}, True, True, True),
    ({"locations": ["on-street"]}, True, True, True),
])
def test_stp001_a_part_changes_only_with_what_its_panel_shows(change, series, heatmap, boroughs):
    new = {**BASE, **change}
    assert new != BASE
    assert (series_part(new) != series_part(BASE), heatmap_part(new) != heatmap_part(BASE),
            boroughs_part(new) != boroughs_part(BASE)) == (series, heatmap, boroughs)
    # the writers send a part only where it changed, in PARTS order
    assert [p is not None for p in changed_parts(BASE, new)] == [series, heatmap, boroughs]
    assert list(PARTS) == [ids.STATE_SERIES, ids.STATE_HEATMAP, ids.STATE_BOROUGHS]


def test_stp002_a_part_is_a_whole_state_with_what_the_panel_ignores_at_its_default():
    part = heatmap_part({**BASE, "metric": "energy", "denominator": "per_100k", "map": "live", "events": "off"})
    assert set(part) == set(BASE) and part["metric"] == "sessions" and part["denominator"] == "total"
    assert part["map"] == "bands" and part["events"] == BASE["events"]
    assert heatmap_part({**BASE, "metric": STATUS_METRIC})["metric"] == STATUS_METRIC  # its title names it
    assert changed_parts(None, BASE) == [series_part(BASE), heatmap_part(BASE), boroughs_part(BASE)]  # at load


def test_stp003_anything_but_a_state_has_no_part():
    for junk in (None, [], "sessions; DROP TABLE devices", 3):
        assert series_part(junk) is None and heatmap_part(junk) is None and boroughs_part(junk) is None
    assert heatmap_part({"metric": "nonsense"})["metric"] == metrics.DEFAULT_METRIC
