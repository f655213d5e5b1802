"""The store's tables (SQLAlchemy Core), identical on SQLite and PostgreSQL.

Vocabularies used across the project:
  power_band:    slow (3-8 kW), fast (8-49 kW), rapid (50-149 kW), ultra (150 kW+)
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

SCHEMA_VERSION = 4  # 2: rollup_daily_band, rollup_how_band; 3: rollup_how_london, ix_devices_operator;
#                    4: rollup_daily_operator, rollup_how_operator

POWER_BANDS = ("slow", "fast", "rapid", "ultra")
LOCATION_TYPES = ("on-street", "destination", "en-route", "other")

metadata = MetaData()

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
    Column("kwh", Float, nullable=False),
    Column("source", Text),
    Index("ux_sessions_device_start", "device_id", "started_at", unique=True),
)

# Borough x day x power band x location type x operator: time series, comparison, key figures.
rollup_daily = Table(
    "rollup_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("gss_code", String(9), primary_key=True),
    Column("power_band", String(8), primary_key=True),
    Column("location_type", String(16), primary_key=True),
    Column("operator", String(128), primary_key=True),
    Column("devices_in_service", Integer, nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("kwh", Float, nullable=False),
    Column("plugged_hours", Float, nullable=False),
)

# Device x month: map popups, selected devices export.
rollup_device_month = Table(
    "rollup_device_month",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("sessions", Integer, nullable=False),
    Column("kwh", Float, nullable=False),
    Column("plugged_hours", Float, nullable=False),
)

# Borough x month x hour of week (Mon=0) x power band x location type x operator: heatmap.
rollup_hour_of_week = Table(
    "rollup_hour_of_week",
    metadata,
    Column("month", Date, primary_key=True),
    Column("gss_code", String(9), primary_key=True),
    Column("power_band", String(8), primary_key=True),
    Column("location_type", String(16), primary_key=True),
    Column("operator", String(128), primary_key=True),
    Column("dow", Integer, primary_key=True),
    Column("hour", Integer, primary_key=True),
    Column("sessions", Integer, nullable=False),
    Column("kwh", Float, nullable=False),
)

# Derived from the two above by data/loader/derived.py (known bands and location types, every operator
# summed): what the views read when no band, operator or location filter narrows them.
rollup_daily_borough = Table(
    "rollup_daily_borough",
    metadata,
    Column("day", Date, primary_key=True),
    Column("gss_code", String(9), primary_key=True),
    Column("devices_in_service", Integer, nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("kwh", Float, nullable=False),
    Column("plugged_hours", Float, nullable=False),
)

# Key order = the query's GROUP BY order, so SQLite groups while walking the primary key, no sort.
rollup_how_borough = Table(
    "rollup_how_borough",
    metadata,
    Column("gss_code", String(9), primary_key=True),
    Column("dow", Integer, primary_key=True),
    Column("hour", Integer, primary_key=True),
    Column("month", Date, primary_key=True),
    Column("sessions", Integer, nullable=False),
    Column("kwh", Float, nullable=False),
)

# All London by month and hour of the week: the heatmap with no borough selected and no filter reads
# months x 168 rows, not the 33 boroughs' (133,000 rows at --scale full). Month leads: the period is a range.
rollup_how_london = Table(
    "rollup_how_london",
    metadata,
    Column("month", Date, primary_key=True),
    Column("dow", Integer, primary_key=True),
    Column("hour", Integer, primary_key=True),
    Column("sessions", Integer, nullable=False),
    Column("kwh", Float, nullable=False),
)

# Derived as well, with only the operator split summed away: the views a band or location-type filter
# narrows (and no operator). Band and location type lead the key, so the filter is an index range.
rollup_daily_band = Table(
    "rollup_daily_band",
    metadata,
    Column("power_band", String(8), primary_key=True),
    Column("location_type", String(16), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("gss_code", String(9), primary_key=True),
    Column("devices_in_service", Integer, nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("kwh", Float, nullable=False),
    Column("plugged_hours", Float, nullable=False),
)

rollup_how_band = Table(
    "rollup_how_band",
    metadata,
    Column("power_band", String(8), primary_key=True),
    Column("location_type", String(16), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("gss_code", String(9), primary_key=True),
    Column("dow", Integer, primary_key=True),
    Column("hour", Integer, primary_key=True),
    Column("sessions", Integer, nullable=False),
    Column("kwh", Float, nullable=False),
)

# And with only band and location type summed away, operator leading the key: a named operator with every
# band and location type ticked (the usual operator filter) reads its own rows, not a scan of the fine tables.
rollup_daily_operator = Table(
    "rollup_daily_operator",
    metadata,
    Column("operator", String(128), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("gss_code", String(9), primary_key=True),
    Column("devices_in_service", Integer, nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("kwh", Float, nullable=False),
    Column("plugged_hours", Float, nullable=False),
)

rollup_how_operator = Table(
    "rollup_how_operator",
    metadata,
    Column("operator", String(128), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("gss_code", String(9), primary_key=True),
    Column("dow", Integer, primary_key=True),
    Column("hour", Integer, primary_key=True),
    Column("sessions", Integer, nullable=False),
    Column("kwh", Float, nullable=False),
)

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
