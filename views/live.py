"""Live status (issue 15): the map's "Live now" colours and legend, occupancy and PCPR 2023 reliability by borough
and operator (each rapid network against the 99 % line), and the officers' device lists with their CSVs.

Definitions are data/status_queries.py's. Public mode (``src.device_detail`` False) gets borough and operator
aggregates only, groups of fewer than its threshold of devices blanked: no device list, no device on the map.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from data import schema as s
from data import status_cached as sc
from data import status_queries as sq
from views import disclosure
from views.common import Source, borough_names

LIVE_CLASSES = ("available", "in use", "not working", "unknown")  # unknown: no status, a stale feed, or none
STALE_AFTER_S = 300  # a feed whose last good poll is older is stale: its devices show as unknown, never available
NOT_WORKING_DAYS = 7
LIST_ROWS = 50
NO_HISTORY = "No live status has been recorded in this store yet: the status feeds have not been polled."
NO_PERIOD = "No charge point status was recorded in the chosen period."
PUBLIC_MAP = ("Live status is shown per charge point to officers only; the status panel gives borough and "
              "operator figures.")
OFFICERS_ONLY = "Device lists are for officers only."
LISTS = {  # kind -> (title, CSV file name)
    "least_reliable": ("Least reliable rapid devices (50 kW and over)", "least-reliable-rapid"),
    "not_working": (f"Devices not working for more than {NOT_WORKING_DAYS} days", "not-working"),
    "least_used": ("Least used devices (occupancy)", "least-used"),
    "busiest": ("Busiest devices (occupancy)", "busiest"),
}


def _key(src: Source) -> str:
    return f"{src.version}:{sc.status_version(src.db)}"


def has_history(src: Source) -> bool:
    """Whether any status poll was recorded in this store."""
    return sc.status_version(src.db) != "0"


def age_words(seconds: float) -> str:
    """'just now', '2 min ago', '3 h ago', '4 days ago'."""
    if seconds < 60:
        return "just now"
    for size, unit in ((86_400, " days"), (3_600, " h"), (60, " min")):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n}{unit[:-1] if n == 1 and unit == ' days' else unit} ago"
    return "just now"


def feed_lines(src: Source, now: datetime) -> list[tuple[str, bool]]:
    """Each feed's age in words and whether it is stale (then its devices are unknown on the map)."""
    lines = []
    for feed, last in sc.feeds(src.db, _key(src)).itertuples(index=False):
        if last is None or pd.isna(last):
            lines.append((f"Feed {feed}: no good poll yet, its charge points unknown", True))
            continue
        age = (pd.Timestamp(now) - pd.Timestamp(last)).total_seconds()
        if age > STALE_AFTER_S:
            lines.append((f"Feed {feed}: stale, last updated {age_words(age)}; its charge points unknown", True))
        else:
            lines.append((f"Feed {feed}: updated {age_words(max(age, 0))}", False))
    return lines


def live_map(src: Source, now: datetime) -> dict:
    """The map's Live now: {"codes": one digit per device, its index in LIVE_CLASSES, in the order of the points
    the browser holds (device_id: views.page's points), "counts": per class, "feeds": lines, "message": a sentence
    instead (no history, public mode)}."""
    if not has_history(src):
        return {"codes": "", "counts": {}, "feeds": [], "message": NO_HISTORY}
    if not src.device_detail:
        return {"codes": "", "counts": {}, "feeds": feed_lines(src, now), "message": PUBLIC_MAP}
    at = now.replace(second=0, microsecond=0).isoformat()  # one cache entry a minute
    codes, counts = sc.live_codes(src.db, _key(src), at, STALE_AFTER_S, LIVE_CLASSES)
    return {"codes": codes, "counts": counts, "feeds": feed_lines(src, now), "message": None}


def _public(src: Source, df: pd.DataFrame) -> pd.DataFrame:
    if src.device_detail or df.empty:
        return df
    return disclosure.suppress_frame(df, ["devices"], src.min_count, [*s.STATUS_MINUTES, "observed", "occupancy",
                                                                      "reliability"])


def aggregates(src: Source, state: dict) -> tuple[pd.DataFrame | None, pd.DataFrame | None, str | None]:
    """(boroughs, rapid operators, message): occupancy and reliability per borough (the state's bands) and each
    operator's rapid network's reliability with ``meets_target``; a sentence instead when there is nothing."""
    if not has_history(src):
        return None, None, NO_HISTORY
    key, bands = _key(src), tuple(sorted(state["bands"]))
    boroughs = sc.minutes(src.db, key, state["from"], state["to"], "borough", bands)
    if boroughs.empty or not (boroughs["observed"] > 0).any():
        return None, None, NO_PERIOD
    names = borough_names(src, state)
    boroughs = boroughs.assign(name=boroughs["borough"].map(names).fillna(boroughs["borough"]))
    rapid = sc.minutes(src.db, key, state["from"], state["to"], "operator", sq.RAPID)
    rapid = rapid.assign(meets_target=rapid["reliability"] >= sq.RELIABILITY_TARGET)
    return _public(src, boroughs), _public(src, rapid), None


def operators(src: Source, state: dict) -> pd.DataFrame:
    """Occupancy and reliability per operator (the state's bands), ``name`` the operator (for the chart)."""
    df = sc.minutes(src.db, _key(src), state["from"], state["to"], "operator", tuple(sorted(state["bands"])))
    return _public(src, df.assign(name=df["operator"].fillna("Unknown")))


def _device_columns(df: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    df = df.assign(borough=df["gss_code"].map(names).fillna(df["gss_code"]))
    cols = ["device", "device_id", "operator", "borough", "power_band", "status", "since", "days", "occupancy", "reliability", "in_use", "available",
            "reserved", "not_working", "blocked", "unknown", "no_data", "gss_code"]
    return df[[c for c in cols if c in df.columns]].reset_index(drop=True)


def device_list(src: Source, state: dict, kind: str, now: datetime, n: int | None = LIST_ROWS
                ) -> tuple[pd.DataFrame | None, str | None]:
    """One officer list (LISTS) over the state's period, or a sentence (public mode, no history, none)."""
    if not src.device_detail:
        return None, OFFICERS_ONLY
    if not has_history(src):
        return None, NO_HISTORY
    key = _key(src)
    if kind == "not_working":
        df = sc.not_working_for(src.db, key, now.replace(second=0, microsecond=0).isoformat(), NOT_WORKING_DAYS)
        if df.empty:
            return None, f"No device has been not working for more than {NOT_WORKING_DAYS} days."
        return _device_columns(df.head(n) if n else df, borough_names(src, state)), None
    rapid = kind == "least_reliable"
    df = sc.minutes(src.db, key, state["from"], state["to"], "device", sq.RAPID if rapid else ())
    rate = "reliability" if rapid else "occupancy"
    df = df.dropna(subset=[rate])
    if df.empty:
        return None, NO_PERIOD
    df = df.sort_values([rate, "not_working" if rapid else "device"], ascending=[kind != "busiest", not rapid])
    return _device_columns(df.head(n) if n else df, borough_names(src, state)), None
