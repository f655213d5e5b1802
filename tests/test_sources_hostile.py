"""The hostile corpus (tests/hostile/, written by make_corpus.py there) proves the bad-input rules.

Whole-file problems: one line saying what is wrong and what was expected, non-zero exit, store
unchanged, run logged 'failed'. Bad rows: quarantined with row number and reason, the rest loads;
over --max-bad-share (default 20%) the run is refused and the store keeps its data.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data import schema
from data.loader.refresh import RefreshRefused
from data.loader.sources.base import SourceError
from data.loader.sources.devices import SWAP_CORRECTED
from tests.sources_util import HOSTILE, cli, last_run, load, new_store, quarantined_rows, snapshot

SIMPLIFIED = "london_boroughs_simplified.geojson"


@pytest.fixture
def london(sqlite_url, shared_data):
    """A store with boundaries and the hostile NCR devices LDN-001/002/003/004/009/010 in it."""
    engine = new_store(sqlite_url)
    load(engine, "boundaries", shared_data / SIMPLIFIED)
    load(engine, "ncr", HOSTILE / "ncr_cp1252_crlf_bad_rows.csv", "--max-bad-share", "0.6")
    return engine


WHOLE_FILE_FAILURES = [
    ("sessions-csv", "empty.csv", "the file is empty"),
    ("sessions-csv", "header_only.csv", "header but no data rows"),
    ("sessions-csv", "error_page.csv", "HTML page"),
    ("sessions-csv", "spreadsheet.xlsx", "binary file"),
    ("sessions-csv", "sessions_truncated.csv", "truncated file"),
    ("sessions-csv", "sessions_unclosed_quote.csv", "malformed CSV near line 4"),
    ("ncr", "sessions_ozev_bom_crlf_bad_rows.csv", "not a National Chargepoint Registry export: missing"),
    ("ncr", "ocpi_cdrs.json", "this is JSON"),
    ("boundaries", "ncr_huge_field.csv", "not GeoJSON"),
    ("boundaries", "geojson_single_feature.json", "not a GeoJSON FeatureCollection"),
    ("boundaries", "boundaries_no_london.geojson", "no London borough (E09 code)"),
    ("boundaries", "boundaries_bng.geojson", "projected (British National Grid?)"),
    ("ocpi-locations", "ocpi_locations_truncated.json", "malformed or truncated JSON"),
    ("ocpi-locations", "ocpi_locations_truncated.jsonl", "truncated JSON lines"),
    ("ocpi-locations", "ocpi_error_status.json", "status_code 2001"),
    ("ocpi-cdrs", "ocpi_locations_envelope.json", "not OCPI CDRs or Sessions"),
    ("population", "dft_hostile.csv", "not population figures per borough"),
    ("dft-devices", "sessions_scottish_cp1252.csv", "not DfT charging device statistics"),
]


@pytest.mark.parametrize(("source", "name", "message"), WHOLE_FILE_FAILURES)
def test_ho001_whole_file_failure_is_one_line_and_changes_nothing(london, sqlite_url, capsys, source, name,
                                                                  message):
    before = snapshot(london)
    capsys.readouterr()
    rc = cli(sqlite_url, "load", source, HOSTILE / name)
    err = capsys.readouterr().err.strip().splitlines()
    assert rc != 0
    assert len(err) == 1 and message in err[0], err
    assert snapshot(london) == before
    run = last_run(london)
    assert run["status"] == "failed" and message in run["message"]


def test_ho002_ncr_bad_rows_quarantined_by_reason_cp1252_crlf(london):
    run = last_run(london)
    # 12 records: 6 London devices load (LDN-004's swapped coordinates corrected: inside London once swapped
    # back, issue 18), 1 in Manchester is counted as outside London, 5 are bad.
    assert (run["status"], run["rows_in"], run["rows_loaded"], run["rows_quarantined"]) == ("ok", 12, 6, 5)
    assert quarantined_rows(london, run["run_id"]) == [
        (5, SWAP_CORRECTED), (6, "coordinates outside the UK"), (7, "missing chargeDeviceID"),
        (8, "duplicate device id: LDN-001"), (9, "bad coordinates: latitude/longitude missing or not numbers"),
        (11, "column-shifted row: 15 fields, expected 11")]
    d = schema.devices
    with london.connect() as conn:
        rows = {r.device_id: r for r in conn.execute(select(d)).all()}
    # Windows-1252 'é' decoded, the quoted comma kept inside the name.
    assert rows["LDN-001"].name == "Café Rouge, Strand" and rows["LDN-001"].gss_code == "E09000033"
    assert (rows["LDN-002"].power_band, rows["LDN-002"].location_type) == ("rapid", "destination")
    assert (rows["LDN-003"].power_band, rows["LDN-003"].installed_on) == ("ultra", None)
    assert rows["LDN-009"].power_band == "slow" and rows["LDN-010"].power_band == "fast"
    assert "1 devices outside London (counted, not loaded)" in run["message"]


def test_ho003_over_the_threshold_the_run_is_refused(london, capsys, sqlite_url):
    before = snapshot(london)
    capsys.readouterr()
    # 10 rows, 6 bad: 60% > 20% by default.
    rc = cli(sqlite_url, "load", "sessions-csv", HOSTILE / "sessions_mostly_bad.csv")
    assert rc != 0 and "refused" in capsys.readouterr().err
    assert snapshot(london) == before
    run = last_run(london)
    assert run["status"] == "refused" and run["rows_quarantined"] == 6
    assert "1 end before start" in run["message"] and "1 negative kWh" in run["message"]
    # The same file with a looser threshold loads its 4 good rows.
    assert cli(sqlite_url, "load", "sessions-csv", HOSTILE / "sessions_mostly_bad.csv", "--max-bad-share", "0.7") == 0
    assert last_run(london)["rows_loaded"] == 4


def test_ho004_sessions_bad_rows_bom_crlf_quoted_commas(london):
    run_id = load(london, "sessions-csv", HOSTILE / "sessions_ozev_bom_crlf_bad_rows.csv")
    # 36 rows, 6 bad (16.7% < 20%): each with its spreadsheet row number and reason.
    assert quarantined_rows(london, run_id) == [
        (32, "start is not a date (e.g. 0000-00-00 or blank)"), (33, "end before start"), (34, "negative kWh"),
        (35, "absurd kWh: over 500 in one session"), (36, "duplicate session: same device and start"),
        (37, "session of an unknown device: LDN-999")]
    s = schema.sessions
    with london.connect() as conn:
        n, kwh, first = conn.execute(select(func.count(), func.sum(s.c.kwh), func.min(s.c.started_at))).one()
    # Good rows: kWh 10.5 .. 39.5 ("quoted"), sum = 30 x 25 = 750; UK local 08:00 on 1 March is 08:00 UTC.
    assert (n, kwh, str(first)) == (30, 750.0, "2021-03-01 08:00:00")


def test_ho005_scottish_preset_windows_1252_day_first(london):
    load(london, "sessions-csv", HOSTILE / "sessions_scottish_cp1252.csv")
    s = schema.sessions
    with london.connect() as conn:
        rows = conn.execute(select(s.c.device_id, s.c.started_at, s.c.kwh).order_by(s.c.started_at)).all()
    assert [(r.device_id, str(r.started_at), r.kwh) for r in rows] == [
        ("LDN-001", "2018-01-31 14:05:00", 12.4), ("LDN-002", "2018-02-01 09:00:00", 31.0),
        ("LDN-010", "2018-02-02 18:00:00", 11.0)]


def test_ho006_huge_field_is_one_bad_row(london):
    run_id = load(london, "ncr", HOSTILE / "ncr_huge_field.csv")
    rows = quarantined_rows(london, run_id)
    assert rows == [(7, "field too long: over 10000 characters")]
    with london.connect() as conn:
        raw = conn.execute(select(schema.quarantine.c.raw_row).where(schema.quarantine.c.run_id == run_id)).scalar()
    assert len(raw) < 4100  # the 50,000-character field is capped in the quarantine table


def test_ho007_ocpi_locations_envelope_and_json_lines(london):
    load(london, "ocpi-locations", HOSTILE / "ocpi_locations_envelope.json")
    run = last_run(london)
    assert (run["rows_in"], run["rows_loaded"]) == (6, 5)
    assert "1 unpublished locations" in run["message"] and "1 devices outside London" in run["message"]
    d = schema.devices
    with london.connect() as conn:
        got = {r.device_id: (r.max_kw, r.power_band, r.location_type, r.status, r.gss_code)
               for r in conn.execute(select(d).where(d.c.source == "ocpi-locations")).all()}
    # 230 V x 32 A: 7.36 kW; x 3 phases: 22.08 kW; 400 V x 125 A DC: 50 kW; max_electric_power 150 kW.
    assert got["E1"][:3] == (7.36, "slow", "on-street") and got["E2"][:2] == (22.08, "fast")
    assert got["E3"][:3] == (50.0, "rapid", "destination") and got["E4"][:3] == (150.0, "ultra", "en-route")
    assert got["E5"][3] == "removed"
    run_id = load(london, "ocpi-locations", HOSTILE / "ocpi_locations.jsonl")
    assert quarantined_rows(london, run_id) == [(2, "malformed JSON line: Expecting property name enclosed in "
                                                    "double quotes")]


def test_ho008_ocpi_wrong_types(london):
    with pytest.raises(RefreshRefused):
        load(london, "ocpi-locations", HOSTILE / "ocpi_locations_wrong_types.json")
    run_id = load(london, "ocpi-locations", HOSTILE / "ocpi_locations_wrong_types.json", "--max-bad-share", "0.7")
    assert [r for _, r in quarantined_rows(london, run_id)] == [
        "bad coordinates: latitude/longitude missing or not numbers", "evses is not a list: str",
        "not a JSON object: int", "EVSE without uid"]
    with london.connect() as conn:
        w3 = conn.execute(select(schema.devices).where(schema.devices.c.device_id == "W3")).one()
    assert w3.max_kw is None  # max_electric_power "1e12" W is not a charger: left empty, device kept


def test_ho009_ocpi_cdrs_and_sessions(london):
    load(london, "ocpi-locations", HOSTILE / "ocpi_locations_envelope.json")
    run_id = load(london, "ocpi-cdrs", HOSTILE / "ocpi_cdrs.json")
    assert quarantined_rows(london, run_id) == [(13, "end before start"), (14, "negative kWh"),
                                                (15, "session of an unknown device: NOPE")]
    s = schema.sessions
    with london.connect() as conn:
        n, kwh = conn.execute(select(func.count(), func.sum(s.c.kwh)).where(s.c.source == "ocpi-cdrs")).one()
        first_session = conn.execute(select(s.c.started_at).where(s.c.device_id == "E2", s.c.kwh == 7.25)
                                     .order_by(s.c.started_at)).scalar()
    # 8 CDRs of 10.5 .. 17.5 kWh (sum 112) + 4 Sessions of 7.25 kWh; +01:00 times stored as UTC.
    assert (n, kwh) == (12, 141.0) and str(first_session) == "2024-06-01 06:00:00"


def test_ho010_dft_thousands_separators_and_bad_rows(sqlite_url):
    engine = new_store(sqlite_url)
    run_id = load(engine, "dft-devices", HOSTILE / "dft_hostile.csv")
    assert quarantined_rows(engine, run_id) == [(5, "date is not a date"), (6, "negative total_devices"),
                                               (7, "total_devices is not a number")]
    t = schema.official_device_stats
    with engine.connect() as conn:
        got = dict(conn.execute(select(t.c.la_code, t.c.total_devices).where(t.c.quarter == "2023-10-01")).all())
        threshold = dict(conn.execute(select(t.c.quarter, t.c.rapid_threshold_kw).where(
            t.c.la_code == "E12000007")).all())
    assert got["E12000007"] == 18811 and got["E09000007"] == 1310
    # No threshold column in the file: derived from the date (25 kW up to 2023-07, 50 kW from 2023-10).
    assert sorted(threshold.values()) == [25.0, 50.0]


def test_ho011_failed_and_refused_runs_leave_the_store_on_both_engines(store_url, shared_data):
    engine = new_store(store_url)
    load(engine, "boundaries", shared_data / SIMPLIFIED)
    load(engine, "ncr", HOSTILE / "ncr_cp1252_crlf_bad_rows.csv", "--max-bad-share", "0.6")
    load(engine, "sessions-csv", HOSTILE / "sessions_ozev_bom_crlf_bad_rows.csv")
    before = snapshot(engine)
    with pytest.raises(SourceError, match="truncated file"):
        load(engine, "sessions-csv", HOSTILE / "sessions_truncated.csv")
    assert last_run(engine)["status"] == "failed"
    with pytest.raises(RefreshRefused):
        load(engine, "sessions-csv", HOSTILE / "sessions_mostly_bad.csv")
    assert last_run(engine)["status"] == "refused"
    assert snapshot(engine) == before and before["counts"]["sessions"] == 30


def test_ho012_dry_run_writes_nothing(london):
    before = snapshot(london)
    runs = last_run(london)["run_id"]
    assert load(london, "sessions-csv", HOSTILE / "sessions_ozev_bom_crlf_bad_rows.csv", "--dry-run") is None
    assert snapshot(london) == before and last_run(london)["run_id"] == runs


def test_ho013_population_ons_layout_needs_its_year(sqlite_url, capsys):
    engine = new_store(sqlite_url)
    with pytest.raises(SourceError, match="not population figures per borough"):
        load(engine, "population", HOSTILE / "population_ons_mye_layout.csv")
    run_id = load(engine, "population", HOSTILE / "population_ons_mye_layout.csv", "--year", "2021")
    assert quarantined_rows(engine, run_id) == [(5, "value is not a number")]
    t = schema.borough_denominators
    with engine.connect() as conn:
        got = dict(conn.execute(select(t.c.gss_code, t.c.value)).all())
    assert len(got) == 32 and got["E09000001"] == 8583 and got["E09000002"] == 218534
    assert "1 rows for areas other than London boroughs skipped" in last_run(engine)["message"]


def test_ho014_ocpi_active_sessions_are_skipped_not_bad(london):
    load(london, "ocpi-locations", HOSTILE / "ocpi_locations_envelope.json")
    load(london, "ocpi-cdrs", HOSTILE / "ocpi_sessions_jsonl_with_active.jsonl")
    run = last_run(london)
    assert (run["rows_in"], run["rows_loaded"], run["rows_quarantined"]) == (4, 4, 0)
    assert "1 sessions still active (no end yet) skipped" in run["message"]
