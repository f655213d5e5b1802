"""Time-series and hour-of-week figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from data.vocabulary import DAYS
from figures.events import event_layer
from figures.theme import HEATMAP_HEIGHT, LONDON_COLOUR, PALETTE, SERIES_HEIGHT, figure


def _colour(areas: list[str], london: str) -> dict[str, str]:
    others = [a for a in areas if a != london]
    return {london: LONDON_COLOUR, **{a: PALETTE[i % len(PALETTE)] for i, a in enumerate(others)}}


def time_series(frame: pd.DataFrame, names: dict[str, str], *, title: str, y_title: str,
                subtitle: str | None = None, london: str = "London", london_label: str = "London",
                official: pd.DataFrame | None = None, events: pd.DataFrame | None = None,
                y_format: str = ",.0f") -> go.Figure:
    """One line per area (London dashed), optional official counts as diamonds in the same colour, optional
    event markers (figures.events); ``y_format`` the d3 format values are hovered with (by their unit)."""
    seen = list(dict.fromkeys(frame["area"]))
    areas = [a for a in seen if a != london] + [a for a in seen if a == london]  # the reference line last
    colours = _colour(areas, london)
    traces = []
    for area in areas:
        sub = frame[frame["area"] == area]
        label = london_label if area == london else names.get(area, area)
        traces.append(dict(
            type="scatter", x=sub["bucket"].to_numpy(), y=sub["value"].to_numpy(), name=label, legendgroup=area,
            mode="lines" if sub["value"].notna().sum() > 2 else "lines+markers",  # one or two periods: a line alone is
            # invisible (a status metric's first weeks)
            line=dict(color=colours[area], width=3, dash="dash" if area == london else "solid"),
            hovertemplate="%{x|%d %b %Y}: %{y:" + y_format + "}<extra>" + label + "</extra>"))
    if official is not None and not official.empty:
        for area in dict.fromkeys(official["area"]):
            sub = official[official["area"] == area]
            label = (london_label if area == london else names.get(area, area)) + " (DfT official)"
            traces.append(dict(
                type="scatter", x=sub["bucket"].to_numpy(), y=sub["value"].to_numpy(), name=label, mode="markers", legendgroup=area,
                showlegend=False, marker=dict(color=colours.get(area, LONDON_COLOUR), size=10,
                                              symbol="diamond-open", line=dict(width=2)),
                hovertemplate="%{x|%b %Y}: %{y:,.0f}<extra>" + label + "</extra>"))
        # One legend entry explains every diamond (one per area would double the legend).
        traces.append(dict(type="scatter", x=[None], y=[None], mode="markers", name="DfT official count (quarterly)",
                                 marker=dict(color="#777", size=10, symbol="diamond-open", line=dict(width=2))))
    marks, marks_layout = event_layer(events)
    # Legend pinned to the bottom of the figure, below two-line date ticks, whatever the height.
    # A drag selects a period (a band across the chart, handed to the state: assets/charts.js evseries.picked) rather
    # than zooming: the chart is drawn once, with the new period, not zoomed first and drawn again (issue 19).
    return figure(traces + marks, title=title, subtitle=subtitle, height=SERIES_HEIGHT, dragmode="select",
                  selectdirection="h", hovermode="x unified",
                       margin=dict(b=96), legend=dict(yref="container", y=0.01, yanchor="bottom"),
                       yaxis=dict(title=dict(text=y_title), fixedrange=True, rangemode="tozero"), **marks_layout)


def hour_of_week(frame: pd.DataFrame, *, title: str, subtitle: str | None = None,
                 value: str = "sessions") -> go.Figure:
    """7 x 24 heatmap of the share of the week's use starting in each hour (Mon first)."""
    # A cell with no sessions is 0; a suppressed cell (NaN, public mode) stays blank rather than 0.
    cells = pd.MultiIndex.from_product([range(7), range(24)], names=["dow", "hour"])
    grid = (frame.groupby(["dow", "hour"])[value].sum(min_count=1).astype(float)
            .reindex(cells, fill_value=0.0).unstack("hour"))
    total = np.nansum(grid.to_numpy())
    share = grid / total * 100.0 if total else grid
    heat = dict(
        type="heatmap", z=share.to_numpy(), x=[f"{h:02d}" for h in range(24)], y=list(DAYS), colorscale="YlGnBu",
        colorbar=dict(title=dict(text="% of week"), thickness=14),
        hovertemplate="%{y} %{x}:00: %{z:.1f}% of the week<extra></extra>")
    return figure([heat], title=title, subtitle=subtitle, height=HEATMAP_HEIGHT,
                       # Every day and every other hour labelled, whatever the text size (Plotly would thin them).
                       yaxis=dict(autorange="reversed", fixedrange=True, tickmode="array", tickvals=list(DAYS)),
                       xaxis=dict(title=dict(text="Hour of day"), fixedrange=True, tickmode="array",
                                  tickvals=[f"{h:02d}" for h in range(0, 24, 2)]))
