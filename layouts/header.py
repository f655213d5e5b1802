"""Header: title, 'data as of' line, key figures and the metric definitions."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

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


def key_figure_cards(values: dict, scope: str, note: str | None = None) -> list:
    """One card per key figure; NaN shows as an en dash, explained by ``note`` (no session data) when given."""
    cards = []
    for key, label, unit, spec in KEY_FIGURES:
        v = values.get(key)
        if key == "energy" and v is not None and v >= 1e5:  # keep the card to one line: MWh for big totals
            v, unit = v / 1e3, " MWh"
        text = "–" if v is None or v != v else format(v, spec)
        value = [text, html.Span(unit.strip(), className="kf-unit")] if unit and text != "–" else text
        cards.append(html.Div([html.Div(value, className="kf-value"), html.Div(label, className="kf-label")],
                              className="kf-card", id=f"kf-{key}"))
    note = [html.Div(note, className="kf-note", id=ids.HEADER_NOTE)] if note else []
    return [html.Div(scope, className="kf-scope"), html.Div(cards, className="kf-row"), *note]


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


def signed_in(user: str | None, csrf: str | None = None) -> html.Div | None:
    """'Signed in as X · Sign out' for a signed-in officer; nothing when sign-in is off.

    Sign-out is a small form (POST with the session's form token), so no link on another site can sign
    an officer out.
    """
    if not user:
        return None
    form = html.Form([dcc.Input(type="hidden", name="csrf", value=csrf or ""),
                      html.Button("Sign out", type="submit", id=ids.SIGN_OUT, className="btn btn-link p-0 align-baseline")],
                     action="/auth/logout", method="POST", className="d-inline")
    return html.Div([f"Signed in as {user} · ", form], className="signed-in")


def header(provenance: dict, user: str | None = None, csrf: str | None = None) -> html.Header:
    """The page header: the sources with their own dates (and when loaded); key figures come from a callback."""
    return html.Header([
        html.Div([html.H1("London EV charge points"),
                  html.Div(as_of_text(provenance), id=ids.HEADER_AS_OF, className="as-of"),
                  signed_in(user, csrf)], className="title-row"),
        updating(html.Div(id=ids.HEADER_FIGURES, className="key-figures", **{"aria-live": "polite"}),
                 ids.HEADER_FIGURES, "children"),
    ], className="app-header")
