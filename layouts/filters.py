"""The filter bar: date range, power bands, operators, location types, boroughs, metric and denominator."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from data import metrics
from data.vocabulary import ALL_POWER_BANDS, BAND_LABELS, LOCATION_LABELS, LOCATION_TYPES
from layouts import ids


def _field(label: str, control, for_id: str, width: str = "") -> html.Div:
    return html.Div([html.Label(label, htmlFor=for_id, className="filter-label"), control],
                    className=f"filter-field {width}")


def _option(label: str, value: str, reason: str | None) -> dict:
    """A dropdown option; one the loaded data cannot give stays listed, disabled, with the reason."""
    if not reason:
        return {"label": label, "value": value}
    return {"label": f"{label} (no data)", "value": value, "disabled": True, "title": reason}


def metric_options(reasons: dict) -> list[dict]:
    """Every metric, those the data loaded cannot give disabled with the reason."""
    return [_option(m.label, m.key, reasons.get(m.key)) for m in metrics.METRICS.values()]


def denominator_options(metric_key: str, reasons: dict) -> list[dict]:
    """Every denominator for the metric, those that cannot divide it disabled with the reason."""
    return [_option(metrics.denominator_label(metric_key, key), key, reasons.get(key)) for key in metrics.DENOMINATORS]


def metric_note(reasons: dict) -> str:
    """One line under the metric list naming why some metrics are off (each reason once)."""
    return " ".join(dict.fromkeys(r for r in reasons.values() if r))


def filter_bar(state: dict, bounds: tuple[str, str] | None, operators: list[str],
               boroughs: list[tuple[str, str]], reasons: dict | None = None) -> html.Section:
    """Controls seeded from the state; they report to the one state reducer. ``reasons``: per metric and per
    denominator (keys "metrics", "denominators") why the loaded data cannot give it."""
    lo, hi = bounds or (None, None)
    reasons = reasons or {}
    return html.Section([
        _field("Date range", dcc.DatePickerRange(
            id=ids.FILTER_DATES, start_date=state["from"], end_date=state["to"], min_date_allowed=lo,
            max_date_allowed=hi, display_format="D MMM YYYY", first_day_of_week=1, updatemode="bothdates"),
            ids.FILTER_DATES),
        _field("Power bands", dcc.Checklist(
            id=ids.FILTER_BANDS, options=[{"label": BAND_LABELS[b], "value": b} for b in ALL_POWER_BANDS],
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
            id=ids.FILTER_METRIC, options=metric_options(reasons.get("metrics") or {}),
            value=state["metric"], clearable=False), ids.FILTER_METRIC, "wide"),
        _field("Compare boroughs", dcc.Dropdown(
            id=ids.FILTER_DENOMINATOR,
            options=denominator_options(state["metric"], reasons.get("denominators") or {}),
            value=state["denominator"], clearable=False), ids.FILTER_DENOMINATOR),
        html.Div(dbc.Button("Clear selection", id=ids.FILTER_CLEAR, color="secondary", outline=True),
                 className="filter-field filter-button"),
        html.P(metric_note(reasons.get("metrics") or {}), id=ids.FILTER_METRIC_NOTE, className="hint filter-note"),
    ], className="filter-bar", **{"aria-label": "Filters"})
