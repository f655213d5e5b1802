"""Cached read queries over the rollups and reference tables (never the raw sessions table).

Every query takes the store URL and its ``data_version`` first, then hashable primitives (ISO dates,
tuples), so a refresh by the loader rolls every cache key over. Empty ``operators`` means all operators.
"""

from __future__ import annotations

import functools
import logging
from datetime import date

import pandas as pd
from sqlalchemy import String, func, literal, select, type_coerce, union_all

from cache import cache
from data import schema as s
from data import spans
from data.db import engine_for

log = logging.getLogger(__name__)

UNKNOWN_OPERATOR = "Unknown"
LONDON = "London"
USAGE_SUMS = ("sessions", "kwh", "plugged_hours", "device_days")


def _frame(db: str, stmt) -> pd.DataFrame:
    with engine_for(db).connect() as conn:
        result = conn.execute(stmt)
        # The driver's plain tuples: on SQLAlchemy Rows pandas probes hasattr(row, "_fields"), which raises
        # and catches an exception per row (over 80% of an empty-cache query's time), and building the Rows
        # costs as much again. Dates then come as SQLite's ISO text, which callers parse with pandas.
        return pd.DataFrame(result.cursor.fetchall(), columns=list(result.keys()))


def _raw_date(col):
    """A date column as the driver returns it: SQLite's ISO text skips SQLAlchemy's per-row parsing
    (most of a 12,000-row query's time), and pandas then parses the whole column at once."""
    return type_coerce(col, String).label(col.name)


def _datetimes(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="ISO8601") if values.dtype == object and len(values) else pd.to_datetime(values)


def _d(iso: str) -> date:
    return date.fromisoformat(str(iso)[:10])


def month_start(iso: str) -> date:
    """First day of the month holding ``iso``."""
    return _d(iso).replace(day=1)


class StaleVersion(RuntimeError):
    """A refresh committed while a query for an older data_version ran: its answer may hold newer rows."""


def read_version(db: str) -> str:
    """The store's data_version now ('0' before any load), never cached."""
    stmt = select(s.store_meta.c.value).where(s.store_meta.c.key == "data_version")
    with engine_for(db).connect() as conn:
        return str(conn.execute(stmt).scalar() or "0")


@cache.memoize(timeout=5)
def data_version(db: str) -> str:
    """The store's data_version ('0' before any load); cached only briefly so refreshes show fast."""
    return read_version(db)


def versioned(query):
    """Memoize ``query(db, version, ...)`` and keep only answers that belong to ``version``.

    The loader commits a refresh's rows and its new data_version together, and versions only grow. The
    version a caller holds was read before the query ran; if the store still has it after the query, nothing
    was committed in between, so every statement of the query saw exactly that version's rows. Otherwise the
    answer is dropped (not cached) and StaleVersion tells the caller to start again on the new version:
    a cache miss after a refresh can never file new rows under an old key, nor one response mix the two.
    """
    @functools.wraps(query)
    def checked(db: str, version: str, *args, **kwargs):
        result = query(db, version, *args, **kwargs)
        now = read_version(db)
        if now != version:
            raise StaleVersion(f"data version {version} was replaced by {now} during {query.__name__}")
        return result
    return cache.memoize()(checked)


@versioned
def data_as_of(db: str, version: str) -> dict:
    """The latest successful load run: when it finished and what it loaded."""
    t = s.load_runs
    stmt = (select(t.c.source, t.c.location, t.c.finished_at).where(t.c.status == "ok")
            .order_by(t.c.finished_at.desc()).limit(1))
    with engine_for(db).connect() as conn:
        row = conn.execute(stmt).first()
    if row is None:
        return {}
    return {"source": row.source, "location": row.location,
            "finished_at": row.finished_at.isoformat(timespec="minutes") if row.finished_at else None}


@versioned
def data_spans(db: str, version: str) -> pd.DataFrame:
    """The store's data spans (``data.spans.spans``): per kind and source its own date, span, rows, loaded-at.
    Feed it to ``data.spans.default_period`` / ``bounds`` / ``provenance`` / ``loaded_text``."""
    return spans.spans(engine_for(db))


@versioned
def date_bounds(db: str, version: str) -> tuple[str, str] | None:
    """First and last day held in rollup_daily, ISO."""
    c = s.rollup_daily.c
    with engine_for(db).connect() as conn:
        # Two statements: SQLite answers a lone min() or max() from the index, not both at once.
        lo = conn.execute(select(func.min(c.day))).scalar()
        hi = conn.execute(select(func.max(c.day))).scalar()
    return (lo.isoformat(), hi.isoformat()) if lo else None


@versioned
def borough_frame(db: str, version: str, end: str) -> pd.DataFrame:
    """Boroughs with area and the latest population and plug-in vehicle counts at or before ``end``; and the share
    of households without off-street parking (``no_offstreet``) when a borough-parking load gave any."""
    b, d = s.boroughs.c, s.borough_denominators.c
    boroughs = _frame(db, select(b.gss_code, b.name, b.inner_outer, b.area_km2).order_by(b.gss_code))
    cutoff = _d(end).isoformat()
    chosen: dict[tuple[str, str], float] = {}
    with engine_for(db).connect() as conn:
        rows = conn.execute(select(d.gss_code, d.measure, _raw_date(d.period), d.value).order_by(d.period)).all()
    # Oldest first: the latest period at or before the end wins; with none, the earliest one held stays.
    # (Plain Python over a few thousand rows: a pandas sort, group and pivot cost 8 ms per empty-cache request.)
    for gss, measure, period, value in rows:
        if str(period)[:10] <= cutoff or (gss, measure) not in chosen:
            chosen[(gss, measure)] = value
    parking = ("no_offstreet",) if any(m == "no_offstreet" for _, m in chosen) else ()
    for measure in ("population", "plugin_vehicles", *parking):
        boroughs[measure] = [chosen.get((gss, measure), float("nan")) for gss in boroughs["gss_code"]]
    return boroughs


@versioned
def borough_geometries(db: str, version: str) -> dict[str, str]:
    """gss_code -> simplified GeoJSON geometry string, for boroughs whose boundary is loaded."""
    b = s.boroughs.c
    stmt = select(b.gss_code, b.geometry_web).where(b.geometry_web.is_not(None))
    with engine_for(db).connect() as conn:
        return {row.gss_code: row.geometry_web for row in conn.execute(stmt)}


@versioned
def device_frame(db: str, version: str) -> pd.DataFrame:
    """Every device with the fields the map and counts need, ordered by device_id."""
    c = s.devices.c
    frame = _frame(db, select(c.device_id, c.latitude, c.longitude, c.gss_code, c.operator, c.location_type,
                              c.power_band, _raw_date(c.installed_on), _raw_date(c.removed_on)).order_by(c.device_id))
    frame["operator"] = frame["operator"].fillna(UNKNOWN_OPERATOR).replace("", UNKNOWN_OPERATOR)
    for col in ("installed_on", "removed_on"):
        frame[col] = _datetimes(frame[col])
    return frame


@versioned
def operator_names(db: str, version: str) -> list[str]:
    """Operators, most devices first; the index in this list is the operator code on the map."""
    c = s.devices.c
    # Counted in SQL: state validation needs only the names, not the whole device frame.
    frame = _frame(db, select(c.operator, func.count().label("n")).group_by(c.operator))
    frame["operator"] = frame["operator"].fillna(UNKNOWN_OPERATOR).replace("", UNKNOWN_OPERATOR)
    counts = frame.groupby("operator")["n"].sum()
    return sorted(counts.index, key=lambda name: (-counts[name], name))


@versioned
def borough_codes(db: str, version: str) -> list[str]:
    """The GSS codes of the boroughs in the store."""
    b = s.boroughs.c
    with engine_for(db).connect() as conn:
        return [row[0] for row in conn.execute(select(b.gss_code).order_by(b.gss_code))]


def _filter_devices(frame: pd.DataFrame, bands, operators, locations) -> pd.DataFrame:
    keep = frame["power_band"].isin(bands) & frame["location_type"].isin(locations)
    if operators:
        keep &= frame["operator"].isin(operators)
    return frame[keep]


@versioned
def device_counts(db: str, version: str, end: str, bands: tuple, operators: tuple,
                  locations: tuple) -> pd.DataFrame:
    """Devices in service at the end of the period, by borough and power band."""
    bounds = date_bounds(db, version)
    if bounds and bounds[0] <= _d(end).isoformat() <= bounds[1]:
        # The daily rollups count exactly these devices on each day they hold: one indexed day, not 12,000+
        # devices; the band x location table (8x fewer rows a day at full) unless an operator is named.
        t = s.rollup_daily if operators else s.rollup_daily_band
        stmt = (select(t.c.gss_code, t.c.power_band, func.sum(t.c.devices_in_service).label("devices"))
                .group_by(t.c.gss_code, t.c.power_band))
        return _frame(db, _usage_where(stmt, t, bands, operators, locations, t.c.day, _d(end), _d(end)))
    f = _filter_devices(device_frame(db, version), bands, operators, locations)
    when = pd.Timestamp(_d(end))
    live = f[(f["installed_on"].isna() | (f["installed_on"] <= when))
             & (f["removed_on"].isna() | (f["removed_on"] > when))]
    return live.groupby(["gss_code", "power_band"]).size().rename("devices").reset_index()


def _all_kinds(bands, locations) -> bool:
    """True when every band (unknown included) and location type is chosen."""
    return set(bands) == set(s.ALL_POWER_BANDS) and set(locations) == set(s.LOCATION_TYPES)


# Per grain, the rollups that answer: no filter; a band or location-type filter; named operators with every
# band and location type; named operators and a band or location-type filter (the fine table).
_TIERS = {"daily": (s.rollup_daily_borough, s.rollup_daily_band, s.rollup_daily_operator, s.rollup_daily),
          "how": (s.rollup_how_borough, s.rollup_how_band, s.rollup_how_operator, s.rollup_hour_of_week)}


def _usage_table(grain: str, bands, operators, locations, whole_london: bool = False):
    """The smallest rollup that answers; ``grain`` is "daily" or "how". ``whole_london`` (no borough picked):
    with no filter either, the heatmap's London table (months x 168 rows)."""
    coarse, banded, by_operator, fine = _TIERS[grain]
    if operators:
        return by_operator if _all_kinds(bands, locations) else fine
    if not _all_kinds(bands, locations):
        return s.rollup_how_band_london if whole_london and grain == "how" else banded
    return s.rollup_how_london if whole_london and grain == "how" else coarse


def _usage_where(stmt, table, bands, operators, locations, day_col, lo, hi):
    c = table.c
    stmt = stmt.where(day_col >= lo, day_col <= hi)
    if "power_band" in c:  # the tables without it are already summed over every band and location type
        stmt = stmt.where(c.power_band.in_(bands), c.location_type.in_(locations))
    return stmt.where(c.operator.in_(operators)) if operators else stmt


def _daily_sums(table):
    c = table.c
    return (func.sum(c.sessions).label("sessions"), func.sum(c.kwh).label("kwh"),
            func.sum(c.plugged_hours).label("plugged_hours"), func.sum(c.devices_in_service).label("device_days"))


@versioned
def borough_usage(db: str, version: str, start: str, end: str, bands: tuple, operators: tuple,
                  locations: tuple) -> pd.DataFrame:
    """Usage sums per borough over the period: one GROUP BY in the store, 33 rows back (the day x borough
    sums are 24,000 rows at --scale full, a third of an empty-cache key figures request to fetch and parse)."""
    t = _usage_table("daily", bands, operators, locations)
    stmt = select(t.c.gss_code, *_daily_sums(t)).group_by(t.c.gss_code)
    return _frame(db, _usage_where(stmt, t, bands, operators, locations, t.c.day, _d(start), _d(end)))


@versioned
def daily_usage(db: str, version: str, start: str, end: str, bands: tuple, operators: tuple,
                locations: tuple, gss_codes: tuple) -> pd.DataFrame:
    """Usage sums per day for London and each borough in ``gss_codes`` (area column).

    Summed in the store in one round trip: London's days plus the picked boroughs' rows come back, not the
    33 boroughs' (24,000 rows at --scale full, most of an empty-cache time series request to fetch and parse).
    Devices without a borough are left out of the rollups, so London is exactly the sum of the boroughs.
    """
    t = _usage_table("daily", bands, operators, locations)

    def part(area, *where):
        stmt = select(area.label("area"), _raw_date(t.c.day), *_daily_sums(t)).where(*where)
        return _usage_where(stmt, t, bands, operators, locations, t.c.day, _d(start), _d(end))

    london = part(literal(LONDON, String)).group_by(t.c.day)
    stmt = union_all(london, part(t.c.gss_code, t.c.gss_code.in_(gss_codes)).group_by(t.c.day, t.c.gss_code)) \
        if gss_codes else london
    frame = _frame(db, stmt)
    frame["day"] = _datetimes(frame["day"])
    return frame[["area", "day", *USAGE_SUMS]]


@versioned
def hour_of_week(db: str, version: str, start: str, end: str, bands: tuple, operators: tuple,
                 locations: tuple, gss_codes: tuple) -> pd.DataFrame:
    """Sessions and kWh by weekday (Mon=0) and hour over the months the period touches, for the boroughs
    (all London when none): summed in the store, 168 rows back."""
    t = _usage_table("how", bands, operators, locations, whole_london=not gss_codes)
    stmt = (select(t.c.dow, t.c.hour, func.sum(t.c.sessions).label("sessions"), func.sum(t.c.kwh).label("kwh"))
            .group_by(t.c.dow, t.c.hour))
    if gss_codes:
        stmt = stmt.where(t.c.gss_code.in_(gss_codes))
    return _frame(db, _usage_where(stmt, t, bands, operators, locations, t.c.month,
                                   month_start(start), month_start(end)))


@versioned
def official_counts(db: str, version: str) -> pd.DataFrame:
    """DfT's official quarterly device counts per local authority: all devices and rapid ones (with the
    threshold DfT counted rapid from at that quarter), NaN where a table did not give the figure."""
    o = s.official_device_stats.c
    frame = _frame(db, select(o.la_code, _raw_date(o.quarter), o.total_devices, o.rapid_devices,
                              o.rapid_threshold_kw).order_by(o.quarter, o.la_code))
    frame["quarter"] = _datetimes(frame["quarter"])
    for col in ("total_devices", "rapid_devices", "rapid_threshold_kw"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    return frame


@versioned
def denominator_history(db: str, version: str) -> pd.DataFrame:
    """Every population and plug-in vehicle figure per borough and period (the time series' denominators)."""
    d = s.borough_denominators.c
    frame = _frame(db, select(d.gss_code, d.measure, _raw_date(d.period), d.value).order_by(d.period))
    frame["period"] = _datetimes(frame["period"])
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame


@versioned
def device_detail(db: str, version: str, device_id: str, start: str, end: str) -> dict | None:
    """One device for its popup: name, operator, connectors and power, install date, use in the period."""
    d, k, m = s.devices.c, s.connectors.c, s.rollup_device_month.c
    with engine_for(db).connect() as conn:
        dev = conn.execute(select(d.device_id, d.name, d.operator, d.max_kw, d.power_band, d.installed_on,
                                  d.location_type, d.status).where(d.device_id == device_id)).first()
        if dev is None:
            return None
        plugs = conn.execute(select(k.connector_type, k.rated_kw).where(k.device_id == device_id)
                             .order_by(k.connector_no)).all()
        use = conn.execute(select(func.sum(m.sessions), func.sum(m.kwh), func.sum(m.plugged_hours))
                           .where(m.device_id == device_id, m.month >= month_start(start),
                                  m.month <= month_start(end))).first()
    return {**dict(dev._mapping), "installed_on": dev.installed_on.isoformat() if dev.installed_on else None,
            "connectors": [(p.connector_type, p.rated_kw) for p in plugs],
            "sessions": int(use[0] or 0), "kwh": float(use[1] or 0.0), "plugged_hours": float(use[2] or 0.0)}


@cache.memoize()
def official_devices(db: str, version: str) -> pd.DataFrame:
    """DfT's official quarterly counts per area, all devices and rapid (the 2030 tracker, where next)."""
    o = s.official_device_stats.c
    frame = _frame(db, select(o.la_code, _raw_date(o.quarter), o.total_devices, o.rapid_devices,
                              o.rapid_threshold_kw, o.source).order_by(o.quarter, o.la_code))
    frame["quarter"] = _datetimes(frame["quarter"])
    return frame


@cache.memoize()
def targets(db: str, version: str) -> pd.DataFrame:
    """Every loaded target, by name."""
    t = s.targets.c
    frame = _frame(db, select(t.name, t.measure, t.value, t.low, t.high, _raw_date(t.target_date), t.scope,
                              t.source, t.source_url).order_by(t.name))
    frame["target_date"] = _datetimes(frame["target_date"])
    return frame


@cache.memoize()
def events(db: str, version: str) -> pd.DataFrame:
    """Every loaded event, oldest first."""
    e = s.events.c
    frame = _frame(db, select(_raw_date(e.date), e.title, e.detail, e.gss_code, e.kind, e.source)
                   .order_by(e.date, e.title))
    frame["date"] = _datetimes(frame["date"])
    return frame
