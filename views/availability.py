"""What the loaded data lets the page offer: the date bounds, the default period and metric, and why a metric
or a denominator is not offered (from ``data_spans``, written by the loader, and each metric's ``needs``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

from cache import cache
from data import metrics, queries, status_cached
from data import spans as data_spans
from views.common import Source

NO_SESSIONS = ("No session data for this period. Load operator sessions (sessions-csv, ocpi-cdrs) to see usage: "
               "README, Loading real data")
RATIO_ALREADY = "{metric} is already a ratio: it is compared as it is"
PER_ITSELF = "A count of devices per device would be 1"
# The official count each official metric reads (queries.official_counts' columns).
OFFICIAL_COLUMNS = {"official_devices": "total_devices", "official_rapid": "rapid_devices"}
YEAR_DAYS = 364


@dataclass(frozen=True)
class Offer:
    """What the store holds, as the page needs it (ISO dates)."""

    bounds: tuple[str, str] | None  # first and last day any loaded data describes
    period: tuple[str, str] | None  # the default period: the latest year of the default metric's data
    metric: str  # the default metric: usage with session data, else DfT's official count, else the registry
    denominator: str  # per 100k residents when population is loaded, else totals
    kinds: frozenset  # kinds of data loaded (data.spans.KINDS)
    sessions: tuple[str, str] | None  # first and last day of session data


def _iso(pair) -> tuple[str, str] | None:
    return (pair[0].isoformat(), pair[1].isoformat()) if pair else None


def _official_end(official: pd.DataFrame, metric_key: str) -> date | None:
    rows = official[official["la_code"].str.startswith("E09") & official[OFFICIAL_COLUMNS[metric_key]].notna()]
    return rows["quarter"].max().date() if not rows.empty else None


def default_metric(kinds, official: pd.DataFrame) -> str:
    """Sessions when session data is loaded; else DfT's official count (all devices, else rapid); else the
    registry's devices."""
    if "sessions" in kinds:
        return metrics.DEFAULT_METRIC
    for key in OFFICIAL_COLUMNS:
        if "official_counts" in kinds and _official_end(official, key):
            return key
    return "devices"


def _period(frame: pd.DataFrame, metric_key: str, official: pd.DataFrame, bounds) -> tuple[date, date] | None:
    m = metrics.metric(metric_key)
    if m.official:
        end = _official_end(official, metric_key)
        if end:
            return max(end - timedelta(days=YEAR_DAYS), bounds[0]), end
    return data_spans.default_period(frame, "usage" if m.usage else "devices")


def offer(src: Source) -> Offer:
    """The store's bounds, default period and metric, and the kinds of data it holds (every callback validates
    its state against these: cached per store and data version). Live status counts as loaded once a status poll
    was recorded (a poll bumps only the status version, so it is read apart, itself cached briefly)."""
    off = _offer(src.db, src.version)
    if "status" not in off.kinds and status_cached.status_version(src.db) != "0":
        off = replace(off, kinds=off.kinds | {"status"})
    return off


@cache.memoize()
def _offer(db: str, version: str) -> Offer:
    frame = queries.data_spans(db, version)
    kinds = frozenset(data_spans.kinds_loaded(frame))
    official = queries.official_counts(db, version)
    metric_key = default_metric(kinds, official)
    denom = metrics.DEFAULT_DENOMINATOR if "population" in kinds else "total"
    bounds = data_spans.bounds(frame)
    if bounds is None:  # no dated data: the rollups' days (an empty store: None)
        return Offer(queries.date_bounds(db, version), None, metric_key, denom, kinds, None)
    sessions = frame[(frame["kind"] == "sessions") & (frame["rows"] > 0)]
    session_days = (min(sessions["span_start"]), max(sessions["span_end"])) if not sessions.empty else None
    return Offer(_iso(bounds), _iso(_period(frame, metric_key, official, bounds)), metric_key, denom, kinds,
                 _iso(session_days))


def metric_reasons(off: Offer) -> dict[str, str | None]:
    """Per metric: why it cannot be drawn from the data loaded (None: it can)."""
    return {key: metrics.unavailable(key, "total", off.kinds) for key in metrics.METRICS}


def denominator_reasons(off: Offer, metric_key: str) -> dict[str, str | None]:
    """Per denominator: why it cannot divide this metric (a ratio metric, devices per device, no data)."""
    m = metrics.metric(metric_key)
    out = {}
    for key, d in metrics.DENOMINATORS.items():
        missing = next((k for k in d.needs if k not in off.kinds), None)
        if key != "total" and not m.additive:
            out[key] = RATIO_ALREADY.format(metric=m.label)
        elif key == "per_device" and m.stock:
            out[key] = PER_ITSELF
        else:
            out[key] = metrics.missing_text(missing) if missing else None
    return out


def unavailable(off: Offer, state: dict) -> str | None:
    """The one sentence the panels show instead of the metric, or None when the data is there: (usage) no
    session data falls in the period, or the data the metric or its denominator needs is not loaded."""
    usage = metrics.metric(state["metric"]).usage
    if usage and not _overlaps(off.sessions, state):
        return NO_SESSIONS
    return metrics.unavailable(state["metric"], state["denominator"], off.kinds)


def _overlaps(span, state: dict) -> bool:
    return bool(span) and span[0] <= state["to"] and state["from"] <= span[1]


def state_defaults(off: Offer) -> dict:
    """The keyword arguments ``state.selection.default_state`` / ``clean_state`` take from the store."""
    return {"bounds": off.bounds, "period": off.period, "metric": off.metric, "denominator": off.denominator}


def provenance(src: Source) -> dict:
    """The sources with the data's own dates, per kind, and when each kind was last loaded (ISO; read by
    figures.caption)."""
    frame = queries.data_spans(src.db, src.version)
    frame = frame[frame["rows"] > 0]
    by_kind: dict[str, str] = {}
    loaded: dict[str, str] = {}
    for kind, rows in frame.groupby("kind", sort=False):
        phrases = [p for p in (data_spans.label(r) for _, r in rows.iterrows()) if p]
        if phrases:
            by_kind[kind] = data_spans.SEP.join(phrases)
            loaded[kind] = rows["loaded_at"].max().isoformat()
    return {"by_kind": by_kind, "loaded": loaded}


def caption_kinds(state: dict) -> tuple[str, ...]:
    """The kinds of data behind a chart of ``state``'s metric and denominator (official counts are drawn beside
    the registry's devices, so both are named)."""
    m = metrics.metric(state["metric"])
    kinds = (*m.needs, *metrics.denominator_for(state["metric"], state["denominator"]).needs)
    if m.official or m.stock:
        kinds = (*kinds, "devices")
    return tuple(dict.fromkeys(kinds))


def usage_note(off: Offer, state: dict) -> str | None:
    """The sentence beside the usage key figures when no session data falls in the period."""
    return None if _overlaps(off.sessions, state) else NO_SESSIONS
