"""Event markers for any time axis: a dotted line per event and a hover marker carrying its tooltip."""

from __future__ import annotations

import html

import pandas as pd

EVENT_COLOUR = "#6b6b6b"
EVENT_AXIS = "y9"  # a hidden 0..1 axis over the chart, so markers sit at its top whatever the data's scale


def _tooltip(row) -> str:
    detail = f"<br>{html.escape(str(row.detail))}" if isinstance(row.detail, str) and row.detail else ""
    return (f"<b>{html.escape(str(row.title))}</b> ({row.date:%d %b %Y}){detail}"
            f"<br><i>{html.escape(str(row.source))[:140]}</i>")


def event_layer(events: pd.DataFrame | None) -> tuple[list[dict], dict]:
    """(traces, layout keys) that draw ``events`` (date, title, detail, source); nothing for None or none."""
    if events is None or events.empty:
        return [], {}
    shapes = [dict(type="line", x0=d, x1=d, y0=0, y1=1, yref="paper", layer="below",
                   line=dict(color=EVENT_COLOUR, width=1.5, dash="dot")) for d in events["date"]]
    trace = dict(type="scatter", x=events["date"].tolist(), y=[0.97] * len(events), yaxis=EVENT_AXIS,
                 mode="markers", name="Events", legendgroup="events",
                 marker=dict(symbol="triangle-down", size=13, color=EVENT_COLOUR),
                 text=[_tooltip(r) for r in events.itertuples()], hovertemplate="%{text}<extra></extra>")
    axis = "yaxis" + EVENT_AXIS[1:]
    return [trace], {"shapes": shapes, axis: dict(overlaying="y", range=[0, 1], visible=False, fixedrange=True)}
