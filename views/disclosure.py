"""Public mode's disclosure control, applied in views/ only (docs/deploy.md, "What public mode guarantees").

Three rules, each a pure function of a frame and the threshold T (``Settings.min_count``: PUBLIC_MIN_COUNT
in public mode, 0 for officers, when nothing is hidden or rounded):
  1. suppression: a usage count under T, and what derives from it (kWh, hours, rates), is blanked;
  2. rounding: every published count is rounded to a multiple of T, and kWh and plugged-in hours to a
     multiple of 10 x T. Any sum or difference of published figures is then a multiple of T too, so no
     differencing (overlapping periods, London minus the other boroughs, London's line x 33 minus the
     visible boroughs) can produce a count between 1 and T - 1;
  3. a fixed grid of periods: public selections cover whole calendar months (state.selection.public_period),
     which bounds how many overlapping windows exist to combine.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

USAGE_COUNTS = ("sessions",)
# Figures derived from the same sessions: blank them with the count, or kWh would reveal a small group.
USAGE_DEPENDENTS = ("kwh", "plugged_hours", "utilisation", "kwh_per_session", "sessions_per_device")
# Sums published beside the counts: rounded too, or London's kWh minus the boroughs' would give a hidden one's.
ROUNDED_SUMS = ("kwh", "plugged_hours")


def suppressed_label(threshold: int) -> str:
    """Text shown in tables and CSV instead of a suppressed count."""
    return f"<{threshold}"


def suppress_value(count, threshold: int):
    """The count itself, or None when it is under the threshold (zero included: 0 of a small group is disclosive)."""
    if count is None or pd.isna(count):
        return None
    return None if count < threshold else count


def _small(df: pd.DataFrame, count_columns: list[str], threshold: int) -> pd.Series:
    return (df[count_columns].astype("Float64") < threshold).any(axis=1).fillna(False).astype(bool)


def suppress_frame(df: pd.DataFrame, count_columns: Iterable[str], threshold: int,
                   dependent_columns: Iterable[str] = ()) -> pd.DataFrame:
    """A copy with every small count set to NA; dependent columns (kWh, rates) are blanked on those rows too.

    A row is suppressed when any of its ``count_columns`` is under the threshold, so a figure derived
    from a small group (kWh per session of 2 sessions) cannot leak the group either.
    """
    count_columns = [c for c in count_columns if c in df.columns]
    out = df.copy()
    if not count_columns or out.empty:
        return out
    small = _small(out, count_columns, threshold)
    for col in [*count_columns, *(c for c in dependent_columns if c in out.columns)]:
        out[col] = out[col].astype(_nullable(out[col].dtype))
        out.loc[small, col] = pd.NA
    return out


def _nullable(dtype) -> str:
    """A dtype that can hold NA without turning integer counts into floats."""
    if pd.api.types.is_integer_dtype(dtype):
        return "Int64"
    return "Float64" if pd.api.types.is_numeric_dtype(dtype) else "object"


def public_frame(df: pd.DataFrame, threshold: int, count_columns: Iterable[str] = USAGE_COUNTS,
                 dependent_columns: Iterable[str] = USAGE_DEPENDENTS) -> pd.DataFrame:
    """``df`` unchanged when ``threshold`` is 0 (officers); else small counts and what derives from them
    blanked, and the remaining counts and sums rounded (rules 1 and 2)."""
    if threshold <= 0:
        return df
    return round_usage(suppress_frame(df, count_columns, threshold, dependent_columns), threshold)


def round_to(values: pd.Series, base: float) -> pd.Series:
    """``values`` to the nearest multiple of ``base`` (halves up), NA kept, integer columns kept integer."""
    rounded = ((values.astype("Float64") / base + 0.5).apply(lambda v: v if pd.isna(v) else math.floor(v))
               .astype("Float64") * base)
    return rounded.astype(_nullable(values.dtype)) if pd.api.types.is_integer_dtype(values.dtype) else rounded


def round_usage(df: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Counts to multiples of ``threshold``, kWh and plugged-in hours to multiples of 10 x ``threshold``."""
    if threshold <= 0 or df.empty:
        return df
    out = df.copy()
    for cols, base in ((USAGE_COUNTS, threshold), (ROUNDED_SUMS, 10 * threshold)):
        for col in (c for c in cols if c in out.columns):
            out[col] = round_to(out[col], base)
    return out


def suppressed_rows(df: pd.DataFrame, count_columns: Iterable[str], threshold: int) -> int:
    """How many rows suppress_frame would blank (for a footnote such as '3 small groups hidden')."""
    cols = [c for c in count_columns if c in df.columns]
    if not cols or df.empty:
        return 0
    return int(_small(df, cols, threshold).sum())
