"""Demo London's devices and connectors: counts, install dates, mix and places from published facts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
LATEST = pd.Timestamp("2022-10-01")  # the quarter the published borough counts describe

# Of DfT's "rapid" (25 kW+) devices: some are 25-49 kW (our fast band), a few 150 kW+.
RAPID25_SPLIT = {"fast": 0.15, "rapid": 0.75, "ultra": 0.10}
SLOW_SHARE = {"Inner": 0.86, "Outer": 0.72}  # of the non-rapid devices; London is lamp-post heavy
KW = {"slow": ([3.6, 5.5, 7.0], [0.1, 0.55, 0.35]), "fast": ([11.0, 22.0], [0.3, 0.7]),
      "fast25": ([25.0, 43.0], [0.6, 0.4]), "rapid": ([50.0, 60.0, 75.0, 100.0, 120.0], [0.55, 0.1, 0.1, 0.15, 0.1]),
      "ultra": ([150.0, 175.0, 300.0, 350.0], [0.5, 0.15, 0.2, 0.15])}
LOCATION = {"slow": {"on-street": 0.86, "destination": 0.10, "other": 0.04},
            "fast": {"on-street": 0.35, "destination": 0.50, "other": 0.15},
            "rapid": {"en-route": 0.45, "destination": 0.35, "on-street": 0.15, "other": 0.05},
            "ultra": {"en-route": 0.70, "destination": 0.30}}
OPERATORS = {
    "slow": {"ubitricity": 0.38, "char.gy": 0.12, "Connected Kerb": 0.10, "Source London": 0.08,
             "SWARCO E.Connect": 0.05, "Trojan Energy": 0.04, "Siemens": 0.04, "Joju Charging": 0.03,
             "Believ": 0.03, "Pod Point": 0.03, "EB Charging": 0.02, "Chargy": 0.02, "Liberty Charge": 0.02,
             "Andersen EV": 0.02, None: 0.02},
    "fast": {"Source London": 0.33, "Pod Point": 0.15, "ChargePoint": 0.07, "Connected Kerb": 0.06,
             "EVBox": 0.05, "Shell Recharge": 0.05, "Mer": 0.05, "Blink": 0.04, "bp pulse": 0.05,
             "SWARCO E.Connect": 0.04, "Vattenfall InCharge": 0.03, "Allego": 0.03, "Zest": 0.03, None: 0.02},
    "rapid": {"bp pulse": 0.22, "Shell Recharge": 0.17, "InstaVolt": 0.10, "Osprey": 0.08, "GeniePoint": 0.06,
              "Source London": 0.05, "Tesla": 0.05, "Gridserve": 0.04, "Mer": 0.04, "Fastned": 0.03,
              "Engie": 0.03, "Pod Point": 0.04, "MFG EV Power": 0.03, "Ecotricity": 0.02, "Ionity": 0.02,
              "Allego": 0.02},
    "ultra": {"Tesla": 0.30, "Ionity": 0.15, "InstaVolt": 0.12, "Osprey": 0.10, "bp pulse": 0.15,
              "Gridserve": 0.08, "Fastned": 0.05, "Shell Recharge": 0.05},
}
CONNECTORS = {"slow": [("Type 2", 1.0)], "fast": [("Type 2", 1.0), ("Type 2", 1.0)],
              "rapid": [("CCS", 1.0), ("CHAdeMO", 1.0), ("Type 2", 0.5)], "ultra": [("CCS", 1.0), ("CCS", 1.0)]}
REMOVED_SHARE = 0.03  # devices installed, then taken out before the published quarter
LATE_SHARE = 0.05  # installed after the published quarter (growth continues)


def power_band(kw: np.ndarray) -> np.ndarray:
    """slow < 8 kW, fast 8-49, rapid 50-149, ultra 150+ (the project's bands)."""
    return np.select([kw < 8, kw < 50, kw < 150], ["slow", "fast", "rapid"], "ultra")


def reference() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The borough table and the quarterly growth table from data/reference."""
    b = pd.read_csv(REFERENCE / "london_boroughs.csv")
    g = pd.read_csv(REFERENCE / "device_growth_quarterly.csv", parse_dates=["quarter"])
    return b, g


def _growth_cdf(g: pd.DataFrame, col_ldn: str, col_uk: str) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative share of London's devices by date: London's own series, the UK's shape before 2019-10."""
    first = g[col_ldn].first_valid_index()
    series = g[col_ldn].astype(float).copy()
    series[:first] = g[col_uk][:first] * g[col_ldn][first] / g[col_uk][first]
    dates = np.concatenate([[np.datetime64("2012-01-01")], g["quarter"].to_numpy("datetime64[D]")])
    cum = np.concatenate([[0.0], series.to_numpy() / series.iloc[-1]])
    return dates, np.maximum.accumulate(cum)


def _install_dates(rng, n: int, cdf: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    dates, cum = cdf
    days = (dates - dates[0]).astype("int64").astype(float)
    return dates[0] + np.interp(rng.random(n), cum, days).astype("int64")


def _pick(rng, table: dict, n: int) -> np.ndarray:
    keys = list(table)
    p = np.array(list(table.values()), dtype=float)
    return np.asarray(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _places(rng, row, n: int, polygon) -> tuple[np.ndarray, np.ndarray]:
    """Points inside the borough polygon when stored, else a plausible spread around its centroid."""
    if polygon is not None:
        x0, y0, x1, y1 = polygon.bounds
        xs, ys = np.empty(0), np.empty(0)
        while len(xs) < n:
            x, y = rng.uniform(x0, x1, 4 * n + 16), rng.uniform(y0, y1, 4 * n + 16)
            inside = shapely.contains_xy(polygon, x, y)
            xs, ys = np.concatenate([xs, x[inside]]), np.concatenate([ys, y[inside]])
        return ys[:n], xs[:n]
    sd_km = np.sqrt(row.area_km2) / 3.5
    lat = row.lat + np.clip(rng.normal(0, sd_km, n), -2 * sd_km, 2 * sd_km) / 111.2
    lon = row.lon + np.clip(rng.normal(0, sd_km, n), -2 * sd_km, 2 * sd_km) / 69.4
    return lat, lon


def _borough_devices(rng, row, factor: float, polygon, cdfs) -> pd.DataFrame:
    n_pub = max(1, round(row.devices_2022q4 * factor))
    n_r25 = min(n_pub, round(row.rapid25_devices_2022q4 * factor))
    r25 = _pick(rng, RAPID25_SPLIT, n_r25)
    r25[r25 == "fast"] = "fast25"  # DfT's 25 kW+ devices below 50 kW sit in our fast band
    kind = np.concatenate([r25, np.where(rng.random(n_pub - n_r25) < SLOW_SHARE[row.inner_outer], "slow", "fast")])
    n_rem, n_late = rng.binomial(n_pub, REMOVED_SHARE), rng.binomial(n_pub, LATE_SHARE)
    kind = np.concatenate([kind, rng.choice(kind, n_rem + n_late)]).astype(object)
    n = len(kind)
    rapidish = np.isin(kind, ["fast25", "rapid", "ultra"])
    inst = np.where(rapidish, _install_dates(rng, n, cdfs[1]), _install_dates(rng, n, cdfs[0]))
    late = np.arange(n) >= n_pub + n_rem
    inst[late] = LATEST.to_datetime64().astype("datetime64[D]") + rng.integers(1, 90, late.sum())
    removed = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    rem = (np.arange(n) >= n_pub) & ~late
    span = (LATEST.to_datetime64().astype("datetime64[D]") - inst[rem]).astype("int64")
    removed[rem] = inst[rem] + (rng.random(rem.sum()) * np.maximum(span, 1)).astype("int64") + 1
    kw = np.empty(n)
    for k, (vals, p) in KW.items():
        m = kind == k
        kw[m] = rng.choice(vals, m.sum(), p=p)
    lat, lon = _places(rng, row, n, polygon)
    return pd.DataFrame({"gss_code": row.gss_code, "latitude": lat.round(6), "longitude": lon.round(6),
                         "installed_on": inst, "removed_on": removed, "max_kw": kw})


def make_devices(rng, boroughs: pd.DataFrame, growth: pd.DataFrame, factor: float,
                 polygons: dict) -> pd.DataFrame:
    """All demo devices, one row per device, with schema columns."""
    cdfs = (_growth_cdf(growth, "london_devices", "uk_devices"),
            _growth_cdf(growth, "london_rapid25_devices", "uk_rapid25_devices"))
    dev = pd.concat([_borough_devices(rng, row, factor, polygons.get(row.gss_code), cdfs)
                     for row in boroughs.itertuples()], ignore_index=True)
    dev["power_band"] = power_band(dev["max_kw"].to_numpy())
    n = len(dev)
    dev["location_type"] = "other"
    dev["operator"] = None
    for band in OPERATORS:
        m = (dev["power_band"] == band).to_numpy()
        dev.loc[m, "location_type"] = _pick(rng, LOCATION[band], m.sum())
        dev.loc[m, "operator"] = _pick(rng, OPERATORS[band], m.sum())
    dev.insert(0, "device_id", [f"DEMO{i:06d}" for i in range(1, n + 1)])
    dev["name"] = dev["operator"].fillna("Charge point") + " " + dev["device_id"].str[-5:]
    dev["network"] = dev["operator"]
    dev["access"] = np.where(dev["location_type"] == "destination", "customers", "public 24 hours")
    dev["status"] = np.where(dev["removed_on"].notna(), "removed", "in service")
    dev["source"] = "demo"
    for c in ("installed_on", "removed_on"):
        dev[c] = pd.to_datetime(dev[c]).dt.date
    return dev


def make_connectors(dev: pd.DataFrame) -> pd.DataFrame:
    """Connectors per device: the fastest one at max_kw, others at their share of it."""
    parts = []
    for band, conns in CONNECTORS.items():
        d = dev.loc[dev["power_band"] == band, ["device_id", "max_kw"]]
        for no, (ctype, share) in enumerate(conns, start=1):
            # A rapid's CHAdeMO tops out at 50 kW and its AC socket at 43 kW.
            cap = 50.0 if ctype == "CHAdeMO" else (43.0 if share < 1 else np.inf)
            kw = np.minimum(d["max_kw"], cap)
            parts.append(pd.DataFrame({"device_id": d["device_id"], "connector_no": no,
                                       "connector_type": ctype, "rated_kw": kw.round(1)}))
    return pd.concat(parts, ignore_index=True).sort_values(["device_id", "connector_no"], ignore_index=True)
