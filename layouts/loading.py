"""'Updating…' over a panel while its request is in flight: shown only after 300 ms (fast updates do not
flicker), the panel stays visible underneath, dimmed, and the badge is a status for screen readers."""

from __future__ import annotations

from dash import dcc, html

DELAY_MS = 300


def updating(child, target: str, prop: str) -> dcc.Loading:
    """``child`` with a badge while ``target.prop`` is being computed by the server."""
    return dcc.Loading(child, delay_show=DELAY_MS, target_components={target: prop},
                       overlay_style={"visibility": "visible", "opacity": 0.45, "transition": "opacity .2s"},
                       custom_spinner=html.Div("Updating…", className="updating-badge", role="status"),
                       parent_className="loading-wrap")
