"""Map payloads: terse device points, borough features and the choropleth's quintile classes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from data.schema import ALL_POWER_BANDS, LOCATION_TYPES
from figures.theme import BAND_COLOURS, CLASS_COLOURS


def points_payload(devices: pd.DataFrame, operators: list[str]) -> dict:
    """Columnar points (the browser builds the GeoJSON): ids, rounded coords, band/operator/location codes."""
    op_code = {name: i for i, name in enumerate(operators)}
    band_code = {b: i for i, b in enumerate(ALL_POWER_BANDS)}
    loc_code = {lt: i for i, lt in enumerate(LOCATION_TYPES)}
    return {
        "id": devices["device_id"].tolist(),
        # 5 decimals is about 1 m: plenty for a map, and far fewer bytes.
        "lat": devices["latitude"].round(5).tolist(),
        "lon": devices["longitude"].round(5).tolist(),
        "b": devices["power_band"].map(band_code).fillna(-1).astype(int).tolist(),  # -1: unknown, never shown
        "o": devices["operator"].map(op_code).fillna(-1).astype(int).tolist(),
        "l": devices["location_type"].map(loc_code).fillna(len(LOCATION_TYPES) - 1).astype(int).tolist(),
        # Days since 1970-01-01 (0 = unknown / not removed): the browser shows devices in service at the end date.
        "t": _day_numbers(devices["installed_on"]),
        "x": _day_numbers(devices["removed_on"]),
    }


def _day_numbers(dates: pd.Series) -> list[int]:
    days = (pd.to_datetime(dates) - pd.Timestamp("1970-01-01")).dt.days
    return days.fillna(0).astype(int).tolist()


def points_hideout(operators: list[str]) -> dict:
    """Lookup tables the browser's style function and legend read (codes index these lists)."""
    return {"bands": list(ALL_POWER_BANDS), "colours": [BAND_COLOURS[b] for b in ALL_POWER_BANDS],
            "ops": operators, "locs": list(LOCATION_TYPES)}


def borough_features(geometries: dict[str, str], names: dict[str, str]) -> dict:
    """A FeatureCollection of borough outlines with terse properties (g = GSS code, n = name)."""
    features = [{"type": "Feature", "geometry": json.loads(geom), "properties": {"g": code, "n": names.get(code, code)}}
                for code, geom in sorted(geometries.items())]
    return {"type": "FeatureCollection", "features": features}


def quintile_breaks(values: pd.Series) -> list[float]:
    """Six edges (min, four quintile cuts, max) of the finite values; [] when there are none."""
    finite = values[np.isfinite(values.astype(float))].astype(float)
    if finite.empty:
        return []
    return [float(v) for v in np.quantile(finite, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0])]


def choropleth_hideout(ranked: pd.DataFrame, labels: dict[str, str], selected: tuple) -> dict:
    """Values, class edges, colours, hover text and the selection for the borough style function."""
    values = {g: (float(v) if np.isfinite(v) else None) for g, v in zip(ranked["gss_code"], ranked["value"], strict=True)}
    return {"vals": values, "breaks": quintile_breaks(ranked["value"]), "colours": list(CLASS_COLOURS),
            "text": labels, "sel": list(selected)}


def legend_rows(breaks: list[float], fmt) -> list[tuple[str, str]]:
    """(colour, 'from - to') for each quintile class that can hold a borough: a class whose edges are equal
    holds none (the style function puts a value on an edge in the class below), except the first, which then
    holds exactly one value and reads as it ('0', never '0 – 0')."""
    if not breaks:
        return []
    rows = []
    for i in range(5):
        lo, hi = breaks[i], breaks[i + 1]
        if lo != hi:
            rows.append((CLASS_COLOURS[i], f"{fmt(lo)} – {fmt(hi)}"))
        elif i == 0:
            rows.append((CLASS_COLOURS[i], fmt(lo)))
    return rows
