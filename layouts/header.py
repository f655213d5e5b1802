"""Header: title, 'data as of' line, key figures and the metric definitions."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from data import metrics
from figures.caption import as_of_text
from layouts import ids
from layouts.loading import updating

KEY_FIGURES = (  # key, label, unit suffix, format
    ("devices", "Devices", "", ",.0f"),
    ("rapid_share", "Rapid share", "%", ".1f"),
    ("per_100k", "Devices / 100k people", "", ",.1f"),
    ("sessions", "Sessions", "", ",.0f"),
    ("energy", "Energy", " kWh", ",.0f"),
    ("utilisation", "Utilisation", "%", ".1f"),
)


def key_figure_cards(values: dict, scope: str) -> list:
    """One card per key figure; NaN shows as an en dash."""
    cards = []
    for key, label, unit, spec in KEY_FIGURES:
        v = values.get(key)
        if key == "energy" and v is not None and v >= 1e5:  # keep the card to one line: MWh for big totals
            v, unit = v / 1e3, " MWh"
        text = "–" if v is None or v != v else format(v, spec)
        value = [text, html.Span(unit.strip(), className="kf-unit")] if unit and text != "–" else text
        cards.append(html.Div([html.Div(value, className="kf-value"), html.Div(label, className="kf-label")],
                              className="kf-card", id=f"kf-{key}"))
    return [html.Div(scope, className="kf-scope"), html.Div(cards, className="kf-row")]


def metric_help() -> html.Details:
    """The metric definitions, shown as help text."""
    rows = [html.Tr([html.Td(label), html.Td(unit), html.Td(formula)]) for label, unit, formula in metrics.help_rows()]
    return html.Details([
        html.Summary("How the figures are defined"),
        dbc.Table([html.Thead(html.Tr([html.Th("Metric"), html.Th("Unit"), html.Th("Formula")])), html.Tbody(rows)],
                  size="sm", bordered=False, className="help-table"),
        html.P("Averages are ratios of sums over the whole selection, never averages of averages. "
               "Comparisons divide by devices in service (average over the period), residents, area "
               "or licensed plug-in vehicles, as chosen."),
    ], id=ids.HEADER_HELP, className="help")


def signed_in(user: str | None) -> html.Div | None:
    """'Signed in as X · Sign out' for a signed-in officer; nothing when sign-in is off."""
    if not user:
        return None
    return html.Div([f"Signed in as {user} · ", html.A("Sign out", href="/auth/logout", id=ids.SIGN_OUT)],
                    className="signed-in")


def header(as_of: dict, user: str | None = None) -> html.Header:
    """The page header; key figures are filled by a callback."""
    return html.Header([
        html.Div([html.H1("London EV charge points"),
                  html.Div(as_of_text(as_of), id=ids.HEADER_AS_OF, className="as-of"),
                  signed_in(user)], className="title-row"),
        updating(html.Div(id=ids.HEADER_FIGURES, className="key-figures", **{"aria-live": "polite"}),
                 ids.HEADER_FIGURES, "children"),
    ], className="app-header")
