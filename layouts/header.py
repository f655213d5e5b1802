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


def key_figures() -> html.Div:
    """The key figures' cards, in the layout for good: a state change sets their texts (``key_figure_texts``) and
    never replaces the components, which Dash would tear down one by one (issue 19: 24 of them per click)."""
    cards = [html.Div([html.Div(id=ids.key_figure_value(key), className="kf-value"),
                       html.Div(label, className="kf-label")], className="kf-card", id=ids.key_figure(key))
             for key, label, _unit, _spec in KEY_FIGURES]
    return html.Div([html.Div(id=ids.HEADER_SCOPE, className="kf-scope"), html.Div(cards, className="kf-row"),
                     html.Div(id=ids.HEADER_NOTE, className="kf-note"), html.Div(id=ids.HEADER_FIGURES_MESSAGE)],
                    id=ids.HEADER_FIGURES, className="key-figures", **{"aria-live": "polite"})


def key_figure_texts(values: dict) -> list[str]:
    """Each key figure's value and unit (``data-unit``, drawn after the value by assets/style.css), in KEY_FIGURES
    order; NaN or missing shows as an en dash, without a unit (the note says why)."""
    out = []
    for key, _label, unit, spec in KEY_FIGURES:
        v = values.get(key)
        if key == "energy" and v is not None and v >= 1e5:  # keep the card to one line: MWh for big totals
            v, unit = v / 1e3, " MWh"
        text = "–" if v is None or v != v else format(v, spec)
        out += [text, unit.strip() if text != "–" else ""]
    return out


def metric_help() -> html.Details:
    """The metric definitions, folded: the table is built when it opens (``metric_help_body``), so the page does
    not carry 47 components nobody has asked for (each mounted one costs every interaction a little: issue 19)."""
    return html.Details([html.Summary("How the figures are defined"), html.Div(id=ids.HEADER_HELP_BODY)],
                        id=ids.HEADER_HELP, open=False, className="help lazy-table")


def metric_help_body() -> list:
    """The definitions table and the note on averages."""
    rows = [html.Tr([html.Td(label), html.Td(unit), html.Td(formula)]) for label, unit, formula in metrics.help_rows()]
    return [
        dbc.Table([html.Thead(html.Tr([html.Th("Metric"), html.Th("Unit"), html.Th("Formula")])), html.Tbody(rows)],
                  size="sm", bordered=False, className="help-table"),
        html.P("Averages are ratios of sums over the whole selection, never averages of averages. "
               "Comparisons divide by devices in service (average over the period), residents, area "
               "or licensed plug-in vehicles, as chosen."),
    ]


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
        updating(key_figures(), ids.HEADER_SCOPE, "children"),
    ], className="app-header")
