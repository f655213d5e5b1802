"""Where next: boroughs ranked by the devices they need to reach London's target ratio.

London's target ratio = London's residents (or plug-in vehicles) / the target's devices, e.g. 9.0 million
residents / 40,000 devices = 225 residents per device. A borough needs its residents / that ratio devices,
less the devices it has (DfT's latest quarter): the same figure as its gap on the tracker.
"""

from __future__ import annotations

import pandas as pd

from data.vocabulary import TARGET_MEASURES
from views import targets
from views.common import Source


def frame(src: Source, state: dict) -> tuple[targets.Tracker | None, str | None]:
    """The tracker's borough shares ranked by the devices needed (most first), or the sentence instead."""
    return targets.frame(src, state)


def ratio_text(tr: targets.Tracker) -> str:
    """'London's target ratio: 225 residents per public charging device (40,000 by Dec 2030)'."""
    ratio = tr.boroughs["ratio"].iloc[0] if len(tr.boroughs) else float("nan")
    what = targets.BASES[tr.basis][1]
    device = TARGET_MEASURES[tr.track.measure][1].removesuffix("s")
    if pd.isna(ratio):
        return f"London's target ratio needs {what} per borough: load them."
    return (f"London's target ratio: {ratio:,.0f} {what} per {device} "
            f"({tr.track.target:,.0f} by {tr.track.target_date:%b %Y})")


def summary(tr: targets.Tracker) -> str:
    need = tr.boroughs.dropna(subset=["gap"])
    if need.empty:
        return "No borough has both devices and a basis to rank."
    top = need.iloc[0]
    short = int((need["gap"] > 0).sum())
    return (f"{short} of {len(need)} boroughs are short of London's target ratio; the most devices are needed in "
            f"{top['name']} ({top['gap']:,.0f}).")


def csv_frame(tr: targets.Tracker, counts_source: str) -> pd.DataFrame:
    """The ranking with the ratio, the devices' quarter and the sources."""
    out = tr.boroughs.assign(rank=range(1, len(tr.boroughs) + 1), basis_name=targets.BASES[tr.basis][1],
                             devices_quarter=tr.devices_quarter, measure=tr.track.measure,
                             target=tr.track.target, target_source=tr.track.source, counts_source=counts_source)
    return out.rename(columns={"gap": "devices_needed"})[
        ["rank", "gss_code", "name", "inner_outer", "basis_name", "basis", "ratio", "target_share", "devices",
         "devices_quarter", "devices_needed", "measure", "target", "target_source", "counts_source"]]
