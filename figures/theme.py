"""Colours and the base layout every figure shares (big readable type, colour-blind-safe palette)."""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe-Ito: safe for the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
LONDON_COLOUR = "#333333"
BAND_COLOURS = {"slow": "#56B4E9", "fast": "#009E73", "rapid": "#E69F00", "ultra": "#D55E00", "unknown": "#8c8c8c"}
INNER_OUTER_COLOURS = {"Inner": "#0072B2", "Outer": "#9BC5E3"}
SELECTED_COLOUR = "#D55E00"
# Quintile classes, light to dark (ColorBrewer YlGnBu 5, colour-blind safe).
CLASS_COLOURS = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
# Chart heights in px, one place for the figures and the layouts that hold them.
SERIES_HEIGHT, HEATMAP_HEIGHT, COMPARE_HEIGHT = 420, 300, 880
FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", size=15, color="#1b1b1b")


# A small template: "plotly_white" costs ~14 ms per figure to apply, this one nothing (a plain dict).
TEMPLATE = dict(layout=dict(
    plot_bgcolor="white", paper_bgcolor="white", colorway=list(PALETTE),
    xaxis=dict(gridcolor="#e6e6e6", linecolor="#bbbbbb", zeroline=False, ticks=""),
    yaxis=dict(gridcolor="#e6e6e6", linecolor="#bbbbbb", zeroline=False, ticks=""),
))


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def figure(traces: list[dict], *, title: str | None = None, subtitle: str | None = None,
           height: int | None = None, **layout) -> go.Figure:
    """Traces (plain dicts with a ``type``) with the shared look and the builder's own ``layout`` keys.

    Built from plain dicts and wrapped once without plotly's per-property validation: validating a
    33-bar comparison cost 17-33 ms per figure, this costs about 1 ms (measured in BENCHMARKS.md). The
    figure tests re-validate every builder's output, so a wrong property name still fails there.
    """
    head = dict(text=title, x=0.01, xanchor="left", y=0.98, yanchor="top", font=dict(size=17))
    if subtitle:
        head["subtitle"] = dict(text=subtitle, font=dict(size=14, color="#444"))
    shared = dict(
        template=TEMPLATE,
        font=FONT,
        title=head if title else None,
        margin=dict(l=10, r=10, t=(70 if subtitle else 44) if title else 16, b=10),
        # Legend under the plot, so it never collides with the title or the modebar.
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0, font=dict(size=14)),
        hoverlabel=dict(font_size=15),
        height=height,
        xaxis=dict(automargin=True),
        yaxis=dict(automargin=True),
    )
    return go.Figure({"data": traces, "layout": _merge(shared, layout)}, _validate=False)
TRACKER_HEIGHT, WHERE_NEXT_HEIGHT, PEERS_HEIGHT = 460, 880, 360  # issue 17's panels
