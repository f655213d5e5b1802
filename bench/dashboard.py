"""Dashboard benchmark: first page load size, and server time and response size per callback.

    python -m bench.dashboard --database-url sqlite:///instance/london.sqlite --requests 100

Requests go through Flask's test client to /_dash-update-component (the real callback path, no
network). "cold" clears the cache before each request; "warm" repeats the same requests.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import time

from app import create_app
from bench.dash_http import post
from cache import cache
from data import queries
from data.vocabulary import POWER_BANDS
from layouts import ids
from state.selection import default_state

# Chunks the page loads on demand (not named in the index HTML); plotly.js only when assets/ has no bundle.
ASYNC_CHUNKS = ("/_dash-component-suites/dash/dcc/async-graph.js", "/_dash-component-suites/dash/dcc/async-dropdown.js",
                "/_dash-component-suites/dash/dcc/async-datepicker.js",
                "/_dash-component-suites/dash_leaflet/async-GeoJSON.js")
FULL_PLOTLY = "/_dash-component-suites/plotly/package_data/plotly.min.js"

INTERACTION = {  # first output id -> what it draws (one callback answers the key figures, banner and choropleth)
    ids.HEADER_SCOPE: "key figures + choropleth", ids.SERIES_GRAPH: "time series",
    ids.SERIES_HEATMAP: "hour-of-week", ids.COMPARE_GRAPH: "comparison",
}
# Issue 15's status views: requested only while the status panel is open / the map is in Live now (and each
# minute then), so timed beside the panels but left out of the sustained load's interactions.
# "status list": one officer list opened (the busiest devices: every device over the period, the largest).
PANELS = {**INTERACTION, ids.LIVE_BODY: "status panel", ids.LIVE_LIST_BODY: "status list", ids.MAP_LIVE_LEGEND: "live map"}


def inputs_for(state: dict) -> dict:
    """What each panel's callback is sent for a sample state: the state, or (issue 15's status views, which
    read gates, callbacks/live.py) the open panel's copy of it and the map in Live now. The status panel's period
    runs to the data's end (validation clamps the date): the benchmark's status history is the store's last day,
    and a period without it is a one-sentence answer that would measure nothing."""
    return {f"{ids.STATE}.data": state, f"{ids.LIVE_PANEL_GATE}.data": {**state, "to": "9999-12-31"},
            f"{ids.LIVE_GATE}.data": {"map": "live"}, f"{ids.LIVE_LIST}.open": True, "MATCH": "busiest"}


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 6))


def first_load(app) -> None:
    """Sizes of everything the first page load fetches, gzipped."""
    client = app.server.test_client()
    index = client.get("/").data
    layout = client.get("/_dash-layout").data
    points = json.dumps(_find_store(json.loads(layout), ids.POINTS), separators=(",", ":")).encode()
    total = gz(index) + gz(layout) + gz(client.get("/_dash-dependencies").data)
    sources = [src.decode() for src in re.findall(rb'(?:src|href)="(/[^"]+\.(?:js|css)[^"]*)"', index)]
    sources += [*ASYNC_CHUNKS, *([] if any("plotly" in src for src in sources) else [FULL_PLOTLY])]
    for src in sources:
        total += gz(client.get(src).data)
    print(f"first load: layout {len(layout) / 1e3:,.0f} KB raw, {gz(layout) / 1e3:,.0f} KB gz; "
          f"device points {gz(points) / 1e3:,.0f} KB gz; page total (html, layout, JS, CSS) {total / 1e6:,.2f} MB gz")


def _find_store(node, target):
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == target:
            return node["props"].get("data")
        return next((r for v in node.values() if (r := _find_store(v, target)) is not None), None)
    if isinstance(node, list):
        return next((r for v in node if (r := _find_store(v, target)) is not None), None)
    return None


def states(app, n: int, seed: int = 1) -> list[dict]:
    """n varied selections: boroughs, metrics, denominators, date ranges."""
    with app.server.test_request_context():
        return sample_states(app.server.config["DATABASE_URL"], n, seed)


def sample_states(db: str, n: int, seed: int = 1) -> list[dict]:
    """n varied selections of the store ``db`` (needs an app context for the query cache)."""
    version = queries.data_version(db)
    bounds = queries.date_bounds(db, version)
    codes = list(queries.borough_frame(db, version, bounds[1])["gss_code"])
    rng, base = random.Random(seed), default_state(bounds)
    days = [d.isoformat() for d in __import__("pandas").date_range(bounds[0], bounds[1], freq="7D").date]
    operators = list(queries.operator_names(db, version))
    out = []
    for _ in range(n):
        lo, hi = sorted(rng.sample(days, 2)) if len(days) > 1 else (bounds[0], bounds[1])
        state = {**base, "boroughs": rng.sample(codes, rng.choice([0, 1, 2, 3])), "from": lo, "to": hi,
                 "metric": rng.choice(["sessions", "energy", "utilisation", "sessions_per_device_day", "devices"]),
                 "denominator": rng.choice(["per_device", "per_100k", "per_km2", "per_plugin", "total"])}
        kind = rng.random()  # a quarter band-filtered, a sixth operator-filtered (the rollups those read differ)
        if kind < 0.25:
            picked = set(rng.sample(POWER_BANDS, rng.choice([1, 2, 3])))
            state["bands"] = [b for b in POWER_BANDS if b in picked]
        elif kind < 0.42 and operators:
            state["operators"] = sorted(rng.sample(operators, rng.choice([1, 2])))
        out.append(state)
    return out


def run_panel(app, output_id: str, sample: list[dict], cold: bool,
              select: bool = False) -> tuple[list[float], list[int]]:
    """Time each request; cold clears the cache first, select first shows the same view with no borough."""
    client, times, sizes = app.server.test_client(), [], []
    for state in sample:
        if cold:
            with app.server.app_context():
                cache.clear()
        if select:  # the queries are warm, the new selection is not: a click on a borough or a bar
            post(app, output_id, inputs_for({**state, "boroughs": []}), list(inputs_for(state)), client=client)
            state = {**state, "boroughs": state["boroughs"] or ["E09000007"]}
        t0 = time.perf_counter()
        resp = post(app, output_id, inputs_for(state), list(inputs_for(state)), client=client)
        times.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200, resp.status_code
        sizes.append(gz(resp.data))
    return times, sizes


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args(argv)
    app = create_app(args.database_url)
    first_load(app)
    sample = states(app, args.requests)
    for output_id, name in PANELS.items():
        cold, sizes = run_panel(app, output_id, sample, cold=True)
        picked, _ = run_panel(app, output_id, sample, cold=True, select=True)
        run_panel(app, output_id, sample, cold=False)  # fill the cache
        warm, _ = run_panel(app, output_id, sample, cold=False)
        print(f"{name:13s} cold p50 {statistics.median(cold):6.1f} p95 {p95(cold):6.1f} | new selection p50 "
              f"{statistics.median(picked):5.1f} p95 {p95(picked):5.1f} | warm p50 {statistics.median(warm):4.1f} "
              f"p95 {p95(warm):4.1f} ms | response gz median {statistics.median(sizes) / 1e3:4.1f} KB "
              f"max {max(sizes) / 1e3:4.1f} KB")


if __name__ == "__main__":
    main()
