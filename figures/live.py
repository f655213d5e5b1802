"""Live status charts: each operator's rapid-network reliability against the 99 % line (PCPR 2023 reg 7), and
occupancy and reliability by borough."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from data.status_queries import RELIABILITY_TARGET
from figures.theme import PALETTE, figure

# Live now on the map (views.live.LIVE_CLASSES order): Okabe-Ito hues, none in the choropleth's YlGnBu scale.
LIVE_COLOURS = ("#009E73", "#E69F00", "#000000", "#BBBBBB")
MET, MISSED = PALETTE[0], "#D55E00"


def _height(rows: int) -> int:
    return 140 + 30 * max(rows, 3)


def rapid_reliability(ops: pd.DataFrame) -> go.Figure:
    """One bar per operator (worst at the bottom), coloured by whether it meets 99 %, with the 99 % line."""
    ops = ops.dropna(subset=["reliability"]).sort_values("reliability")
    met = ops["reliability"] >= RELIABILITY_TARGET
    lo = min(0.9, float(ops["reliability"].min()) - 0.06) if not ops.empty else 0.9
    # Dots, not bars: the axis starts near the worst network (99 % vs 95 % would not show from zero), and a bar
    # cut off above zero would overstate the gaps.
    dots = dict(type="scatter", mode="markers+text", x=(ops["reliability"] * 100).round(2).tolist(),
                y=ops["operator"].tolist(), marker=dict(color=[MET if m else MISSED for m in met], size=16,
                                                       symbol=["circle" if m else "diamond" for m in met]),
                text=[f"{v:.1%}" + ("" if m else " (below 99 %)") for v, m in zip(ops["reliability"], met, strict=True)],
                textposition="middle left", cliponaxis=False, customdata=ops["devices"].tolist(),
                hovertemplate="%{y}: %{x:.2f} % reliable, %{customdata} rapid devices<extra></extra>")
    target = RELIABILITY_TARGET * 100
    return figure([dots], title="Rapid networks (50 kW+): reliability by operator",
                  subtitle="PCPR 2023: working / (working + not working); the law asks 99 % over each year",
                  height=_height(len(ops)), showlegend=False,
                  xaxis=dict(range=[lo * 100, 101.5], ticksuffix=" %", fixedrange=True, title=dict(text="Reliability")),
                  yaxis=dict(fixedrange=True),
                  shapes=[dict(type="line", x0=target, x1=target, y0=0, y1=1, yref="paper",
                               line=dict(color="#333", width=2, dash="dash"))],
                  annotations=[dict(x=target, y=0, yref="paper", yanchor="bottom", xanchor="right",
                                    text="99 % required", showarrow=False, font=dict(size=14))])


def borough_rates(boroughs: pd.DataFrame, title: str = "Boroughs: occupancy and reliability",
                  key: str = "borough") -> go.Figure:
    """Occupancy and reliability side by side for each borough (or operator: ``key``), busiest at the top."""
    df = boroughs.dropna(subset=["occupancy"]).sort_values("occupancy")
    traces = [dict(type="bar", orientation="h", name=label, x=(df[col] * 100).round(1).tolist(), y=df["name"].tolist(),
                   customdata=df[key].tolist(), marker=dict(color=colour),
                   hovertemplate="%{y}: %{x:.1f} %<extra>" + label + "</extra>")
              for col, label, colour in (("occupancy", "Occupancy", PALETTE[1]), ("reliability", "Reliability", MET))]
    return figure(traces, title=title, barmode="group",
                  subtitle="Occupancy: share of observed time in use; reliability as PCPR 2023 defines it",
                  height=_height(2 * len(df)) // 2 + 160,
                  xaxis=dict(range=[0, 105], ticksuffix=" %", fixedrange=True),
                  yaxis=dict(fixedrange=True, tickfont=dict(size=13)))
