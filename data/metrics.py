"""Every metric and denominator defined once: key, label, unit, formula text and how it is computed from sums.

All figures are computed from summed columns (``sessions``, ``kwh``, ``plugged_hours``, ``device_days``,
``devices``), so an average over any grain is a ratio of sums, never an average of averages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

HOURS_PER_DAY = 24.0


def _column(f: pd.DataFrame, name: str) -> pd.Series:
    """A column of the sums, or NaN (no data) where the frame does not carry it (daily sums have no vehicles)."""
    return f[name].astype(float) if name in f else pd.Series(np.nan, index=f.index)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den with 0 or missing denominators as NaN (shown as 'no data', never infinity)."""
    d = den.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(d > 0, num.to_numpy(float) / d, np.nan)  # numpy: pandas' where cost 1 ms a call
    return pd.Series(out, index=num.index)


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    formula: str
    compute: Callable[[pd.DataFrame], pd.Series]
    additive: bool  # a total that may be divided by a denominator (a ratio metric may not)
    stock: bool = False  # a count at a moment (devices), not a flow over the period
    needs: tuple[str, ...] = ("sessions",)  # kinds of data (data.spans.KINDS) it is computed from
    per_unit: str = "device"  # what one of it is, for "plug-in vehicles per <per_unit>" (stock metrics)

    @property
    def usage(self) -> bool:
        """Computed from charging sessions (empty, and explained, without session data)."""
        return "sessions" in self.needs

    @property
    def official(self) -> bool:
        """DfT's quarterly official counts, not the registry's devices."""
        return "official_counts" in self.needs


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("sessions", "Sessions", "sessions", "sum(sessions) in the period",
               lambda f: f["sessions"].astype(float), additive=True),
        Metric("energy", "Energy", "kWh", "sum(kWh delivered) in the period",
               lambda f: f["kwh"].astype(float), additive=True),
        Metric("utilisation", "Utilisation", "%",
               "plugged-in hours / available hours, available = devices in service x 24 h per day",
               lambda f: 100.0 * _ratio(f["plugged_hours"], f["device_days"] * HOURS_PER_DAY),
               additive=False),
        Metric("sessions_per_device_day", "Sessions per device per day", "sessions",
               "sum(sessions) / sum(devices in service on each day)",
               lambda f: _ratio(f["sessions"], f["device_days"]), additive=False),
        Metric("devices", "Devices installed", "devices",
               "devices installed and not removed at the end of the period (cumulative)",
               lambda f: f["devices"].astype(float), additive=True, stock=True, needs=("devices",)),
        Metric("official_devices", "Official devices (DfT)", "devices",
               "DfT's quarterly count of public charging devices, latest quarter at or before the end",
               lambda f: _column(f, "official_devices"), additive=True, stock=True, needs=("official_counts",),
               per_unit="official device"),
        Metric("official_rapid", "Official rapid devices (DfT)", "devices",
               "DfT's quarterly count of rapid devices (25 kW and above up to July 2023, 50 kW and above from "
               "October 2023), latest quarter at or before the end",
               lambda f: _column(f, "official_rapid"), additive=True, stock=True, needs=("official_counts",),
               per_unit="official rapid device"),
        # How many EVs share a charger: the officers' ratio (devices per vehicle reads 0.00-0.04). Its own
        # ratio, so no denominator applies; computed where the sums carry plugin_vehicles (borough frames).
        Metric("plugin_vehicles_per_device", "Plug-in vehicles per device", "vehicles",
               "licensed plug-in vehicles (latest quarter at or before the end) / devices installed at the end",
               lambda f: _ratio(_column(f, "plugin_vehicles"), _column(f, "devices")),
               additive=False, needs=("plugin_vehicles", "devices")),
        # Issue 15: from the operators' open OCPI status feeds (data/status_queries.py's definitions), computed
        # where the sums carry the status minutes (``status_*``, views.common.status_sums).
        Metric("occupancy", "Occupancy (live status)", "%",
               "minutes in use (CHARGING) / minutes observed (every status but no data), from the operators' "
               "open OCPI status feeds",
               lambda f: 100.0 * _ratio(_column(f, "status_in_use"), _column(f, "status_observed")),
               additive=False, needs=("status",)),
        Metric("reliability", "Reliability (PCPR 2023)", "%",
               "working / (working + not working) minutes: working = AVAILABLE, CHARGING, RESERVED; not working "
               "= INOPERATIVE, OUTOFORDER; UNKNOWN and BLOCKED ineligible (Public Charge Point Regulations 2023, "
               "reg 7: 99 % for each rapid network)",
               lambda f: 100.0 * _ratio(_column(f, "status_working"),
                                        _column(f, "status_working") + _column(f, "status_not_working")),
               additive=False, needs=("status",)),
    )
}

DEFAULT_METRIC = "sessions"
STATUS_SUMS = ("status_in_use", "status_observed", "status_working", "status_not_working")


def reads_status(metric_key: str) -> bool:
    """Whether the metric is computed from live status (its views' cache keys then take the status version)."""
    return "status" in metric(metric_key).needs


@dataclass(frozen=True)
class Denominator:
    key: str
    label: str  # read as "<metric> <label>"
    column: str | None  # column of the borough frame it divides by
    scale: float = 1.0
    needs: tuple[str, ...] = ()  # kinds of data (data.spans.KINDS) it is computed from


DENOMINATORS: dict[str, Denominator] = {
    d.key: d
    for d in (
        Denominator("total", "(total)", None),
        Denominator("per_device", "per device", "avg_devices", needs=("devices",)),
        Denominator("per_100k", "per 100k residents", "population", 1e5, needs=("population",)),
        Denominator("per_km2", "per km²", "area_km2"),
        Denominator("per_plugin", "per licensed plug-in vehicle", "plugin_vehicles", needs=("plugin_vehicles",)),
    )
}

DEFAULT_DENOMINATOR = "per_100k"


# Why a metric or denominator cannot be offered: the first kind of data it needs that is not loaded.
MISSING_DATA = {
    "sessions": "No session data loaded. Load operator sessions (sessions-csv, ocpi-cdrs) to see usage: "
                "README, Loading real data.",
    "devices": "No devices loaded. Load the registry (ncr) or operator locations (ocpi-locations): "
               "README, Loading real data.",
    "official_counts": "No DfT device counts loaded. Load DfT's quarterly statistics with the dft-devices source: "
                       "README, Loading real data.",
    "population": "No population figures loaded. Load them with the population source: README, Loading real data.",
    "plugin_vehicles": "No plug-in vehicle figures loaded. Load DfT licensing data with the plugin-vehicles "
                       "source: README, Loading real data.",
    "status": "No live status recorded. Run the OCPI status watcher (python -m data.loader watch): README, Live status.",
    "boundaries": "No borough boundaries loaded. Load them with the boundaries source: README, Loading real data.",
}


def missing_text(kind: str) -> str:
    """The sentence an officer reads when a kind of data (data.spans.KINDS) is not loaded."""
    return MISSING_DATA.get(kind, f"No {kind.replace('_', ' ')} data loaded.")


def unavailable(metric_key: str, denom_key: str, kinds_loaded) -> str | None:
    """The reason the metric (over the denominator) cannot be drawn from the kinds of data loaded, else None.

    ``kinds_loaded``: e.g. ``data.spans.kinds_loaded(spans)``. Only whole kinds are checked here; whether the
    chosen period holds any of that data is the page's question (``data.spans`` gives the dates).
    """
    needs = metric(metric_key).needs + denominator_for(metric_key, denom_key).needs
    missing = next((k for k in needs if k not in set(kinds_loaded)), None)
    return None if missing is None else missing_text(missing)


def metric(key: str) -> Metric:
    """The metric for a key from the allowlist, the default for anything else."""
    return METRICS.get(key, METRICS[DEFAULT_METRIC])


def denominator_for(metric_key: str, denom_key: str) -> Denominator:
    """Ratio metrics carry their own denominator; devices per device would be 1."""
    m = metric(metric_key)
    d = DENOMINATORS.get(denom_key, DENOMINATORS[DEFAULT_DENOMINATOR])
    if not m.additive or (m.stock and d.key == "per_device"):
        return DENOMINATORS["total"]
    return d


def inverted(metric_key: str, denom_key: str) -> bool:
    """Devices over plug-in vehicles reads 0.00-0.04: officers ask how many vehicles share one device, so a
    count of devices "per plug-in vehicle" is drawn the other way up."""
    return metric(metric_key).stock and denominator_for(metric_key, denom_key).key == "per_plugin"


def compute(metric_key: str, sums: pd.DataFrame, denom_key: str = "total") -> pd.Series:
    """The metric from a frame of sums, divided by the denominator column when one applies."""
    values = metric(metric_key).compute(sums)
    d = denominator_for(metric_key, denom_key)
    if d.column is None:
        return values
    if inverted(metric_key, denom_key):
        return _ratio(sums[d.column].astype(float), values)
    return _ratio(values, sums[d.column]) * d.scale


def title(metric_key: str, denom_key: str = "total") -> str:
    """'Sessions per 100k residents', 'Utilisation (%)', 'Plug-in vehicles per official device (DfT)'."""
    m = metric(metric_key)
    d = denominator_for(metric_key, denom_key)
    if d.column is None:
        return f"{m.label} ({m.unit})"
    if inverted(metric_key, denom_key):
        return f"Plug-in vehicles per {m.per_unit}" + (" (DfT)" if m.official else "")
    return f"{m.label} {d.label}"


def denominator_label(metric_key: str, denom_key: str) -> str:
    """The denominator's option label for this metric ('Per 100k residents', 'Plug-in vehicles per device')."""
    d = DENOMINATORS[denom_key]
    if metric(metric_key).stock and denom_key == "per_plugin":
        return "Plug-in vehicles per device"
    return d.label.strip("()").capitalize()


def decimals(metric_key: str, value: float, denom_key: str = "total") -> int:
    """Decimal places a value is shown with: counts none, percentages one, ratios three significant figures
    (no decimals from 100 up). Charts, tables, summaries and exports all round through this."""
    m = metric(metric_key)
    if m.unit == "%":
        return 1
    if m.additive and denominator_for(metric_key, denom_key).column is None:
        return 0  # a count: sessions, kWh, devices
    if value is None or not np.isfinite(value) or value == 0 or abs(value) >= 100:
        return 0
    return max(0, 2 - int(np.floor(np.log10(abs(value)))))


def fmt_value(metric_key: str, value: float, denom_key: str = "total") -> str:
    """A value formatted for a label by its unit; 'no data' for NaN."""
    if value is None or not np.isfinite(value):
        return "no data"
    return f"{value:,.{decimals(metric_key, value, denom_key)}f}"


def rounded(metric_key: str, values: pd.Series, denom_key: str = "total") -> pd.Series:
    """Values rounded to the precision they are shown with (the CSV exports)."""
    return values.astype(float).map(lambda v: round(v, decimals(metric_key, v, denom_key)) if np.isfinite(v) else v)


def d3_format(metric_key: str, denom_key: str = "total") -> str:
    """The same rule as a d3 format for Plotly's hover and tick labels."""
    m = metric(metric_key)
    if m.unit == "%":
        return ".1f"
    if m.additive and denominator_for(metric_key, denom_key).column is None:
        return ",.0f"
    return ",.3~r"


def unit_text(metric_key: str, denom_key: str = "total") -> str:
    """'sessions per 100k residents', 'kWh', '%': the unit a column of values is in."""
    m, d = metric(metric_key), denominator_for(metric_key, denom_key)
    if inverted(metric_key, denom_key):
        return f"plug-in vehicles per {m.per_unit}"
    return m.unit if d.column is None else f"{m.unit} {d.label}"


def help_rows() -> list[tuple[str, str, str]]:
    """(label, unit, formula) for the help text shown in the app."""
    return [(m.label, m.unit, m.formula) for m in METRICS.values()]
