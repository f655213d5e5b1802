"""Peer boroughs: the five boroughs most like a selected one, on a documented set of standardised measures.

Measures (each z-scored over the boroughs that have every measure: (x - mean) / standard deviation, ddof 0):
- inner: 1 for Inner London, 0 for Outer (ONS);
- density: residents per km² (population / area);
- plugins_per_1000: licensed plug-in vehicles per 1,000 residents;
- no_offstreet: share of households without off-street parking, when loaded (`python -m data.loader load
  borough-parking FILE`) for every borough: a file that leaves boroughs out leaves the measure out rather than
  those boroughs.
Distance: Euclidean over the z-scores. The five smallest distances (the borough itself excluded) are its peers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data import queries
from views.common import Source

PEERS = 5
# Shown instead of the chart when no borough is selected: also what a deck slide saved without one says to the
# room, so it names what the panel would show and how to get it, not only the prompt (no borough is guessed:
# "boroughs like Croydon" on a slide nobody chose Croydon for would mislead).
NO_BOROUGH = ("Select a borough (on the map, a bar or the list) to see the five boroughs most like it. No borough "
              "is selected for this view: the panel compares one borough with the five nearest on inner or outer "
              "London, residents per km² and plug-in vehicles per 1,000 residents. For a slide, select the borough "
              "first, then “Add to deck”.")
MEASURES = {"inner": "Inner London (1) or outer (0)", "density": "Residents per km²",
            "plugins_per_1000": "Plug-in vehicles per 1,000 residents",
            "no_offstreet": "Households without off-street parking (share)"}


def measures(boroughs: pd.DataFrame) -> pd.DataFrame:
    """The raw measures per borough (index gss_code); a measure nobody has is left out, a borough missing one
    is dropped."""
    b = boroughs.set_index("gss_code")
    out = pd.DataFrame({
        "inner": (b["inner_outer"] == "Inner").astype(float),
        "density": b["population"].astype(float) / b["area_km2"].astype(float),
        "plugins_per_1000": b["plugin_vehicles"].astype(float) / b["population"].astype(float) * 1000,
    }, index=b.index)
    if "no_offstreet" in b.columns and b["no_offstreet"].notna().all():
        out["no_offstreet"] = b["no_offstreet"].astype(float)
    out = out.replace([np.inf, -np.inf], np.nan).dropna(axis=1, how="all")
    return out.dropna()


def zscores(raw: pd.DataFrame) -> pd.DataFrame:
    """(x - mean) / std per column, population std; a column with no spread is 0 everywhere."""
    std = raw.std(ddof=0).replace(0.0, np.nan)
    return ((raw - raw.mean()) / std).fillna(0.0)


def distances(z: pd.DataFrame, code: str) -> pd.Series:
    """Euclidean distance from ``code`` to every other borough, nearest first."""
    diff = z.drop(index=code) - z.loc[code]
    return np.sqrt((diff ** 2).sum(axis=1)).sort_values(kind="stable")


def peers(boroughs: pd.DataFrame, code: str, k: int = PEERS) -> pd.DataFrame:
    """The ``k`` nearest boroughs with their raw measures, z-scores and distance; the borough itself first
    (distance 0). Empty when the borough lacks a measure."""
    raw = measures(boroughs)
    if code not in raw.index:
        return pd.DataFrame()
    z = zscores(raw)
    near = distances(z, code).head(k)
    order = [code, *near.index]
    names = boroughs.set_index("gss_code")["name"]
    out = raw.loc[order].join(z.loc[order].add_prefix("z_"))
    out.insert(0, "distance", [0.0, *near.to_numpy()])
    out.insert(0, "name", names.reindex(order).to_numpy())
    return out.rename_axis("gss_code").reset_index()


def frame(src: Source, state: dict) -> tuple[pd.DataFrame | None, str | None]:
    """The first selected borough's peers, or the sentence shown instead."""
    if not state["boroughs"]:
        return None, NO_BOROUGH
    boroughs = queries.borough_frame(src.db, src.version, pd.Timestamp.today().date().isoformat())
    result = peers(boroughs, state["boroughs"][0])
    if result.empty:
        return None, ("This borough lacks a measure peers are chosen on (residents and plug-in vehicles are "
                      "needed): load population and plugin-vehicles.")
    return result, None


def summary(result: pd.DataFrame) -> str:
    names = ", ".join(f"{r.name} ({r.distance:.2f})" for r in result.iloc[1:].itertuples())
    return f"Boroughs most like {result['name'].iloc[0]}: {names} (distance on standardised measures)."


def csv_frame(result: pd.DataFrame) -> pd.DataFrame:
    """What the CSV export writes: the table plus what each column means and where it comes from."""
    cols = [c for c in MEASURES if c in result.columns]
    return result.assign(measures="; ".join(f"{c}: {MEASURES[c]}" for c in cols),
                         method="z-scores over the boroughs with every measure (ddof 0), Euclidean distance",
                         source="borough table (ONS inner/outer, area), population, plugin-vehicles"
                                + (" and borough-parking loads" if "no_offstreet" in cols else " loads"))
