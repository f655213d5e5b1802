"""Public mode's disclosure control holds against differencing (issue 18, item 2).

Suppression alone was undone three ways; each attack is replayed here on the public views and must not
produce any count between 1 and T - 1 that equals the true (officer) figure. The same attacks on the
officer figures with suppression alone applied are the control: they do recover small counts from this store.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pandas as pd
import pytest

import config
from app import create_app
from callbacks.common import source, validated
from callbacks.exports import export_csv
from data import queries
from state.selection import default_state
from tests.attack.web_apps import module_demo_db  # noqa: F401 - the demo_db fixture
from views import disclosure
from views.common import Source
from views.series import heatmap, series_frame

T = 5


@pytest.fixture(scope="module")
def apps(demo_db):
    public = create_app(demo_db, settings=config.load({"APP_MODE": "public", "PUBLIC_MIN_COUNT": str(T)}))
    officer = create_app(demo_db)
    with officer.server.test_request_context():
        base = default_state(queries.date_bounds(source().db, source().version))
    return public, officer, base


def _recovered(derived, truth) -> bool:
    """A count under the threshold found exactly (the attacker rounds what the arithmetic gives)."""
    if derived is None or pd.isna(derived) or pd.isna(truth):
        return False
    return 1 <= truth < T and round(float(derived)) == truth


def _in(app, fn, state):
    with app.server.test_request_context():
        src = source()
        return fn(src, validated(state, src))


def _suppressed_only(app, fn, state):
    """The control: officer figures with only the old rule (suppression) applied."""
    with app.server.test_request_context():
        src = source()
        frame = fn(Source(src.db, src.version, 0), validated(state, src))
    return disclosure.suppress_frame(frame, ["sessions"], T) if "sessions" in frame else frame


def _comparison_csv(app, state) -> dict:
    with app.server.test_request_context():
        rows = csv.DictReader(io.StringIO(export_csv("comparison", state)["content"]))
        return {r["Borough"] if "Borough" in r else r["name"]: pd.to_numeric(r["sessions"] or None) for r in rows}


def _comparison_frame(src, state):
    from views.compare import comparison_frame

    return comparison_frame(src, state).set_index("name")


def test_public_dc001_overlapping_periods_do_not_difference(apps):
    public, officer, base = apps
    end = date.fromisoformat(base["to"])
    found, control = [], 0
    for k in range(1, 8):  # periods that differ by their last day, and by their last month
        for longer, shorter in (((end - timedelta(days=40), end - timedelta(days=k - 1)),
                                 (end - timedelta(days=40), end - timedelta(days=k))),
                                ((end - timedelta(days=400), end - timedelta(days=31 * (k - 1))),
                                 (end - timedelta(days=400), end - timedelta(days=31 * k)))):
            a = {**base, "from": longer[0].isoformat(), "to": longer[1].isoformat(), "metric": "sessions"}
            b = {**a, "to": shorter[1].isoformat()}
            gap = {**a, "from": (shorter[1] + timedelta(days=1)).isoformat()}
            truth = _in(officer, _comparison_frame, gap)["sessions"]
            one, two = _comparison_csv(public, a), _comparison_csv(public, b)
            found += [(n, one[n] - two[n], truth[n]) for n in truth.index
                      if _recovered(one.get(n, 0) - two.get(n, 0) if pd.notna(one.get(n)) and pd.notna(two.get(n))
                                    else None, truth[n])]
            old_a, old_b = (_suppressed_only(officer, _comparison_frame, s)["sessions"] for s in (a, b))
            # A period with no session data has no comparison rows (issue 14): nothing to difference there.
            control += sum(_recovered(old_a[n] - old_b[n], truth[n]) for n in truth.index
                           if n in old_a.index and n in old_b.index)
    assert control > 0, "the control: suppression alone must leak on this store"
    assert not found, f"{len(found)} small counts recovered from overlapping periods, e.g. {found[:3]}"


def _by_cell(frame: pd.DataFrame) -> pd.Series:
    return frame.set_index(["dow", "hour"])["sessions"]


def _london_minus_boroughs(app, state, codes, get) -> list:
    """For each borough: the all-London grid minus the grid of the 32 others selected together."""
    london = _by_cell(get(app, heatmap, {**state, "boroughs": []}))
    out = []
    for code in codes:
        others = _by_cell(get(app, heatmap, {**state, "boroughs": [c for c in codes if c != code]}))
        out += [(code, key, london[key] - others.get(key)) for key in london.index
                if pd.notna(london[key]) and pd.notna(others.get(key))]
    return out


def test_public_dc002_london_heatmap_minus_the_other_boroughs(apps):
    public, officer, base = apps
    state = {**base, "from": (date.fromisoformat(base["to"]) - timedelta(days=27)).isoformat()}
    with officer.server.test_request_context():
        codes = queries.borough_codes(source().db, source().version)
    truth = {c: _by_cell(_in(officer, heatmap, {**state, "boroughs": [c]})) for c in codes}
    control = [(c, k, d) for c, k, d in _london_minus_boroughs(officer, state, codes, _suppressed_only)
               if _recovered(d, truth[c].get(k, 0))]
    assert control, "the control: suppression alone must leak on this store"
    found = [(c, k, d) for c, k, d in _london_minus_boroughs(public, state, codes, _in) if _recovered(d, truth[c].get(k, 0))]
    assert not found, f"{len(found)} hidden heatmap cells recovered, e.g. {found[:3]}"


def test_public_dc003_london_line_times_33_minus_the_visible_boroughs(apps):
    public, officer, base = apps
    with officer.server.test_request_context():
        codes = queries.borough_codes(source().db, source().version)
    state = {**base, "from": (date.fromisoformat(base["to"]) - timedelta(days=27)).isoformat(),
             "boroughs": codes, "metric": "sessions", "granularity": "day", "bands": ["ultra"],  # few sessions a day
             "denominator": "total"}  # totals: London's line is the average borough, the attack's premise
    truth = _in(officer, series_frame, state).set_index(["area", "bucket"])["value"]

    def attack(frame: pd.DataFrame) -> list:
        wide = frame.pivot_table(index="bucket", columns="area", values="value", dropna=False)
        out = []
        for bucket, row in wide.iterrows():
            boroughs = row.drop(queries.LONDON)
            hidden = boroughs[boroughs.isna()].index
            if len(hidden) == 1 and pd.notna(row[queries.LONDON]):
                out.append((hidden[0], bucket, row[queries.LONDON] * 33 - boroughs.drop(hidden).sum()))
        return out

    officer_frame = _in(officer, series_frame, state)
    small = officer_frame["area"].ne(queries.LONDON) & (officer_frame["value"] < T)
    control = [x for x in attack(officer_frame.assign(value=officer_frame["value"].mask(small)))
               if _recovered(x[2], truth[(x[0], x[1])])]
    assert control, "the control: suppression alone must leak on this store"
    found = [x for x in attack(_in(public, series_frame, state)) if _recovered(x[2], truth[(x[0], x[1])])]
    assert not found, f"{len(found)} hidden points recovered from London's line, e.g. {found[:3]}"
