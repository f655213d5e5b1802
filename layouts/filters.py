"""The filter bar: date range, power bands, operators, location types, boroughs, metric and denominator."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from data import metrics
from data.vocabulary import BAND_LABELS, LOCATION_LABELS, LOCATION_TYPES, POWER_BANDS
from layouts import ids


def _field(label: str, control, for_id: str, width: str = "") -> html.Div:
    return html.Div([html.Label(label, htmlFor=for_id, className="filter-label"), control],
                    className=f"filter-field {width}")


def filter_bar(state: dict, bounds: tuple[str, str] | None, operators: list[str],
               boroughs: list[tuple[str, str]]) -> html.Section:
    """Controls seeded from the state; they report to the one state reducer."""
    lo, hi = bounds or (None, None)
    return html.Section([
        _field("Date range", dcc.DatePickerRange(
            id=ids.FILTER_DATES, start_date=state["from"], end_date=state["to"], min_date_allowed=lo,
            max_date_allowed=hi, display_format="D MMM YYYY", first_day_of_week=1, updatemode="bothdates"),
            ids.FILTER_DATES),
        _field("Power bands", dcc.Checklist(
            id=ids.FILTER_BANDS, options=[{"label": BAND_LABELS[b], "value": b} for b in POWER_BANDS],
            value=state["bands"], inline=True, className="checks"), ids.FILTER_BANDS),
        _field("Location types", dcc.Checklist(
            id=ids.FILTER_LOCATIONS, options=[{"label": LOCATION_LABELS[lt], "value": lt} for lt in LOCATION_TYPES],
            value=state["locations"], inline=True, className="checks"), ids.FILTER_LOCATIONS),
        _field("Operators", dcc.Dropdown(
            id=ids.FILTER_OPERATORS, options=operators, value=state["operators"], multi=True,
            placeholder="All operators"), ids.FILTER_OPERATORS, "wide"),
        _field("Boroughs", dcc.Dropdown(
            id=ids.FILTER_BOROUGHS, options=[{"label": n, "value": g} for g, n in boroughs],
            value=state["boroughs"], multi=True, placeholder="All London (click the map or a bar)"),
            ids.FILTER_BOROUGHS, "wide"),
        _field("Metric", dcc.Dropdown(
            id=ids.FILTER_METRIC, options=[{"label": m.label, "value": m.key} for m in metrics.METRICS.values()],
            value=state["metric"], clearable=False), ids.FILTER_METRIC),
        _field("Compare boroughs", dcc.Dropdown(
            id=ids.FILTER_DENOMINATOR,
            options=[{"label": d.label.strip("()").capitalize(), "value": d.key} for d in metrics.DENOMINATORS.values()],
            value=state["denominator"], clearable=False), ids.FILTER_DENOMINATOR),
        html.Div(dbc.Button("Clear selection", id=ids.FILTER_CLEAR, color="secondary", outline=True),
                 className="filter-field filter-button"),
    ], className="filter-bar", **{"aria-label": "Filters"})
