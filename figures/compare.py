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


def _beside(ranked: pd.DataFrame, label: str, fmt) -> dict:
    """Thin hatched bars of the ``registry`` column next to each borough's bar (coverage of the registry)."""
    return dict(type="bar", x=ranked["registry"].to_numpy(), y=ranked["name"].tolist(), orientation="h", name=label,
                customdata=ranked["gss_code"].tolist(), width=0.3, offset=-0.45,
                text=["no data" if pd.isna(v) else fmt(v) for v in ranked["registry"]], textposition="none",
                marker=dict(color="rgba(0,0,0,0)", line=dict(color="#333", width=1.5), pattern=dict(shape="/")),
                hovertemplate="%{y}: %{text}<extra>" + label + "</extra>")


def ranking_bars(ranked: pd.DataFrame, *, london: float | None, london_label: str, title: str,
                 x_title: str, selected: tuple = (), subtitle: str | None = None,
                 beside: str | None = None, fmt=None) -> go.Figure:
    """Horizontal bars in the frame's order (the first at the top); selected boroughs outlined; customdata holds
    the GSS code. ``london`` None: no reference line; ``beside``: the ``registry`` column drawn beside, under
    that name. ``fmt`` formats a value by its unit (hover and clipped-bar labels); an outlier beyond twice the
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
    if beside:  # the official bar and the registry's thinner one side by side in each borough's row
        traces = [{**t, "width": 0.5, "offset": -0.1} for t in traces] + [_beside(ranked, beside, fmt)]
    names = set(ranked.loc[ranked["gss_code"].isin(selected), "name"])
    ticks = order[::-1]
    line = london is not None
    values = ranked["value"] if not beside else pd.concat([ranked["value"], ranked["registry"]])
    limit = axis_limit(values)
    xaxis = dict(title=dict(text=x_title), fixedrange=True)
    if limit is not None:
        xaxis["range"] = [0, limit]
    return figure(
        traces, title=title, subtitle=subtitle, height=COMPARE_HEIGHT, bargap=0.2, clickmode="event",
        **({"barmode": "overlay"} if beside else {}),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"),
        shapes=[dict(type="line", x0=london, x1=london, y0=0, y1=1, yref="paper",
                     line=dict(color="#333", width=2, dash="dash"))] if line else [],
        # The shortest bars are at the bottom, so the label sits there beside the line.
        annotations=[dict(x=london, y=0.01, yref="paper", yanchor="bottom", xanchor="left", text=london_label,
                          showarrow=False, font=dict(size=14), bgcolor="rgba(255,255,255,0.85)")] * line
                    + _clipped_notes(ranked, limit, texts),
        yaxis=dict(categoryorder="array", categoryarray=ticks, fixedrange=True, tickfont=dict(size=15),
                   tickvals=ticks, ticktext=[f"<b>{n}</b>" if n in names else n for n in ticks]),
        xaxis=xaxis)
