"""Peer boroughs: the five nearest as bars of their distance, each bar's tooltip listing the measures."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.theme import INNER_OUTER_COLOURS, PEERS_HEIGHT, figure

FORMATS = {"inner": "{:.0f}", "density": "{:,.0f}", "plugins_per_1000": "{:,.1f}", "no_offstreet": "{:.0%}"}


def _tooltip(row: pd.Series, labels: dict[str, str]) -> str:
    parts = [f"<b>{row['name']}</b>: distance {row['distance']:.2f}"]
    for key, label in labels.items():
        if key in row:
            parts.append(f"{label}: {FORMATS[key].format(row[key])} (z {row['z_' + key]:+.2f})")
    return "<br>".join(parts)


def peer_bars(result: pd.DataFrame, labels: dict[str, str], *, title: str, subtitle: str) -> go.Figure:
    """The peers (not the borough itself), nearest at the top; customdata holds the GSS code."""
    peers = result.iloc[1:]
    inner = ["Inner" if v >= 0.5 else "Outer" for v in peers["inner"]] if "inner" in peers else ["Outer"] * len(peers)
    order = list(peers["name"])[::-1]
    trace = dict(type="bar", x=peers["distance"].round(2).to_numpy(), y=peers["name"].tolist(), orientation="h",
                 customdata=peers["gss_code"].tolist(), text=[f"{d:.2f}" for d in peers["distance"]],
                 textposition="outside", cliponaxis=False, name="Distance",
                 marker=dict(color=[INNER_OUTER_COLOURS[g] for g in inner]),
                 hovertext=[_tooltip(r, labels) for _, r in peers.iterrows()], hovertemplate="%{hovertext}<extra></extra>")
    return figure([trace], title=title, subtitle=subtitle, height=PEERS_HEIGHT, clickmode="event", showlegend=False,
                  yaxis=dict(categoryorder="array", categoryarray=order, fixedrange=True),
                  xaxis=dict(title=dict(text="Distance on standardised measures (0 = identical)"), fixedrange=True,
                             rangemode="tozero"))
