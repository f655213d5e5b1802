"""``load-all DIR`` (issue 14 item 8) on ../shared/data and on small folders, with the unknown power band counted."""

from __future__ import annotations

import contextlib
import io
import json
import shutil

import pandas as pd
import pytest
from sqlalchemy import func, select

from data import schema, spans
from data.loader import load_all
from data.loader.sources.base import SourceError
from tests.sources_util import cli, last_run, new_store

pytestmark = pytest.mark.realdata


def _run(url: str, *argv) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli(url, *argv)
    return code, out.getvalue()


def _newest(path, *cols):
    raw = pd.read_csv(path, dtype=str, on_bad_lines="skip", engine="python")
    return max(pd.to_datetime(raw[c], errors="coerce", format="mixed").max() for c in cols).date()


def test_la001_the_shared_folder_loads_in_one_command(store_url, shared_data):
    code, out = _run(store_url, "load-all", shared_data)
    assert code == 0, out
    lines = {line.split(" -> ")[0]: line for line in out.splitlines()}
    expected = {"London_Borough_Excluding_MHW.geojson": "boundaries", "ncpr_uk_snapshot_2017-11_full.csv": "ncr",
                "ncpr_london_subset_2019-2020.csv": "ncr", "dft_ev_charging_devices_by_la_2019_2022.csv": "dft-devices",
                "dft_rapid_devices_london_2019_2025.csv": "dft-devices",
                "dft_ev_charging_devices_uk_quarterly_2015_2022.csv": "dft-devices",
                "london_borough_population_area.csv": "population",
                "london_plugin_vehicles_by_borough_quarterly_approx.csv": "plugin-vehicles"}
    for name, source in expected.items():
        assert lines[name].startswith(f"{name} -> {source} -> ok (run "), lines[name]
    for name, why in (("acn_caltech_jpl_sessions_2021.csv", "none of which is a device in the store"),
                      ("chargeplace_scotland_monthly_chargepoint_usage.csv", "not one row per session"),
                      ("london_boroughs_simplified.geojson", "another boundaries file is loaded")):
        assert lines[name].startswith(f"{name} -> skipped: ") and why in lines[name]
    assert "1067 devices with power band 'unknown' (no connector power in the file)" in \
        lines["ncpr_london_subset_2019-2020.csv"]
    # Boundaries first, then the older registry snapshot before the newer (which wins for a shared device).
    order = [line.split(" -> ")[0] for line in out.splitlines() if " -> ok (run " in line]
    assert order[0] == "London_Borough_Excluding_MHW.geojson"
    assert order.index("ncpr_uk_snapshot_2017-11_full.csv") < order.index("ncpr_london_subset_2019-2020.csv")
    _check_store(store_url, shared_data)


def _check_store(url, shared_data):
    full = pd.read_csv(shared_data / "ncpr_uk_snapshot_2017-11_full.csv", dtype=str, on_bad_lines="skip",
                       engine="python", usecols=["chargeDeviceID"])
    subset = pd.read_csv(shared_data / "ncpr_london_subset_2019-2020.csv", dtype=str)
    shared = len(set(full["chargeDeviceID"]) & set(subset["chargeDeviceID"]))
    code, out = _run(url, "status", "--json")
    st = json.loads(out)
    # SOURCES.md: 677 London devices in the 2017 file, 1,067 in the subset; a device in both is one device.
    assert st["counts"]["london_devices"] == 677 + 1067 - shared == sum(st["devices_by_band"].values())
    assert st["devices_by_band"]["unknown"] == len(subset)  # the subset has no connector power at all
    engine = new_store(url)
    r = schema.rollup_daily_borough.c
    with engine.connect() as conn:  # the derived rollups count the unknown band: the default view's count
        last_day = conn.execute(select(func.max(r.day))).scalar()
        in_service = conn.execute(select(func.sum(r.devices_in_service)).where(r.day == last_day)).scalar()
    frame = spans.spans(engine)
    engine.dispose()
    snapshot = _newest(shared_data / "ncpr_london_subset_2019-2020.csv", "dateUpdated", "dateCreated")
    assert last_day == snapshot and in_service == st["counts"]["london_devices"]  # never 'the year to today'
    dft = pd.read_csv(shared_data / "dft_rapid_devices_london_2019_2025.csv", parse_dates=["date"])["date"].max()
    assert spans.default_period(frame, "devices")[1] == snapshot
    assert spans.default_period(frame, "official")[1] == dft.date()
    text = st["provenance"]
    assert f"registry snapshot {snapshot.day} {snapshot:%b %Y}" in text
    assert f"DfT EV charging statistics, {dft:%b %Y}" in text and "ONS mid-2020 population" in text
    assert [x["kind"] for x in st["spans"]] == ["devices", "official_counts", "population", "plugin_vehicles",
                                                "boundaries"]


def test_la002_files_told_by_header_and_manifest_and_a_bad_file_fails_alone(sqlite_url, shared_data, tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(shared_data / "london_boroughs_simplified.geojson", folder / "a.json")
    shutil.copy(shared_data / "london_plugin_vehicles_by_borough_quarterly_approx.csv", folder / "b.csv")
    shutil.copy(shared_data / "ncpr_london_subset_2019-2020.csv", folder / "registry.csv")
    (folder / "cut.csv").write_text("la_code,la_name,date,total_devices\nE09000001,City,2024-01-01,12\nE09000002,Bar")
    (folder / "load-all.toml").write_text('[files."registry.csv"]\nsource = "ncr"\noptions = { as-of = "2021-01-15", replace = true }\n'
                                          '[files."b.csv"]\nskip = "not this quarter"\n')
    url = sqlite_url
    code, out = _run(url, "load-all", folder, "--plan")
    assert code == 0 and "a.json -> boundaries" in out and "cut.csv -> dft-devices" in out
    code, out = _run(url, "load-all", folder)
    assert code == 1, out  # one file failed: non-zero, the others loaded
    lines = {line.split(" -> ")[0]: line for line in out.splitlines()}
    assert "-> failed (run " in lines["cut.csv"] and "truncated file" in lines["cut.csv"]
    assert lines["b.csv"] == "b.csv -> skipped: not this quarter"
    assert "registry.csv -> ncr -> ok" in lines["registry.csv"]
    engine = new_store(url)
    assert spans.spans(engine).set_index("kind").loc["devices", "data_date"].isoformat() == "2021-01-15"
    assert "official_counts" not in set(spans.spans(engine)["kind"])  # the failed run wrote nothing
    assert last_run(engine)["status"] == "failed"
    engine.dispose()


def test_la003_a_folder_with_nothing_to_load_is_one_line_and_non_zero(sqlite_url, tmp_path, capsys):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "notes.md").write_text("# nothing here\n")
    (folder / "sheet.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    assert cli(sqlite_url, "load-all", folder) == 1
    assert "no file in" in capsys.readouterr().err
    assert [i.reason[:13] for i in load_all.plan(folder)] == ["not a data fi", "a binary file"]
    assert cli(sqlite_url, "load-all", folder / "absent") == 1
    assert "is not a folder" in capsys.readouterr().err
    (folder / "load-all.toml").write_text('[files."x.csv"]\nsource = "nonsense"\n')
    with pytest.raises(SourceError, match="needs source"):
        load_all.plan(folder)
