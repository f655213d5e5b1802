"""Session times across clock changes (issue 18, item 11).

A local time in the autumn repeated hour (01:00-02:00 in London on the last Sunday of October) has two
readings, summer time and standard time; the session's other end decides which: of the readings that give
a positive duration no longer than ``MAX_HOURS``, the shortest (a tie: summer time for the first session of
a device at that time, standard time for a second one, the repeated hour's second pass). A local time in
the spring gap (01:00-02:00 on the last Sunday of March) never happened: it is shifted forward an hour, as
pandas' ``nonexistent="shift_forward"``. Both are counted in the run summary. A session with no valid reading
keeps the standard-time one, and the usual checks (end before start, ...) quarantine it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.loader.sources.base import Parsed
from data.loader.sources.tabular import Seen, local_to_utc, parse_times

MAX_HOURS = 7 * 24.0  # as sessions.check: a longer plug-in is a lost end time
RESOLVED = "session times in the autumn repeated hour read by the session's other end"
SHIFTED = "session times in the spring clock-change gap shifted forward an hour"


def _readings(text: pd.Series, tz: str, dayfirst: bool) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(summer-time reading, standard-time reading, skipped-in-spring mask) of local times as naive UTC."""
    utc, local = parse_times(text, dayfirst)
    summer, standard = local_to_utc(utc, local, tz, True), local_to_utc(utc, local, tz, False)
    strict = local_to_utc(utc, local, tz, "NaT", nonexistent="NaT")
    skipped = local.notna() & strict.isna() & summer.eq(standard)
    return summer, standard, skipped


def session_times(device: pd.Series, start_text: pd.Series, end_text: pd.Series, tz: str, dayfirst: bool,
                  parsed: Parsed, seen: Seen | None = None) -> tuple[pd.Series, pd.Series]:
    """Start and end as naive UTC, each repeated-hour time read by the session's other end (counted).
    ``seen``: the (device, start) keys of a file's earlier chunks (None: one frame)."""
    s_sum, s_std, s_skip = _readings(start_text, tz, dayfirst)
    e_sum, e_std, e_skip = _readings(end_text, tz, dayfirst)
    # candidate (start, end) readings in order of preference on a tie
    pairs = [(s_sum, e_sum), (s_std, e_std), (s_sum, e_std), (s_std, e_sum)]
    hours = np.column_stack([((e - s).dt.total_seconds() / 3600).to_numpy(dtype=float) for s, e in pairs])
    score = np.where((hours > 0) & (hours <= MAX_HOURS), hours, np.inf)
    choice = np.where(np.isinf(score).all(axis=1), 1, score.argmin(axis=1))  # no valid reading: standard time
    # a device's second session at the same repeated-hour start is the hour's second pass (standard time)
    start = _pick([s for s, _ in pairs], choice)
    keys = pd.DataFrame({"d": device.to_numpy(), "s": start.to_numpy()})
    if seen is None:
        again = keys.duplicated().to_numpy()
    else:  # a second pass can only follow a start that is itself a summer-time reading of a repeated hour
        again = seen.repeated(keys, pd.Series(_repeated_hour(start, tz)))
    retry = again & (choice == 0) & (score[:, 1] == score[:, 0])
    choice = np.where(retry, 1, choice)
    start, end = _pick([s for s, _ in pairs], choice), _pick([e for _, e in pairs], choice)
    ambiguous = (s_sum.ne(s_std) | e_sum.ne(e_std)).to_numpy() & np.isfinite(score).any(axis=1)
    if ambiguous.any():
        parsed.notes[RESOLVED] += int(ambiguous.sum())
    skipped = int(s_skip.sum() + e_skip.sum())
    if skipped:
        parsed.notes[SHIFTED] += skipped
    return start, end


def _repeated_hour(utc: pd.Series, tz: str) -> np.ndarray:
    """True where a naive UTC time falls in ``tz``'s repeated hour (its local wall time has two readings)."""
    wall = utc.dt.tz_localize("UTC").dt.tz_convert(tz).dt.tz_localize(None)
    return (wall.notna() & wall.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").isna()).to_numpy()


def _pick(options: list[pd.Series], choice: np.ndarray) -> pd.Series:
    values = np.select([choice == k for k in range(len(options))], [o.to_numpy() for o in options],
                       default=np.datetime64("NaT"))
    return pd.Series(values, index=options[0].index, dtype="datetime64[ns]")
