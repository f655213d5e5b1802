"""Event markers: the loaded events that fall inside a chart's period and concern the areas it shows."""

from __future__ import annotations

import pandas as pd

from data import queries
from views.common import Source


def markers(events: pd.DataFrame, start, end, areas=()) -> pd.DataFrame:
    """Events from ``start`` to ``end`` (inclusive) that are London-wide or about one of ``areas``."""
    if events.empty:
        return events
    inside = (events["date"] >= pd.Timestamp(start)) & (events["date"] <= pd.Timestamp(end))
    about = events["gss_code"].isna() | events["gss_code"].isin(list(areas))
    return events[inside & about].reset_index(drop=True)


def for_chart(src: Source, state: dict, start, end, areas=()) -> pd.DataFrame | None:
    """The markers a chart draws for the state (None when the officer has hidden them)."""
    if state.get("events") == "off":
        return None
    return markers(queries.events(src.db, src.version), start, end, areas)
