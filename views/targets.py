"""The 2030 tracker: London's official devices against the target, and each borough's share of it.

The arithmetic is pure and written out so it can be checked by hand:
- run-rate now = (devices at the latest quarter - devices four quarters earlier) / 4, per quarter;
- run-rate needed = (target - devices now) / quarters left, quarters left = days to the target date / 91.3125;
- the quarter the target is reached = the latest quarter + ceil((target - now) / run-rate now) quarters;
- a borough's share = target x its population (or plug-in vehicles) / London's; its gap = share - its devices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from data import queries
from data.vocabulary import LONDON_CODE, TARGET_MEASURES
from views.common import Source

DAYS_PER_QUARTER = 365.25 / 4
RUN_RATE_QUARTERS = 4
BASES = {"population": ("population", "residents"), "plugin_vehicles": ("plugin_vehicles", "plug-in vehicles")}  # TARGET_BASES
TRACKS = tuple(TARGET_MEASURES)
NO_COUNTS = ("No DfT official device counts are loaded: load them with "
             "`python -m data.loader load dft-devices FILE` to track the target.")
NO_TARGET = "No target is loaded for this measure: load one with `python -m data.loader load targets FILE`."


@dataclass(frozen=True)
class Track:
    """London's progress towards one target."""

    name: str
    measure: str
    target: float
    target_date: pd.Timestamp
    low: float | None
    high: float | None
    source: str
    series: pd.DataFrame  # quarter, devices (London)
    run_rate: float | None  # devices per quarter over the last four quarters
    needed_rate: float  # devices per quarter from the latest quarter to the target date
    reached: pd.Timestamp | None  # the quarter the current run-rate reaches the target

    @property
    def latest(self) -> pd.Series:
        return self.series.iloc[-1]

    @property
    def path(self) -> pd.DataFrame:
        """The straight line from the first loaded quarter to the target."""
        first = self.series.iloc[0]
        return pd.DataFrame({"quarter": [first["quarter"], self.target_date],
                             "devices": [float(first["devices"]), self.target]})


def london_series(official: pd.DataFrame, column: str) -> pd.DataFrame:
    """London's devices per quarter: DfT's London row, else the sum of the boroughs' rows."""
    held = official.dropna(subset=[column])
    london = held[held["la_code"] == LONDON_CODE]
    if london.empty:
        boroughs = held[held["la_code"].str.startswith("E09")]
        london = boroughs.groupby("quarter", as_index=False)[column].sum()
    return (london[["quarter", column]].rename(columns={column: "devices"}).sort_values("quarter")
            .reset_index(drop=True))


def run_rate(series: pd.DataFrame, quarters: int = RUN_RATE_QUARTERS) -> float | None:
    """Devices added per quarter over the last ``quarters`` quarters (None without the earlier quarter)."""
    if series.empty:
        return None
    latest = series.iloc[-1]
    earlier = series[series["quarter"] == latest["quarter"] - pd.DateOffset(months=3 * quarters)]
    if earlier.empty:
        return None
    return (float(latest["devices"]) - float(earlier["devices"].iloc[0])) / quarters


def quarters_left(latest: pd.Timestamp, target_date: pd.Timestamp) -> float:
    return (pd.Timestamp(target_date) - pd.Timestamp(latest)).days / DAYS_PER_QUARTER


def needed_rate(now: float, latest: pd.Timestamp, target: float, target_date: pd.Timestamp) -> float:
    """Devices per quarter needed from ``latest`` to reach ``target`` by ``target_date`` (inf once past it)."""
    left = quarters_left(latest, target_date)
    if now >= target:
        return 0.0
    return (target - now) / left if left > 0 else math.inf


def quarter_reached(now: float, latest: pd.Timestamp, target: float, rate: float | None) -> pd.Timestamp | None:
    """The quarter the run-rate reaches the target (the latest one when already there; None if never)."""
    if now >= target:
        return pd.Timestamp(latest)
    if rate is None or rate <= 0:
        return None
    return pd.Timestamp(latest) + pd.DateOffset(months=3 * math.ceil((target - now) / rate))


def headline(targets: pd.DataFrame, measure: str) -> pd.Series | None:
    """London's target for the measure: a point target before a range, then by name."""
    rows = targets[(targets["measure"] == measure) & (targets["scope"] == LONDON_CODE)]
    if rows.empty:
        return None
    return rows.assign(ranged=rows["high"].notna()).sort_values(["ranged", "name"]).iloc[0]


def track(official: pd.DataFrame, targets: pd.DataFrame, measure: str) -> tuple[Track | None, str | None]:
    """(Track, None), or (None, the sentence shown instead)."""
    series = london_series(official, TARGET_MEASURES[measure][0]) if not official.empty else official
    if series.empty:
        return None, NO_COUNTS
    row = headline(targets, measure)
    if row is None:
        return None, NO_TARGET
    ranges = targets[(targets["measure"] == measure) & (targets["scope"] == LONDON_CODE) & targets["high"].notna()]
    now, latest = float(series.iloc[-1]["devices"]), series.iloc[-1]["quarter"]
    rate = run_rate(series)
    return Track(
        name=row["name"], measure=measure, target=float(row["value"]), target_date=pd.Timestamp(row["target_date"]),
        low=float(ranges["low"].min()) if not ranges.empty else None,
        high=float(ranges["high"].max()) if not ranges.empty else None,
        source=row["source"], series=series, run_rate=rate,
        needed_rate=needed_rate(now, latest, float(row["value"]), row["target_date"]),
        reached=quarter_reached(now, latest, float(row["value"]), rate)), None


def latest_by_borough(official: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Timestamp | None]:
    """Each borough's devices at the latest quarter any borough has a count for."""
    held = official.dropna(subset=[column])
    held = held[held["la_code"].str.startswith("E09")]
    if held.empty:
        return pd.Series(dtype=float), None
    latest = held["quarter"].max()
    now = held[held["quarter"] == latest]
    return now.set_index("la_code")[column].astype(float), latest


def borough_shares(boroughs: pd.DataFrame, devices: pd.Series, target: float, basis: str) -> pd.DataFrame:
    """Per borough: its basis value, share of London's, share of the target, devices now and the gap."""
    column = BASES[basis][0]
    frame = boroughs[["gss_code", "name", "inner_outer", column]].rename(columns={column: "basis"})
    frame = frame.assign(basis=frame["basis"].astype(float))
    total = frame["basis"].sum(min_count=1)
    share = frame["basis"] / total if total and not pd.isna(total) else frame["basis"] * float("nan")
    frame = frame.assign(share=share, target_share=share * target,
                         devices=frame["gss_code"].map(devices).astype(float))
    frame["gap"] = frame["target_share"] - frame["devices"]
    frame["ratio"] = total / target if total and not pd.isna(total) else float("nan")
    return frame.sort_values("gap", ascending=False, na_position="last").reset_index(drop=True)


@dataclass(frozen=True)
class Tracker:
    track: Track
    boroughs: pd.DataFrame  # borough_shares
    devices_quarter: pd.Timestamp | None
    basis: str


def frame(src: Source, state: dict) -> tuple[Tracker | None, str | None]:
    """The tracker for the state's measure and basis, or the sentence shown instead."""
    official = queries.official_devices(src.db, src.version)
    result, reason = track(official, queries.targets(src.db, src.version), state["track"])
    if result is None:
        return None, reason
    devices, quarter = latest_by_borough(official, TARGET_MEASURES[state["track"]][0])
    boroughs = queries.borough_frame(src.db, src.version, pd.Timestamp.today().date().isoformat())
    shares = borough_shares(boroughs, devices, result.target, state["basis"])
    return Tracker(result, shares, quarter, state["basis"]), None


def _fmt_quarter(q) -> str:
    q = pd.Timestamp(q)
    return f"{q:%b %Y}"


def summary(tr: Tracker) -> str:
    """One sentence: where London is, the run-rate against the one needed, when the target is reached."""
    t = tr.track
    label = TARGET_MEASURES[t.measure][1]
    now = t.latest
    rate = "unknown (fewer than five quarters loaded)" if t.run_rate is None else f"{t.run_rate:,.0f} a quarter"
    when = (f"reached in {_fmt_quarter(t.reached)}" if t.reached is not None else "never reached at this rate")
    return (f"London had {now['devices']:,.0f} {label} in {_fmt_quarter(now['quarter'])} against a target of "
            f"{t.target:,.0f} by {t.target_date:%b %Y}; run-rate over the last four quarters {rate}, needed "
            f"{t.needed_rate:,.0f} a quarter; {when}.")


def csv_frame(tr: Tracker, counts_source: str) -> pd.DataFrame:
    """London's quarters, the path's ends and every borough's share and gap, each row with its sources."""
    t = tr.track
    london = t.series.assign(row="London devices", area="London")
    path = t.path.assign(row="straight-line path", area="London")
    borough = tr.boroughs.assign(row=f"borough share (by {BASES[tr.basis][1]})", area=tr.boroughs["name"],
                                 quarter=tr.devices_quarter)
    out = pd.concat([london, path, borough[["row", "area", "quarter", "devices", "basis", "share",
                                            "target_share", "gap"]]], ignore_index=True)
    return out.assign(measure=t.measure, target=t.target, target_date=t.target_date.date(), run_rate=t.run_rate,
                      needed_rate=t.needed_rate, reached=t.reached.date() if t.reached is not None else None,
                      target_source=t.source, counts_source=counts_source)[
        ["row", "area", "quarter", "devices", "basis", "share", "target_share", "gap", "measure", "target",
         "target_date", "run_rate", "needed_rate", "reached", "target_source", "counts_source"]]


def counts_source(src: Source) -> str:
    """The files DfT's counts came from, for captions and CSVs."""
    files = sorted(set(queries.official_devices(src.db, src.version)["source"].dropna()))
    return "DfT EV charging device statistics (" + ", ".join(files) + ")" if files else "DfT EV charging device statistics"
