"""Marks on a time series of DfT's official counts: the selected period shaded, DfT's 2023 rapid threshold
change drawn where it falls."""

from __future__ import annotations

import plotly.graph_objects as go

RAPID_THRESHOLD_CHANGE = "2023-10-01"  # DfT counts rapid as 50 kW and above from October 2023 (25 kW before)
THRESHOLD_LABEL = "DfT rapid threshold: 25 kW → 50 kW"


def marked(fig: go.Figure, start: str, end: str, threshold: bool) -> go.Figure:
    """``fig`` with the period ``start``..``end`` shaded and, when ``threshold``, the rapid threshold change."""
    shapes = [dict(type="rect", xref="x", yref="paper", x0=start, x1=end, y0=0, y1=1, layer="below",
                   fillcolor="rgba(0,114,178,0.08)", line=dict(width=0))]
    notes = [dict(x=start, y=1, xref="x", yref="paper", xanchor="left", yanchor="top", showarrow=False,
                  text="chosen period", font=dict(size=12, color="#555"))]
    if threshold:
        shapes.append(dict(type="line", xref="x", yref="paper", x0=RAPID_THRESHOLD_CHANGE, x1=RAPID_THRESHOLD_CHANGE,
                           y0=0, y1=1, line=dict(color="#D55E00", width=2, dash="dot")))
        notes.append(dict(x=RAPID_THRESHOLD_CHANGE, y=0.92, xref="x", yref="paper", xanchor="left", showarrow=False,
                          text=THRESHOLD_LABEL, font=dict(size=12, color="#D55E00"), bgcolor="rgba(255,255,255,0.85)"))
    fig.update_traces(mode="lines+markers", marker=dict(size=6))
    fig.update_layout(shapes=[*(fig.layout.shapes or ()), *shapes], annotations=[*(fig.layout.annotations or ()), *notes])
    return fig
