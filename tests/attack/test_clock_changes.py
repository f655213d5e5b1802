"""Sessions across the clocks' changes keep their real times: a repeated autumn hour is read by the session's
other end, a skipped spring time is shifted forward, both counted; no session with a valid reading is lost."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from sqlalchemy import select

from data import schema
from data.loader.sources.clock import RESOLVED, SHIFTED
from tests.sources_util import last_run, load, new_store, quarantined_rows

# (device, local start, local end, what the session really was in UTC: start, end); London clocks went back
# at 02:00 BST on 25 Oct 2020 (01:00-02:00 happened twice) and forward at 01:00 GMT on 29 Mar 2020.
SESSIONS = [
    (0, "25/10/2020 01:50", "25/10/2020 01:20", "2020-10-25 00:50", "2020-10-25 01:20"),  # BST start, GMT end
    (1, "25/10/2020 01:30", "25/10/2020 01:45", "2020-10-25 00:30", "2020-10-25 00:45"),  # first pass (BST)
    (1, "25/10/2020 01:30", "25/10/2020 02:10", "2020-10-25 01:30", "2020-10-25 02:10"),  # second pass (GMT)
    (2, "25/10/2020 00:50", "25/10/2020 01:20", "2020-10-24 23:50", "2020-10-25 00:20"),  # 30 min, not 90
    (3, "29/03/2020 01:30", "29/03/2020 03:00", "2020-03-29 01:00", "2020-03-29 02:00"),  # 01:30 never happened
    (4, "20/10/2020 10:00", "20/10/2020 11:00", "2020-10-20 09:00", "2020-10-20 10:00"),
    (4, "21/10/2020 10:00", "21/10/2020 11:00", "2020-10-21 09:00", "2020-10-21 10:00"),
]
REALLY_BAD = (5, "25/10/2020 03:00", "25/10/2020 02:30")  # both times unambiguous: a real end before start


@pytest.fixture
def london(store_url, shared_data):
    engine = new_store(store_url)
    load(engine, "boundaries", shared_data / "london_boroughs_simplified.geojson")
    load(engine, "ncr", shared_data / "ncpr_london_subset_2019-2020.csv")
    return engine


def test_sessions_across_clock_changes_keep_their_real_times(london, shared_data, tmp_path):
    with open(shared_data / "ncpr_london_subset_2019-2020.csv", newline="", encoding="utf-8") as fh:
        ids = [row["chargeDeviceID"] for _, row in zip(range(6), csv.DictReader(fh), strict=False)]
    path = tmp_path / "sessions_clock_changes.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["CP ID", "Start", "End", "Total kWh"])
        for device, start, end, *_ in [*SESSIONS, REALLY_BAD]:
            writer.writerow([ids[device], start, end, "7.5"])
    load(london, "sessions-csv", path)

    run = last_run(london)
    assert run["status"] == "ok"
    assert quarantined_rows(london, run["run_id"]) == [(len(SESSIONS) + 2, "end before start")]
    assert f"4 {RESOLVED}" in run["message"] and f"1 {SHIFTED}" in run["message"]
    s = schema.sessions
    with london.connect() as conn:
        stored = sorted((r.device_id, r.started_at, r.ended_at) for r in conn.execute(select(s)).all())
    expected = sorted((ids[d], datetime.fromisoformat(a), datetime.fromisoformat(b)) for d, _, _, a, b in SESSIONS)
    assert stored == expected
