"""The 2030 tracker: London's official devices, the straight-line path, the target (and its range), the
current run-rate carried forward, and event markers."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.events import event_layer
from figures.theme import LONDON_COLOUR, PALETTE, TRACKER_HEIGHT, figure

TARGET_COLOUR = "#D55E00"


def _projection(series: pd.DataFrame, rate: float | None, until: pd.Timestamp) -> dict | None:
    """The latest quarter carried forward at the run-rate to the target date."""
    if rate is None:
        return None
    last = series.iloc[-1]
    quarters = max(0, int((until - last["quarter"]).days / (365.25 / 4)))  # whole quarters up to the target date
    dates = [last["quarter"] + pd.DateOffset(months=3 * q) for q in range(quarters + 1)]
    return dict(type="scatter", x=dates, y=[float(last["devices"]) + rate * q for q in range(quarters + 1)],
                mode="lines", name=f"At the last four quarters' run-rate ({rate:,.0f} a quarter)",
                line=dict(color=PALETTE[0], width=2, dash="dot"),
                hovertemplate="%{x|%b %Y}: %{y:,.0f} at the current run-rate<extra></extra>")


def tracker(track, *, title: str, subtitle: str, label: str, events: pd.DataFrame | None = None) -> go.Figure:
    """``track`` is views.targets.Track."""
    s, path = track.series, track.path
    traces = [
        dict(type="scatter", x=s["quarter"].tolist(), y=s["devices"].to_numpy(), mode="lines+markers",
             name=f"London, DfT official {label}", line=dict(color=LONDON_COLOUR, width=3),
             hovertemplate="%{x|%b %Y}: %{y:,.0f}<extra>London (DfT)</extra>"),
        dict(type="scatter", x=path["quarter"].tolist(), y=path["devices"].to_numpy(), mode="lines",
             name="Straight line to the target", line=dict(color=TARGET_COLOUR, width=2, dash="dash"),
             hovertemplate="%{x|%b %Y}: %{y:,.0f} on the straight line<extra></extra>"),
    ]
    projection = _projection(s, track.run_rate, track.target_date)
    if projection:
        traces.append(projection)
    error = None
    if track.low is not None and track.high is not None:
        error = dict(type="data", symmetric=False, array=[track.high - track.target],
                     arrayminus=[track.target - track.low], color=TARGET_COLOUR, thickness=2, width=10)
    traces.append(dict(type="scatter", x=[track.target_date], y=[track.target], mode="markers",
                       name=f"Target: {track.target:,.0f} by {track.target_date:%b %Y}"
                            + (f" (range {track.low:,.0f}-{track.high:,.0f})" if error else ""),
                       marker=dict(symbol="star", size=18, color=TARGET_COLOUR), error_y=error,
                       hovertemplate=f"{track.name}: %{{y:,.0f}} by %{{x|%b %Y}}<extra></extra>"))
    marks, marks_layout = event_layer(events)
    return figure(traces + marks, title=title, subtitle=subtitle, height=TRACKER_HEIGHT, hovermode="closest",
                  margin=dict(b=110), legend=dict(yref="container", y=0.01, yanchor="bottom"),
                  yaxis=dict(title=dict(text=label), rangemode="tozero", fixedrange=True),
                  xaxis=dict(fixedrange=True), **marks_layout)
