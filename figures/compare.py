"""Borough comparison: the 33 boroughs ranked, inner and outer told apart, London as a reference line."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.theme import COMPARE_HEIGHT, INNER_OUTER_COLOURS, SELECTED_COLOUR, figure


def _beside(ranked: pd.DataFrame, label: str) -> dict:
    """Thin hatched bars of the ``registry`` column next to each borough's bar (coverage of the registry)."""
    return dict(type="bar", x=ranked["registry"].to_numpy(), y=ranked["name"].tolist(), orientation="h", name=label,
                customdata=ranked["gss_code"].tolist(), width=0.3, offset=-0.45,
                marker=dict(color="rgba(0,0,0,0)", line=dict(color="#333", width=1.5), pattern=dict(shape="/")),
                hovertemplate="%{y}: %{x:,.2f}<extra>" + label + "</extra>")


def ranking_bars(ranked: pd.DataFrame, *, london: float | None, london_label: str, title: str,
                 x_title: str, selected: tuple = (), subtitle: str | None = None,
                 beside: str | None = None) -> go.Figure:
    """Horizontal bars, highest at the top; selected boroughs outlined; customdata holds the GSS code.
    ``london`` None: no reference line; ``beside``: the ``registry`` column drawn beside, under that name."""
    order = list(ranked["name"])
    traces = []
    for group in ("Inner", "Outer"):
        sub = ranked[ranked["inner_outer"] == group]
        picked = sub["gss_code"].isin(selected)
        traces.append(dict(
            type="bar", x=sub["value"].to_numpy(), y=sub["name"].tolist(), orientation="h", name=f"{group} London",
            customdata=sub["gss_code"].tolist(), marker=dict(
                color=INNER_OUTER_COLOURS[group],
                line=dict(color=[SELECTED_COLOUR if p else "rgba(0,0,0,0)" for p in picked],
                          width=[4 if p else 0 for p in picked])),
            hovertemplate="%{y}: %{x:,.2f}<extra>" + group + " London</extra>"))
    if beside:  # the official bar and the registry's thinner one side by side in each borough's row
        traces = [{**t, "width": 0.5, "offset": -0.1} for t in traces] + [_beside(ranked, beside)]
    names = set(ranked.loc[ranked["gss_code"].isin(selected), "name"])
    ticks = order[::-1]
    line = london is not None
    return figure(
        traces, title=title, subtitle=subtitle, height=COMPARE_HEIGHT, bargap=0.2, clickmode="event",
        **({"barmode": "overlay"} if beside else {}),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"),
        shapes=[dict(type="line", x0=london, x1=london, y0=0, y1=1, yref="paper",
                     line=dict(color="#333", width=2, dash="dash"))] if line else [],
        # The shortest bars are at the bottom, so the label sits there beside the line.
        annotations=[dict(x=london, y=0.01, yref="paper", yanchor="bottom", xanchor="left", text=london_label,
                          showarrow=False, font=dict(size=14), bgcolor="rgba(255,255,255,0.85)")] if line else [],
        yaxis=dict(categoryorder="array", categoryarray=ticks, fixedrange=True, tickfont=dict(size=13),
                   tickvals=ticks, ticktext=[f"<b>{n}</b>" if n in names else n for n in ticks]),
        xaxis=dict(title=dict(text=x_title), fixedrange=True))
