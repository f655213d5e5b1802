"""The baseline: how most Dash examples do it, raw sessions in one pandas DataFrame, filtered and grouped
inside each callback (no rollups, no cache), behind the same /_dash-update-component route.

It runs in the benchmark's own process through Flask's test client (no gunicorn, no network), which
favours it slightly; sessions are held with categorical keys, which favours it again.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

from data.db import make_engine
from data.loader import rollups

OUT = {"key figures + choropleth": "base-header", "time series": "base-series",
       "hour-of-week": "base-heatmap", "comparison": "base-compare"}
IN = "base-state"


def load_sessions(url: str) -> pd.DataFrame:
    """Every session with its device's borough, band, location type and operator (the example's DataFrame)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        dev = rollups._devices(conn)
        parts = []
        for chunk in rollups.scan_sessions(conn):
            start = pd.to_datetime(chunk["started_at"], format="ISO8601")
            end = pd.to_datetime(chunk["ended_at"], format="ISO8601")
            parts.append(pd.DataFrame({
                "dev": pd.Categorical(chunk["device_id"], categories=dev["device_id"]).codes.astype(np.int32),
                "started_at": start, "kwh": chunk["kwh"].astype("float32"),
                "hours": ((end - start).dt.total_seconds() / 3600).astype("float32")}))
    engine.dispose()
    df = pd.concat(parts, ignore_index=True)
    df = df[df["dev"] >= 0]
    for col in ("gss_code", "power_band", "location_type", "operator"):
        df[col] = pd.Categorical(dev[col].to_numpy()[df["dev"].to_numpy()])
    return df[df["gss_code"].notna()].reset_index(drop=True)


def _filtered(df: pd.DataFrame, state: dict) -> pd.DataFrame:
    keep = ((df["started_at"] >= pd.Timestamp(state["from"])) & (df["started_at"] < pd.Timestamp(state["to"])
            + pd.Timedelta(days=1)) & df["power_band"].isin(state["bands"]) & df["location_type"].isin(state["locations"]))
    if state["operators"]:
        keep &= df["operator"].isin(state["operators"])
    return df[keep]


def _metric(frame: pd.DataFrame, state: dict) -> str:
    return "kwh" if state["metric"] == "energy" else "hours" if state["metric"] == "utilisation" else "sessions"


def create_baseline(df: pd.DataFrame) -> Dash:
    """A Dash app with one callback per panel, each filtering and grouping the raw sessions."""
    df = df.assign(sessions=1)
    app = Dash(__name__)
    app.layout = html.Div([dcc.Store(id=IN), html.Div(id=OUT["key figures + choropleth"]), dcc.Store(id="base-map"),
                           *(dcc.Graph(id=OUT[k]) for k in ("time series", "hour-of-week", "comparison"))])

    @app.callback(Output(OUT["key figures + choropleth"], "children"), Output("base-map", "data"), Input(IN, "data"))
    def overview(state):  # one callback, as the app's update_overview
        f = _filtered(df, state)
        by_borough = f.groupby("gss_code", observed=True)[_metric(f, state)].sum().to_dict()
        if state["boroughs"]:
            f = f[f["gss_code"].isin(state["boroughs"])]
        return [html.Span(f"{len(f):,} sessions"), html.Span(f"{f['kwh'].sum():,.0f} kWh"),
                html.Span(f"{f['dev'].nunique():,} devices")], by_borough

    @app.callback(Output(OUT["time series"], "figure"), Input(IN, "data"))
    def series(state):
        f = _filtered(df, state)
        col, fig = _metric(f, state), go.Figure()
        week = f["started_at"].dt.to_period("W").dt.start_time
        fig.add_scatter(x=sorted(week.unique()), y=f.groupby(week)[col].sum().to_numpy() / 33, name="London")
        for code in state["boroughs"] or []:
            sub = f[f["gss_code"] == code]
            per = sub.groupby(sub["started_at"].dt.to_period("W").dt.start_time)[col].sum()
            fig.add_scatter(x=per.index, y=per.to_numpy(), name=code)
        return fig

    @app.callback(Output(OUT["hour-of-week"], "figure"), Input(IN, "data"))
    def heatmap(state):
        f = _filtered(df, state)
        if state["boroughs"]:
            f = f[f["gss_code"].isin(state["boroughs"])]
        grid = f.groupby([f["started_at"].dt.dayofweek, f["started_at"].dt.hour]).size().unstack(fill_value=0)
        return go.Figure(go.Heatmap(z=grid.to_numpy(), x=list(grid.columns), y=list(grid.index)))

    @app.callback(Output(OUT["comparison"], "figure"), Input(IN, "data"))
    def compare(state):
        f = _filtered(df, state)
        per = f.groupby("gss_code", observed=True)[_metric(f, state)].sum().sort_values(ascending=False)
        return go.Figure(go.Bar(x=per.index.astype(str), y=per.to_numpy()))

    return app


def timed(app: Dash, sample: list[dict]) -> dict[str, list[float]]:
    """Server time per panel for the same states, through the test client's /_dash-update-component."""
    from bench.dash_http import post

    client, out = app.server.test_client(), {}
    for name, output_id in OUT.items():
        times = []
        for state in sample:
            t0 = time.perf_counter()
            resp = post(app, output_id, {f"{IN}.data": state}, [f"{IN}.data"], client=client)
            times.append((time.perf_counter() - t0) * 1000)
            if resp.status_code != 200:
                raise RuntimeError(f"baseline {name}: HTTP {resp.status_code} {resp.data[:300]!r}")
        out[name] = times
    return out
