"""The table alternative of a chart: a folded <details> in the layout, its table built only while open."""

from __future__ import annotations

import pandas as pd
from dash import html

MAX_ROWS = 120  # a longer table belongs in the CSV download


def lazy_details(details_id: str, table_id: str, label: str) -> html.Details:
    """Folded; assets/share.js reports its ``open`` to Dash, and the panel's callback fills ``table_id`` then."""
    return html.Details([html.Summary(f"Table: {label}"), html.Div(id=table_id)], id=details_id,
                        open=False, className="lazy-table")


def table(frame: pd.DataFrame, caption: str) -> list:
    """The figures as a plain table (the first MAX_ROWS rows; the CSV has them all)."""
    shown = frame.head(MAX_ROWS)
    head = html.Tr([html.Th(str(c), scope="col") for c in shown.columns])
    body = [html.Tr([html.Td("–" if pd.isna(v) else (f"{v:,.2f}" if isinstance(v, float) else str(v)[:10]))
                     for v in row]) for row in shown.itertuples(index=False)]
    more = [html.P(f"First {MAX_ROWS} of {len(frame)} rows: download the CSV for all.")] if len(frame) > MAX_ROWS else []
    return [html.Table([html.Caption(caption), html.Thead(head), html.Tbody(body)],
                       className="table table-sm summary-table"), *more]
