"""Excel's "Unicode text" (UTF-16 with a BOM, tab separated) is decoded, not called a spreadsheet."""

from __future__ import annotations

import csv

import pytest

from tests.sources_util import devices_by_borough, last_run, load, new_store


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le"])
def test_excel_unicode_text_registry_loads_as_its_csv_does(sqlite_url, tmp_path, shared_data, codec):
    source = shared_data / "ncpr_london_subset_2019-2020.csv"
    with open(source, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    unicode_text = tmp_path / "registry.txt"
    # Excel's "Unicode text": UTF-16 little-endian with a BOM, tab separated, CRLF (utf-16-le: no BOM)
    unicode_text.write_bytes(("\r\n".join("\t".join(r) for r in rows) + "\r\n").encode(codec))
    assert unicode_text.read_bytes()[:2] == b"\xff\xfe" or codec == "utf-16-le"

    engine = new_store(sqlite_url)
    load(engine, "boundaries", shared_data / "london_boroughs_simplified.geojson")
    load(engine, "ncr", source)
    expected = devices_by_borough(engine)
    load(engine, "ncr", unicode_text, "--replace")
    assert last_run(engine)["status"] == "ok"
    assert last_run(engine)["rows_in"] == len(rows) - 1
    assert devices_by_borough(engine) == expected
