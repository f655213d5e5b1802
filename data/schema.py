"""The store's tables (SQLAlchemy Core), identical on SQLite and PostgreSQL.

Vocabularies used across the project:
  power_band:    slow (3-8 kW), fast (8-49 kW), rapid (50-149 kW), ultra (150 kW+), and unknown (no
                 connector power in the source: listed and counted, never hidden)
  location_type: on-street, destination, en-route, other
  borough codes: ONS GSS codes E09000001..E09000033 (column ``gss_code`` everywhere)
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

SCHEMA_VERSION = 10  # 2: rollup_daily_band, rollup_how_band; 3: rollup_how_london, ix_devices_operator;
#                    4: rollup_daily_operator, rollup_how_operator; 5: rollups WITHOUT ROWID on SQLite;
#                    6: power_band 'unknown' stored and kept in the derived rollups, data_spans
#                    7: sessions.kwh nullable (sessions inferred from OCPI statuses have no metered energy)
#                    8: rollup_how_band_london, rollup_how_band keyed borough before month
#                    9: status_current, status_daily_borough, status_daily_operator (filled from the history)
#                    10: status_cum_device (filled from status_daily)

POWER_BANDS = ("slow", "fast", "rapid", "ultra")
UNKNOWN_BAND = "unknown"  # a device whose power the source does not give
ALL_POWER_BANDS = (*POWER_BANDS, UNKNOWN_BAND)  # every band a device can have: "no band filter"
LOCATION_TYPES = ("on-street", "destination", "en-route", "other")

metadata = MetaData()

# Rollup key columns and each grain's sums: every rollup table is some of the keys plus its grain's sums.
_KEY_TYPES = {"day": Date, "month": Date, "dow": Integer, "hour": Integer, "gss_code": String(9),
              "power_band": String(8), "location_type": String(16), "operator": String(128)}
_SUMS = {"daily": (("devices_in_service", Integer), ("sessions", Integer), ("kwh", Float), ("plugged_hours", Float)),
         "how": (("sessions", Integer), ("kwh", Float))}


# Rollup tables are WITHOUT ROWID on SQLite: the rows live in the primary key's own B-tree, so a refresh writes
# one B-tree per table instead of two (the rowid table and the key's index): the london demo store 1,225 ->
# 996 MB, its refresh's WAL checkpoint 1.7-1.9 -> 0.8-1.0 s. Reads walk the key order they already used.
# PostgreSQL ignores the option.
ROLLUP_OPTIONS = {"sqlite_with_rowid": False}


def _rollup(name: str, grain: str, key: tuple[str, ...]) -> Table:
    """A rollup table: the ``key`` columns (its primary key, in this order), then the grain's sums."""
    return Table(name, metadata, *(Column(k, _KEY_TYPES[k], primary_key=True) for k in key),
                 *(Column(c, t, nullable=False) for c, t in _SUMS[grain]), **ROLLUP_OPTIONS)


# --- reference and denominators -------------------------------------------------

boroughs = Table(
    "boroughs",
    metadata,
    Column("gss_code", String(9), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("inner_outer", String(5), nullable=False),  # "Inner" | "Outer"
    Column("area_km2", Float, nullable=False),
    Column("geometry", Text),  # GeoJSON geometry, full resolution, when loaded
    Column("geometry_web", Text),  # GeoJSON geometry, simplified for the browser
    Column("boundary_source", Text),
)

borough_denominators = Table(
    "borough_denominators",
    metadata,
    Column("gss_code", String(9), primary_key=True),
    Column("measure", String(32), primary_key=True),  # "population" | "plugin_vehicles"
    Column("period", Date, primary_key=True),  # first day of the period it describes
    Column("value", Float, nullable=False),
    Column("source", Text),
)

# --- devices --------------------------------------------------------------------

devices = Table(
    "devices",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("name", Text),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("gss_code", String(9)),  # null until a boundary assigns it
    Column("operator", Text),
    Column("network", Text),
    Column("location_type", String(16), nullable=False, default="other"),
    Column("access", Text),
    Column("installed_on", Date),
    Column("removed_on", Date),
    Column("status", String(32)),  # "in service" | "out of service" | "removed" | ...
    Column("max_kw", Float),
    Column("power_band", String(8)),
    Column("source", Text),
    Index("ix_devices_gss_code", "gss_code"),
    Index("ix_devices_operator", "operator"),  # the operator list (state validation, every request): an index scan
)

connectors = Table(
    "connectors",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("connector_no", Integer, primary_key=True),
    Column("connector_type", Text),
    Column("rated_kw", Float),
)

# --- usage: raw sessions and the rollups the dashboard reads -----------------------

sessions = Table(
    "sessions",
    metadata,
    Column("session_id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("device_id", String(64), nullable=False),
    Column("started_at", DateTime, nullable=False),  # UTC, naive
    Column("ended_at", DateTime, nullable=False),
    Column("kwh", Float),  # NULL = not known (sessions inferred from status, source "status"): never invented
    Column("source", Text),
    Index("ux_sessions_device_start", "device_id", "started_at", unique=True),
)

# Borough x day x power band x location type x operator: time series, comparison, key figures.
rollup_daily = _rollup("rollup_daily", "daily", ("day", "gss_code", "power_band", "location_type", "operator"))

# Device x month: map popups, selected devices export.
rollup_device_month = Table(
    "rollup_device_month",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("sessions", Integer, nullable=False),
    Column("kwh", Float, nullable=False),
    Column("plugged_hours", Float, nullable=False),
    **ROLLUP_OPTIONS,
)

# Borough x month x hour of week (Mon=0) x power band x location type x operator: heatmap.
rollup_hour_of_week = _rollup("rollup_hour_of_week", "how",
                              ("month", "gss_code", "power_band", "location_type", "operator", "dow", "hour"))

# Derived from the two above by data/loader/derived.py (known bands and location types, every operator
# summed): what the views read when no band, operator or location filter narrows them.
rollup_daily_borough = _rollup("rollup_daily_borough", "daily", ("day", "gss_code"))

# Key order = the query's GROUP BY order, so SQLite groups while walking the primary key, no sort.
rollup_how_borough = _rollup("rollup_how_borough", "how", ("gss_code", "dow", "hour", "month"))

# All London by month and hour of the week: the heatmap with no borough selected and no filter reads
# months x 168 rows, not the 33 boroughs' (133,000 rows at --scale full). Month leads: the period is a range.
rollup_how_london = _rollup("rollup_how_london", "how", ("month", "dow", "hour"))

# Derived as well, with only the operator split summed away: the views a band or location-type filter
# narrows (and no operator). Band and location type lead the key, so the filter is an index range.
rollup_daily_band = _rollup("rollup_daily_band", "daily", ("power_band", "location_type", "day", "gss_code"))

# Borough before month: picked boroughs are key lookups (band x location x borough), not a scan of every
# borough's months (731-1,200 ms on an empty cache at --scale full with month second).
rollup_how_band = _rollup("rollup_how_band", "how",
                          ("power_band", "location_type", "gss_code", "month", "dow", "hour"))

# The band-filtered heatmap of all London (no borough picked): 33x fewer rows than summing rollup_how_band.
rollup_how_band_london = _rollup("rollup_how_band_london", "how", ("power_band", "location_type", "month", "dow", "hour"))

# And with only band and location type summed away, operator leading the key: a named operator with every
# band and location type ticked (the usual operator filter) reads its own rows, not a scan of the fine tables.
rollup_daily_operator = _rollup("rollup_daily_operator", "daily", ("operator", "day", "gss_code"))

rollup_how_operator = _rollup("rollup_how_operator", "how", ("operator", "month", "gss_code", "dow", "hour"))

ROLLUP_TABLES = tuple(t for t in metadata.sorted_tables if t.name.startswith("rollup_"))

# --- official statistics ----------------------------------------------------------

official_device_stats = Table(
    "official_device_stats",
    metadata,
    Column("la_code", String(9), primary_key=True),
    Column("quarter", Date, primary_key=True),
    Column("la_name", Text),
    Column("total_devices", Float),
    Column("total_per_100k", Float),
    Column("rapid_devices", Float),
    Column("rapid_per_100k", Float),
    Column("rapid_threshold_kw", Float),  # 25 before October 2023, 50 from then
    Column("source", Text),
)

# --- bookkeeping --------------------------------------------------------------------

load_runs = Table(
    "load_runs",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(32), nullable=False),
    Column("location", Text),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("status", String(16), nullable=False),  # running | ok | failed | refused
    Column("rows_in", Integer),
    Column("rows_loaded", Integer),
    Column("rows_quarantined", Integer),
    Column("message", Text),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, nullable=False),
    Column("source", String(32), nullable=False),
    Column("row_number", Integer),
    Column("raw_row", Text),
    Column("reason", Text, nullable=False),
    Index("ix_quarantine_run", "run_id"),
)

# key/value: "data_version" (changes with every successful refresh), "schema_version".
store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# --- what the data covers -------------------------------------------------------------

# One row per kind of data and loader source, rewritten by every run that changes that kind, in the run's
# own transaction (data/loader/spans.py); read by data/spans.py. Dates are the data's own, never the load's.
data_spans = Table(
    "data_spans",
    metadata,
    Column("kind", String(32), primary_key=True),  # devices | official_counts | sessions | population | ...
    Column("source", String(32), primary_key=True),  # the loader source (ncr, dft-devices, demo, ...)
    Column("data_date", Date),  # its own date: registry snapshot, latest quarter, mid-year, last session day
    Column("span_start", Date),  # first day the data describes
    Column("span_end", Date),  # last day the data describes
    Column("rows", Integer, nullable=False),
    Column("loaded_at", DateTime, nullable=False),  # UTC, naive: when the run that wrote it committed
    Column("run_id", Integer),
)

# --- live status from the open OCPI Locations feeds (issue 15; written by ``data.loader.watch``) -----------

STATUSES = ("AVAILABLE", "BLOCKED", "CHARGING", "INOPERATIVE", "OUTOFORDER", "PLANNED", "REMOVED", "RESERVED",
            "UNKNOWN")  # OCPI 2.2.1 8.4.22

# One row per feed in the feeds file: the delta cursor (the last good poll's start, sent as date_from) and
# the counters ``status --json`` shows. Written in the same transaction as the changes a poll found.
status_feeds = Table(
    "status_feeds",
    metadata,
    Column("feed", String(64), primary_key=True),
    Column("url", Text),
    Column("cursor", DateTime),  # the last good poll's start (UTC, naive); NULL before the first
    Column("last_good_poll", DateTime),  # when that poll finished
    Column("polls_ok", Integer, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),  # failed polls, ever
    Column("errors_since_good", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("last_error_at", DateTime),
    Column("future_updates", Integer, nullable=False, default=0),  # last_updated after the poll: clamped
    Column("stale_updates", Integer, nullable=False, default=0),  # last_updated before the cursor: clamped
    Column("bad_evses", Integer, nullable=False, default=0),  # no uid or not an OCPI status: skipped
)

# Append-only: a row only when a device's status differs from its previous row.
status_changes = Table(
    "status_changes",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("from_time", DateTime, primary_key=True),  # UTC, naive: the EVSE's last_updated, clamped
    Column("status", String(16), nullable=False),  # one of STATUSES
    Column("feed", String(64), nullable=False),
    Index("ix_status_changes_time", "from_time"),
)

# When each feed's data is known: [from_time, to_time] spans between consecutive good polls. Outside them
# (before the first poll, across a failed poll, after the last good poll) its devices have no data.
status_coverage = Table(
    "status_coverage",
    metadata,
    Column("feed", String(64), primary_key=True),
    Column("from_time", DateTime, primary_key=True),
    Column("to_time", DateTime, nullable=False),
)

# Minutes per device per day in each class (data/loader/status_derive.py); the per-hour split is computed on
# demand from status_changes + status_coverage (40,000 devices x 24 h would be 350 M rows a year).
STATUS_MINUTES = ("in_use", "available", "reserved", "blocked", "not_working", "unknown", "off", "no_data")
status_daily = Table(
    "status_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("device_id", String(64), primary_key=True),
    *(Column(c, Float, nullable=False) for c in STATUS_MINUTES),
    **ROLLUP_OPTIONS,
)

# Each device's status now: its last status_changes row, kept by the watcher in the same transaction (the map's
# Live now reads it whole instead of the last row per device over the history).
status_current = Table(
    "status_current",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("since", DateTime, nullable=False),
    Column("feed", String(64), nullable=False),
)


def _status_rollup(name: str, group: str) -> Table:
    """status_daily summed per day, ``group`` and power band (data/loader/status_rollups.py): ``devices`` is that
    day's devices with a row (a device has one every day from its first status on, so the most in any day of a
    period is the period's distinct devices)."""
    return Table(name, metadata, Column("day", Date, primary_key=True),
                 Column(group, _KEY_TYPES[group], primary_key=True),
                 Column("power_band", _KEY_TYPES["power_band"], primary_key=True),
                 Column("devices", Integer, nullable=False),
                 *(Column(c, Float, nullable=False) for c in STATUS_MINUTES), **ROLLUP_OPTIONS)


# Written by the derivation with status_daily, in its transaction: the status panel's charts read these (hundreds
# of rows a day), never devices x days. Devices without a borough are in the operator one only.
status_daily_borough = _status_rollup("status_daily_borough", "gss_code")
status_daily_operator = _status_rollup("status_daily_operator", "operator")

# Each device's minutes per class from its first status_daily day to ``day`` (running totals), a row every day of
# status_daily from the device's first on (data/loader/status_rollups.py ``write_cumulative``, in the derivation's
# transaction): a device's minutes over days [s, e] are its row at e minus its row at s - 1, so an officer list
# reads two days' rows (a row per device each) instead of devices x days of status_daily.
status_cum_device = Table(
    "status_cum_device",
    metadata,
    Column("day", Date, primary_key=True),
    Column("device_id", String(64), primary_key=True),
    *(Column(c, Float, nullable=False) for c in STATUS_MINUTES),
    **ROLLUP_OPTIONS,
)

# --- targets and context (issue 17) ----------------------------------------------------

# A published target, counted in one measure (data/vocabulary.py TARGET_MEASURES), for London or a borough.
targets = Table(
    "targets",
    metadata,
    Column("name", String(160), primary_key=True),
    Column("measure", String(32), nullable=False),  # "dft_total" | "dft_rapid"
    Column("value", Float, nullable=False),
    Column("low", Float),  # a published range, when the source gives one
    Column("high", Float),
    Column("target_date", Date, nullable=False),
    Column("scope", String(9), nullable=False),  # E12000007 (London) or a borough's GSS code
    Column("source", Text, nullable=False),
    Column("source_url", Text),
)

# Dated events drawn as markers on every time series (policy, a statistics change, a local scheme).
events = Table(
    "events",
    metadata,
    Column("date", Date, primary_key=True),
    Column("title", String(160), primary_key=True),
    Column("detail", Text),
    Column("gss_code", String(9)),  # NULL: all London
    Column("kind", String(16), nullable=False),  # "policy" | "data" | "local"
    Column("source", Text, nullable=False),
)
