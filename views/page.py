"""What the first page load carries: the default state, the controls' options, the points and the boundaries."""

from __future__ import annotations

from data import queries
from figures.mapdata import borough_features, points_hideout, points_payload
from state.selection import default_state
from views import availability
from views.common import Source


def page_context(src: Source) -> dict:
    """Everything the shell needs from the store, queried at request time."""
    off = availability.offer(src)
    bounds = off.bounds
    state = default_state(**availability.state_defaults(off))
    operators = queries.operator_names(src.db, src.version)
    boroughs = queries.borough_frame(src.db, src.version, state["to"])
    names = dict(zip(boroughs["gss_code"], boroughs["name"], strict=True))
    return {
        "state": state, "bounds": bounds, "operators": operators,
        "boroughs": sorted(names.items(), key=lambda kv: kv[1]), "as_of": queries.data_as_of(src.db, src.version),
        "points": points_payload(queries.device_frame(src.db, src.version), operators),
        "points_hideout": points_hideout(operators),
        "borough_features": borough_features(queries.borough_geometries(src.db, src.version), names),
        "no_data": not bounds,
        "metric_reasons": availability.metric_reasons(off),
        "denominator_reasons": availability.denominator_reasons(off, state["metric"]),
        "provenance": availability.provenance(src),
    }


def skeleton_context() -> dict:
    """Every component with no data: what Dash validates when the layout is set (no query at import)."""
    return {"state": default_state(None), "bounds": None, "operators": [], "boroughs": [], "as_of": {},
            "points": {}, "points_hideout": points_hideout([]), "borough_features": borough_features({}, {}),
            "no_data": False, "metric_reasons": {}, "denominator_reasons": {}, "provenance": {}}
