"""Where next: boroughs ranked by the devices they need, the figure written on each bar."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.theme import INNER_OUTER_COLOURS, SELECTED_COLOUR, WHERE_NEXT_HEIGHT, figure

LABEL_ROOM = 0.14  # of the axis span, beyond the longest bar each way: its value label is written outside it


def axis_range(gaps: pd.Series) -> list[float] | None:
    """The x range with room for the value labels written beyond the longest bars (Plotly's autorange leaves
    none: the top bar's label touched the chart's right edge, and was cut in a half-width slide)."""
    values = gaps.astype(float).dropna()
    if values.empty:
        return None
    lo, hi = min(0.0, float(values.min())), max(0.0, float(values.max()))
    room = (hi - lo or 1.0) * LABEL_ROOM
    return [lo - room if lo < 0 else 0.0, hi + room if hi > 0 else 0.0]


def needed_bars(ranked: pd.DataFrame, *, title: str, subtitle: str, x_title: str, selected: tuple = ()) -> go.Figure:
    """Horizontal bars of ``gap`` (most needed at the top; negative: ahead); customdata holds the GSS code."""
    ranked = ranked.dropna(subset=["gap"])
    order = list(ranked["name"])[::-1]
    traces = []
    for group in ("Inner", "Outer"):
        sub = ranked[ranked["inner_outer"] == group]
        picked = sub["gss_code"].isin(selected).tolist()
        traces.append(dict(
            type="bar", x=sub["gap"].round(0).to_numpy(), y=sub["name"].tolist(), orientation="h",
            name=f"{group} London", customdata=sub["gss_code"].tolist(),
            text=[f"{v:,.0f}" for v in sub["gap"]], textposition="outside", cliponaxis=False,
            marker=dict(color=INNER_OUTER_COLOURS[group],
                        line=dict(color=[SELECTED_COLOUR if p else "rgba(0,0,0,0)" for p in picked],
                                  width=[4 if p else 0 for p in picked])),
            hovertemplate="%{y}: %{x:,.0f} devices needed<extra>" + group + " London</extra>"))
    names = set(ranked.loc[ranked["gss_code"].isin(selected), "name"])
    return figure(traces, title=title, subtitle=subtitle, height=WHERE_NEXT_HEIGHT, bargap=0.2, clickmode="event",
                  legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"),
                  yaxis=dict(categoryorder="array", categoryarray=order, tickvals=order, fixedrange=True,
                             ticktext=[f"<b>{n}</b>" if n in names else n for n in order], tickfont=dict(size=13)),
                  xaxis=dict(title=dict(text=x_title), fixedrange=True, zeroline=True, zerolinecolor="#333",
                             range=axis_range(ranked["gap"].round(0))))
