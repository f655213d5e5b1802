"""What every view takes: the store it reads, its data version and the disclosure rule in force."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data import metrics, queries, status_cached, status_queries
from data.frames import borough_sums, no_usage_as_missing, official_at, period_days
from views import disclosure


@dataclass(frozen=True)
class Source:
    """The store a view reads (``db``, at ``version``) and public mode's threshold (0: officers, nothing hidden)."""

    db: str
    version: str
    min_count: int = 0

    @property
    def device_detail(self) -> bool:
        """Per-device usage (popups, device exports) is for officers only."""
        return self.min_count <= 0

    def public(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with public mode's suppression and rounding applied (as it is for officers)."""
        return disclosure.public_frame(frame, self.min_count)

    def rounded(self, sums: pd.DataFrame) -> pd.DataFrame:
        """Usage sums rounded as public mode publishes them (as they are for officers)."""
        return disclosure.round_usage(sums, self.min_count)


def filter_args(state: dict) -> dict:
    """The filter part of the state as hashable, order-independent query arguments."""
    return {"bands": tuple(sorted(state["bands"])), "operators": tuple(sorted(state["operators"])),
            "locations": tuple(sorted(state["locations"]))}


def empty_reason(state: dict) -> str | None:
    """A plain sentence when the filters leave nothing to show."""
    if not state["bands"]:
        return "No power band is selected: tick at least one to see figures."
    if not state["locations"]:
        return "No location type is selected: tick at least one to see figures."
    return None


def borough_names(src: Source, state: dict) -> dict[str, str]:
    """GSS code -> borough name, for the boroughs in the store at the period's end."""
    boroughs = queries.borough_frame(src.db, src.version, state["to"])
    return dict(zip(boroughs["gss_code"], boroughs["name"], strict=True))


def borough_sums_for(src: Source, state: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-borough sums and denominators for the state's period and filters (suppressed in public mode), plus
    device counts by band."""
    f = filter_args(state)
    usage = queries.borough_usage(src.db, src.version, state["from"], state["to"], **f)
    counts = queries.device_counts(src.db, src.version, state["to"], **f)
    boroughs = queries.borough_frame(src.db, src.version, state["to"])
    sums = borough_sums(boroughs, usage, counts, period_days(state["from"], state["to"]))
    official = official_at(queries.official_counts(src.db, src.version), state["to"])
    sums = no_usage_as_missing(sums).merge(official, on="gss_code", how="left")
    if metrics.reads_status(state["metric"]):
        sums = sums.merge(status_sums(src, state), on="gss_code", how="left")
    return src.public(sums), counts


def status_sums(src: Source, state: dict) -> pd.DataFrame:
    """Per borough, the status minutes the live-status metrics read (the state's period and bands), from the daily
    status rollups; in public mode a borough with fewer status devices than the threshold has none (rule 1)."""
    df = status_cached.minutes(src.db, f"{src.version}:{status_cached.status_version(src.db)}", state["from"],
                               state["to"], "borough", tuple(sorted(state["bands"])))
    out = pd.DataFrame({"gss_code": df["borough"], "status_devices": df["devices"].astype(float),
                        "status_in_use": df["in_use"], "status_observed": df["observed"],
                        "status_working": df[list(status_queries.WORKING)].sum(axis=1),
                        "status_not_working": df["not_working"]})
    if src.min_count > 0:
        small = out["status_devices"] < src.min_count
        out.loc[small, list(metrics.STATUS_SUMS)] = float("nan")
    return out
