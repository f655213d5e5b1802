"""Wiring only: create the app, init the cache, set the layout, register callbacks, expose server."""

from __future__ import annotations

import logging
import os

import dash
import dash_bootstrap_components as dbc
from dash import html

logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s: %(message)s")

app = dash.Dash(__name__, title="London EV charge points", external_stylesheets=[dbc.themes.BOOTSTRAP])
server = app.server
app.layout = lambda: html.Main([html.H1("London EV charge points"), html.P("The dashboard is on its way.")])

if __name__ == "__main__":
    from data.loader.bootstrap import ensure_seeded

    ensure_seeded()
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8050")), debug=False)
