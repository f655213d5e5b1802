"""Public mode in the dashboard itself: no usage figure rests on fewer sessions than the threshold.

Officer mode on the same store and state is the control: the same day shows small counts there, so the
public assertions below can fail if suppression is not wired in.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import config
from app import create_app
from callbacks import compare, series
from callbacks.common import source
from data import queries
from state.selection import default_state
from views.common import Source, borough_sums_for
from views.overview import device_popup

THRESHOLD = 5
PUBLIC = {"APP_MODE": "public", "PUBLIC_MIN_COUNT": str(THRESHOLD)}


def public_app(app):
    """The same store served in public mode (settings are read once per app, as in production)."""
    return create_app(app.server.config["DATABASE_URL"], settings=config.load(PUBLIC))


@pytest.fixture
def one_day_state(demo_sqlite):
    """A one-day selection: several boroughs then have between 1 and 4 sessions."""
    app = create_app(demo_sqlite)
    with app.server.test_request_context():
        db, version = source().db, source().version
        state = default_state(queries.date_bounds(db, version))
    day = state["to"]
    return app, {**state, "from": day, "to": day, "metric": "sessions"}


def _small(values) -> int:
    values = pd.to_numeric(pd.Series(values), errors="coerce")
    return int(((values > 0) & (values < THRESHOLD)).sum())


def test_pub001_officers_see_small_counts_public_sees_none(one_day_state):
    app, state = one_day_state
    with app.server.test_request_context():
        officer, _ = borough_sums_for(source(), state)
    assert _small(officer["sessions"]) > 0, "the control: this day must have boroughs with 1-4 sessions"

    with public_app(app).server.test_request_context():
        public, _ = borough_sums_for(source(), state)
        table = compare.update_compare_table({**state, "granularity": "day"}, "table")
    assert _small(public["sessions"]) == 0
    assert public.loc[public["sessions"].isna(), "kwh"].isna().all(), "kWh of a suppressed borough leaks it"
    assert (public["sessions"].isna() == (officer["sessions"] < THRESHOLD)).all()
    rows = table.children[1].children  # the table view: the sessions column must hold no 1-4
    sessions_col = [r.children[5].children for r in rows]
    assert not any(str(v).strip() in {"1", "2", "3", "4"} for v in sessions_col)


def test_pub002_series_and_heatmap_blank_small_points(one_day_state):
    app, state = one_day_state
    with public_app(app).server.test_request_context():
        fig, hidden, _ = series.update_series({**state, "granularity": "day"})
        heat, heat_hidden = series.update_heatmap(state)
    if not hidden:
        for trace in fig["data"]:
            assert _small(list(trace.get("y", []))) == 0 or trace.get("name", "").startswith("London")
    if not heat_hidden:
        z = [v for row in heat["data"][0]["z"] for v in row if v is not None]
        assert z, "the heatmap keeps the cells above the threshold"


def test_pub003_popup_has_no_device_usage_in_public_mode(one_day_state):
    app, state = one_day_state
    with app.server.test_request_context():
        officer = source()
        device = queries.device_frame(officer.db, officer.version).iloc[0]["device_id"]
    seen = device_popup(officer, device, state)
    assert seen["use"] and " sessions" in seen["use"]
    public = device_popup(Source(officer.db, officer.version, THRESHOLD), device, state)
    assert public["use"] is None and "sessions" not in str(public)


def test_pub005_the_header_names_the_signed_in_officer_and_offers_sign_out(demo_sqlite):
    import web
    from tests.test_hosted_units import USERS, _sign_in

    app = create_app(demo_sqlite)
    web.install(app, cfg=config.load(USERS))
    client = app.server.test_client()
    assert _sign_in(client).status_code == 302
    layout = json.dumps(client.get("/_dash-layout").get_json())  # un-escapes the JSON's "\\/"
    assert "Signed in as ann" in layout and '"action": "/auth/logout"' in layout
    with client.session_transaction() as sess:
        token = sess["csrf"]
    assert f'"value": "{token}"' in layout  # the sign-out form carries the session's token
    client.post("/auth/logout", data={"csrf": token})
    assert client.get("/_dash-layout").status_code == 401
    # Sign-in off (the embedded default): no name, no link.
    plain = json.dumps(create_app(demo_sqlite).server.test_client().get("/_dash-layout").get_json())
    assert "Signed in as" not in plain and "/auth/logout" not in plain
