"""The header's key figures and the map's borough colours, popups and device list, from the same borough sums."""

from __future__ import annotations

import pandas as pd

from data import metrics, queries
from data.device_export import selected_devices
from data.frames import key_figures, ranking
from data.vocabulary import band_label
from views.common import Source, borough_sums_for


def key_figure_values(src: Source, state: dict) -> tuple[dict, str]:
    """(key figures, the scope they are for) for the selection."""
    sums, counts = borough_sums_for(src, state)
    names = dict(zip(sums["gss_code"], sums["name"], strict=True))
    picked = [names.get(g, g) for g in state["boroughs"]]
    scope = "All London" if not picked else ", ".join(picked[:4]) + (
        f" and {len(picked) - 4} more" if len(picked) > 4 else "")
    return key_figures(sums, counts, tuple(state["boroughs"])), f"{scope} · {state['from']} to {state['to']}"


def hover_texts(ranked: pd.DataFrame, metric_key: str, denom_key: str) -> dict[str, str]:
    """The hover box for each borough: name, inner/outer, the metric and its devices."""
    head = metrics.title(metric_key, denom_key)
    return {row.gss_code: (f"<b>{row.name}</b> ({row.inner_outer} London)<br>{head}: "
                           f"{metrics.fmt_value(metric_key, row.value, denom_key)}<br>Devices: {row.devices:,.0f}")
            for row in ranked.itertuples()}


def choropleth(src: Source, state: dict) -> tuple[pd.DataFrame, dict[str, str], bool]:
    """(ranked boroughs, hover text per borough, whether boundaries are loaded) for the map's colours."""
    sums, _ = borough_sums_for(src, state)
    ranked, _ = ranking(sums, state["metric"], state["denominator"])
    has_shapes = bool(queries.borough_geometries(src.db, src.version))
    return ranked, hover_texts(ranked, state["metric"], state["denominator"]), has_shapes


def device_popup(src: Source, device_id: str, state: dict) -> dict | None:
    """One device's details; its use in the period only for officers (public mode: ``use`` is None)."""
    dev = queries.device_detail(src.db, src.version, device_id, state["from"], state["to"])
    if dev is None:
        return None
    plugs = ", ".join(f"{t or 'connector'} {kw:g} kW" if kw else (t or "connector") for t, kw in dev["connectors"])
    use = (f"{state['from'][:7]} to {state['to'][:7]}: {dev['sessions']:,} sessions, "
           f"{dev['kwh']:,.0f} kWh, {dev['plugged_hours']:,.0f} h plugged in") if src.device_detail else None
    return {"title": dev["name"] or dev["device_id"],
            "lines": [f"{dev['operator'] or queries.UNKNOWN_OPERATOR} · {dev['location_type']}",
                      f"{band_label(dev['power_band'])}, up to {dev['max_kw'] or 0:g} kW",
                      f"Connectors: {plugs or 'not recorded'}", f"Installed: {dev['installed_on'] or 'unknown'}"],
            "use": use}


def devices_frame(src: Source, state: dict) -> pd.DataFrame:
    """The selected devices; their use in the period only for officers (public mode: no per-device usage)."""
    return selected_devices(src.db, state, with_usage=src.device_detail)
