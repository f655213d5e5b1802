"""Borough comparison: the 33 boroughs ranked, inner and outer told apart, London as a reference line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.theme import COMPARE_HEIGHT, INNER_OUTER_COLOURS, SELECTED_COLOUR, figure

OUTLIER_RATIO = 2.0  # a top value more than twice the next is drawn clipped, its value written on it


def axis_limit(values: pd.Series) -> float | None:
    """The x-axis end when the highest value is an outlier (the runner-up with room to spare), else None."""
    finite = np.sort(values[np.isfinite(values.astype(float))].astype(float).to_numpy())[::-1]
    if len(finite) < 3 or finite[1] <= 0 or finite[0] <= OUTLIER_RATIO * finite[1]:
        return None
    return float(finite[1] * 1.25)


def _clipped_notes(ranked: pd.DataFrame, limit: float | None, texts: list[str]) -> list[dict]:
    """One label per bar beyond the axis end: its value, written at the end of the axis."""
    if limit is None:
        return []
    beyond = ranked["value"].astype(float) > limit
    return [dict(x=limit, y=name, xanchor="right", text=f"<b>{text} ▶</b>", showarrow=False,
                 font=dict(size=15, color="#ffffff"), bgcolor="#1b1b1b", borderpad=3)
            for name, text, out in zip(ranked["name"], texts, beyond, strict=True) if out]


def ranking_bars(ranked: pd.DataFrame, *, london: float, london_label: str, title: str,
                 x_title: str, selected: tuple = (), subtitle: str | None = None, fmt=None) -> go.Figure:
    """Horizontal bars, highest at the top; selected boroughs outlined; customdata holds the GSS code.

    ``fmt`` formats a value by its unit (hover and clipped-bar labels); an outlier beyond twice the
    runner-up is clipped at the axis end with its value written on it, so the other boroughs use the width.
    """
    fmt = fmt or (lambda v: f"{v:,.0f}")
    order = list(ranked["name"])
    texts = ["no data" if pd.isna(v) else fmt(v) for v in ranked["value"]]
    text_of = dict(zip(order, texts, strict=True))
    traces = []
    for group in ("Inner", "Outer"):
        sub = ranked[ranked["inner_outer"] == group]
        picked = sub["gss_code"].isin(selected)
        traces.append(dict(
            type="bar", x=sub["value"].to_numpy(), y=sub["name"].tolist(), orientation="h", name=f"{group} London",
            customdata=sub["gss_code"].tolist(), text=[text_of[n] for n in sub["name"]], textposition="none",
            marker=dict(color=INNER_OUTER_COLOURS[group],
                        line=dict(color=[SELECTED_COLOUR if p else "rgba(0,0,0,0)" for p in picked],
                                  width=[4 if p else 0 for p in picked])),
            hovertemplate="%{y}: %{text}<extra>" + group + " London</extra>"))
    names = set(ranked.loc[ranked["gss_code"].isin(selected), "name"])
    ticks = order[::-1]
    limit = axis_limit(ranked["value"])
    xaxis = dict(title=dict(text=x_title), fixedrange=True)
    if limit is not None:
        xaxis["range"] = [0, limit]
    return figure(
        traces, title=title, subtitle=subtitle, height=COMPARE_HEIGHT, bargap=0.2, clickmode="event",
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"),
        shapes=[dict(type="line", x0=london, x1=london, y0=0, y1=1, yref="paper",
                     line=dict(color="#333", width=2, dash="dash"))],
        # The shortest bars are at the bottom, so the label sits there beside the line.
        annotations=[dict(x=london, y=0.01, yref="paper", yanchor="bottom", xanchor="left", text=london_label,
                          showarrow=False, font=dict(size=14), bgcolor="rgba(255,255,255,0.85)"),
                     *_clipped_notes(ranked, limit, texts)],
        yaxis=dict(categoryorder="array", categoryarray=ticks, fixedrange=True, tickfont=dict(size=15),
                   tickvals=ticks, ticktext=[f"<b>{n}</b>" if n in names else n for n in ticks]),
        xaxis=xaxis)
