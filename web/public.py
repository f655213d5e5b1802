"""Public mode: aggregates only, with small counts suppressed (pure functions the dashboard calls).

API for callbacks and exports:
  is_public() -> bool                      # APP_MODE=public
  allow_device_detail() -> bool            # False in public mode: no per-device popups, tables, exports
  min_count() -> int                       # PUBLIC_MIN_COUNT (default 5)
  suppress_value(count, threshold) -> count or None
  suppress_frame(df, count_columns, threshold=None, dependent_columns=()) -> DataFrame copy
  public_frame(df, count_columns=USAGE_COUNTS, dependent_columns=USAGE_DEPENDENTS) -> df as is for
      officers, suppressed in public mode: the one call to put after each usage query
  SUPPRESSED_LABEL                         # what a table/CSV shows in place of a suppressed count
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pandas as pd

DEFAULT_MIN_COUNT = 5
USAGE_COUNTS = ("sessions",)
# Figures derived from the same sessions: blank them with the count, or kWh would reveal a small group.
USAGE_DEPENDENTS = ("kwh", "plugged_hours", "utilisation", "kwh_per_session", "sessions_per_device")
SUPPRESSED_LABEL = "<5"  # replaced by f"<{threshold}" in suppressed_label() for other thresholds


def is_public(env=None) -> bool:
    """True when the app runs in public mode (APP_MODE=public): no per-device data, small counts hidden."""
    env = os.environ if env is None else env
    return env.get("APP_MODE", "").strip().lower() == "public"


def allow_device_detail(env=None) -> bool:
    """Per-device usage (popups, device tables, device exports) is for officers only."""
    return not is_public(env)


def min_count(env=None) -> int:
    """The suppression threshold: counts strictly below it are hidden (PUBLIC_MIN_COUNT, default 5)."""
    env = os.environ if env is None else env
    raw = env.get("PUBLIC_MIN_COUNT", "").strip()
    return max(1, int(raw)) if raw.isdigit() else DEFAULT_MIN_COUNT


def suppressed_label(threshold: int | None = None) -> str:
    """Text shown in tables and CSV instead of a suppressed count."""
    return f"<{threshold or min_count()}"


def suppress_value(count, threshold: int | None = None):
    """The count itself, or None when it is under the threshold (zero included: 0 of a small group is disclosive)."""
    threshold = min_count() if threshold is None else threshold
    if count is None or pd.isna(count):
        return None
    return None if count < threshold else count


def suppress_frame(df: pd.DataFrame, count_columns: Iterable[str], threshold: int | None = None,
                   dependent_columns: Iterable[str] = ()) -> pd.DataFrame:
    """A copy with every small count set to NA; dependent columns (kWh, rates) are blanked on those rows too.

    A row is suppressed when any of its ``count_columns`` is under the threshold, so a figure derived
    from a small group (kWh per session of 2 sessions) cannot leak the group either.
    """
    threshold = min_count() if threshold is None else threshold
    count_columns = [c for c in count_columns if c in df.columns]
    out = df.copy()
    if not count_columns or out.empty:
        return out
    small = (out[count_columns].astype("Float64") < threshold).any(axis=1).fillna(False).astype(bool)
    for col in [*count_columns, *(c for c in dependent_columns if c in out.columns)]:
        out[col] = out[col].astype(_nullable(out[col].dtype))
        out.loc[small, col] = pd.NA
    return out


def _nullable(dtype) -> str:
    """A dtype that can hold NA without turning integer counts into floats."""
    if pd.api.types.is_integer_dtype(dtype):
        return "Int64"
    return "Float64" if pd.api.types.is_numeric_dtype(dtype) else "object"


def public_frame(df: pd.DataFrame, count_columns: Iterable[str] = USAGE_COUNTS,
                 dependent_columns: Iterable[str] = USAGE_DEPENDENTS, env=None) -> pd.DataFrame:
    """``df`` unchanged for officers; in public mode, small counts and what derives from them blanked."""
    if not is_public(env):
        return df
    return suppress_frame(df, count_columns, min_count(env), dependent_columns)


def suppressed_rows(df: pd.DataFrame, count_columns: Iterable[str], threshold: int | None = None) -> int:
    """How many rows suppress_frame would blank (for a footnote such as '3 small groups hidden')."""
    threshold = min_count() if threshold is None else threshold
    cols = [c for c in count_columns if c in df.columns]
    if not cols or df.empty:
        return 0
    return int((df[cols].astype("Float64") < threshold).any(axis=1).fillna(False).sum())
