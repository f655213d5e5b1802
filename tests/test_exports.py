"""Exports: each CSV holds exactly the figures its panel draws; PNGs are slide-sized and carry their caption."""

from __future__ import annotations

import base64
import io
import json
import struct

import numpy as np
import pandas as pd
import pytest

import config
from app import create_app
from bench.dash_http import post
from callbacks.exports import export_csv
from data import metrics
from figures.caption import caption_text
from layouts import ids

WESTMINSTER, KENSINGTON = "E09000033", "E09000020"


@pytest.fixture
def dash_app(demo_sqlite):
    return create_app(demo_sqlite)


def _state(app, **changes) -> dict:
    with app.server.test_request_context():
        from callbacks.common import validated

        return validated(changes)


def _csv(app, button: str, state: dict) -> pd.DataFrame:
    """The CSV the button downloads, through the real callback route."""
    resp = post(app, ids.EXPORT_DOWNLOAD, {f"{button}.n_clicks": 1, f"{ids.STATE}.data": state}, [f"{button}.n_clicks"])
    assert resp.status_code == 200
    data = resp.get_json()["response"][ids.EXPORT_DOWNLOAD]["data"]
    assert data["filename"].endswith(f"_{state['from']}_{state['to']}.csv")
    return pd.read_csv(io.StringIO(data["content"]), keep_default_na=False, na_values=[""])


def _arr(value) -> list:
    """A figure array as a list: plotly sends numbers as typed base64 ({'dtype', 'bdata', 'shape'})."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]).tolist() if shape else flat.tolist()
    return list(value)


def _figure(app, output: str, state: dict) -> dict:
    resp = post(app, output, {f"{ids.STATE}.data": state}, [f"{ids.STATE}.data"])
    return resp.get_json()["response"][output]["figure"]


def test_exp001_series_csv_equals_the_lines_drawn(dash_app):
    state = _state(dash_app, boroughs=[WESTMINSTER, KENSINGTON], metric="energy", granularity="week")
    frame = _csv(dash_app, ids.EXPORT_SERIES_CSV, state)
    fig = _figure(dash_app, ids.SERIES_GRAPH, state)
    assert set(frame["area"]) == {WESTMINSTER, KENSINGTON, "London"}
    # The value column names metric, denominator and unit (the series draws over the chosen denominator).
    column = "Energy per 100k residents (kWh per 100k residents)"
    assert state["denominator"] == "per_100k" and column in frame.columns
    for trace in fig["data"]:
        rows = frame[frame["area"] == trace["legendgroup"]]
        assert [str(x)[:10] for x in trace["x"]] == list(rows["bucket"].str[:10])
        # rounded as shown: three significant figures, whole numbers from 100 up
        assert list(rows[column]) == pytest.approx([metrics.rounded("energy", pd.Series([y]), "per_100k")[0]
                                                    for y in _arr(trace["y"])], nan_ok=True)


def test_exp002_comparison_csv_equals_the_bars_and_the_table(dash_app):
    state = _state(dash_app, metric="utilisation", denominator="per_device", bands=["slow", "fast"])
    frame = _csv(dash_app, ids.EXPORT_COMPARE_CSV, state)
    fig = _figure(dash_app, ids.COMPARE_GRAPH, state)
    bars = {name: x for trace in fig["data"] for name, x in zip(_arr(trace["y"]), _arr(trace["x"]), strict=True)}
    assert len(frame) == 33 and list(frame["rank"]) == list(range(1, 34))
    assert dict(zip(frame["name"], frame["Utilisation (%)"], strict=True)) == pytest.approx(
        {k: round(v, 1) for k, v in bars.items()}, nan_ok=True)  # one decimal, as the chart shows
    assert list(frame.columns[:4]) == ["rank", "name", "inner_outer", "Utilisation (%)"]


def test_exp003_hour_of_week_csv_gives_the_heatmap_shares(dash_app):
    state = _state(dash_app, boroughs=[WESTMINSTER])
    frame = _csv(dash_app, ids.EXPORT_HEATMAP_CSV, state)
    fig = _figure(dash_app, ids.SERIES_HEATMAP, state)
    grid = frame.pivot_table(index="dow", columns="hour", values="sessions", aggfunc="sum") \
        .reindex(index=range(7), columns=range(24)).fillna(0.0)
    share = (grid / grid.to_numpy().sum() * 100).to_numpy().tolist()
    z = _arr(fig["data"][0]["z"])
    assert len(z) == 7 and all(row == pytest.approx(r) for row, r in zip(z, share, strict=True))


def test_exp004_devices_csv_officers_get_usage_the_public_does_not(dash_app):
    state = _state(dash_app, boroughs=[WESTMINSTER], bands=["slow"], operators=["ubitricity"])
    frame = _csv(dash_app, ids.EXPORT_DEVICES_CSV, state)
    assert len(frame) > 0 and set(frame["borough"]) == {"Westminster"} and set(frame["power_band"]) == {"slow"}
    assert {"device_id", "name", "operator", "installed_on", "sessions", "kwh", "plugged_hours"} <= set(frame.columns)
    with dash_app.server.test_request_context():
        from callbacks.common import source
        from data import queries

        db, version = source().db, source().version
        first = frame.iloc[0]
        detail = queries.device_detail(db, version, first["device_id"], state["from"], state["to"])
        assert (int(first["sessions"]), first["kwh"]) == (detail["sessions"], pytest.approx(detail["kwh"]))
        devices = queries.device_frame(db, version)
        live = devices[(devices["gss_code"] == WESTMINSTER) & (devices["power_band"] == "slow")
                       & (devices["operator"] == "ubitricity") & (devices["installed_on"] <= state["to"])
                       & (devices["removed_on"].isna() | (devices["removed_on"] >= state["from"]))]
        assert sorted(frame["device_id"]) == sorted(live["device_id"])
    public_app = create_app(dash_app.server.config["DATABASE_URL"], settings=config.load({"APP_MODE": "public"}))
    with public_app.server.test_request_context():
        public = pd.read_csv(io.StringIO(export_csv("devices", state)["content"]))
    assert "sessions" not in public.columns and "kwh" not in public.columns
    assert list(public["device_id"]) == list(frame["device_id"])


def test_exp005_every_chart_carries_source_and_selection(dash_app):
    state = _state(dash_app, bands=["rapid"])
    for output in (ids.SERIES_GRAPH, ids.SERIES_HEATMAP, ids.COMPARE_GRAPH):
        subtitle = _figure(dash_app, output, state)["layout"]["title"]["subtitle"]["text"]
        # the sources with the data's own dates, then when they were loaded (issue 14)
        assert "Source: demo " in subtitle and "(loaded " in subtitle and "bands: rapid" in subtitle
    assert caption_text({}, state).startswith("Source: no data loaded")


PNG_OF_GRAPH = """
const done = arguments[arguments.length - 1];
const gd = document.getElementById(arguments[0]).querySelector('.js-plotly-plot');
const opts = gd._context.toImageButtonOptions;
Plotly.toImage(gd, {format: opts.format, width: opts.width, height: opts.height, scale: opts.scale})
    .then(url => done({url: url, opts: opts})).catch(e => done({error: String(e)}));
"""


@pytest.mark.browser
def test_exp006_png_export_is_slide_sized(dash_duo, demo_sqlite, free_port):
    dash_duo.start_server(create_app(demo_sqlite), port=free_port)
    for graph in (ids.SERIES_GRAPH, ids.COMPARE_GRAPH):
        dash_duo.wait_for_element(f"#{graph} .main-svg", timeout=30)
        dash_duo.wait_for_contains_text(f"#{graph} .gtitle-subtitle", "Source:", timeout=30)
        out = dash_duo.driver.execute_async_script(PNG_OF_GRAPH, graph)
        assert "error" not in out, out
        png = base64.b64decode(out["url"].split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert out["opts"]["scale"] >= 2 and out["opts"]["width"] >= 1920
        assert (width, height) == (out["opts"]["width"] * out["opts"]["scale"], out["opts"]["height"] * out["opts"]["scale"])
    assert dash_duo.get_logs() == []


def test_exp007_every_chart_has_a_text_summary_and_a_table(dash_app):
    from views.compare import compare_summary
    from views.series import heatmap_summary, series_summary

    state = _state(dash_app, boroughs=[WESTMINSTER])
    texts = {}
    for graph, details in ((ids.SERIES_GRAPH, ids.SERIES_TABLE_DETAILS), (ids.COMPARE_GRAPH, None),
                           (ids.SERIES_HEATMAP, ids.SERIES_HEATMAP_TABLE_DETAILS)):
        values = {f"{ids.STATE}.data": state, **({f"{details}.open": True} if details else {})}
        texts[graph] = json.dumps(post(dash_app, graph, values, [f"{ids.STATE}.data"]).get_json()["response"])
        if details:  # folded (the default), the table is not built with the chart; opened, it is built alone
            closed = post(dash_app, graph, {f"{ids.STATE}.data": state}, [f"{ids.STATE}.data"]).get_json()["response"]
            assert '"Table"' not in json.dumps(closed)
            opened = post(dash_app, graph, values, [f"{details}.open"]).get_json()["response"]
            assert list(opened) == [ids.SERIES_TABLE if details == ids.SERIES_TABLE_DETAILS else ids.SERIES_HEATMAP_TABLE]
    text = " ".join(texts.values())
    assert "Westminster from" in texts[ids.SERIES_GRAPH] and "Sessions start most often on" in texts[ids.SERIES_HEATMAP]
    assert "highest" in texts[ids.COMPARE_GRAPH]
    assert text.count('"Table"') >= 2  # the series and the heatmap as tables (the comparison has its own tab)
    frame = pd.DataFrame({"name": ["A", "A"], "bucket": ["2025-01-01", "2025-02-01"], "value": [1.0, 3.0]})
    assert series_summary(frame, "Sessions") == "Sessions over time: A from 1 to 3 (peak 3 in the 2025-02-01 period)."
    week = pd.DataFrame({"dow": [0, 4], "hour": [8, 17], "sessions": [1, 3], "kwh": [1.0, 2.0]})
    assert heatmap_summary(week).startswith("Sessions start most often on Fri at 17:00 (75.0%")
    assert compare_summary(pd.DataFrame({"name": ["A", "B"], "value": [2.0, 1.0]}), "X") == \
        "X: highest A (2), lowest B (1)."  # sessions, a count: no decimals


def test_exp012_heatmap_says_it_shows_session_starts_under_a_status_metric():
    """Occupancy or reliability chosen: the grid still counts session start times (status is kept per day), and its
    title and sentence say so; any other metric reads as before."""
    from views.series import heatmap_summary, heatmap_title

    week = pd.DataFrame({"dow": [0, 4], "hour": [8, 17], "sessions": [1, 3], "kwh": [1.0, 2.0]})
    for key, label in (("occupancy", "occupancy (live status)"), ("reliability", "reliability (pcpr 2023)")):
        assert heatmap_title({"metric": key}) == f"When sessions start (% of the week), not {label}"
        text = heatmap_summary(week, {"metric": key})
        assert text.startswith(f"This grid shows when sessions start (metered, and inferred from live status), not {label}")
        assert "Sessions start most often on Fri at 17:00 (75.0%" in text
    assert heatmap_title({"metric": "sessions"}) == "When sessions start (% of the week)"
    assert heatmap_summary(week, {"metric": "sessions"}).startswith("Sessions start most often on Fri")
