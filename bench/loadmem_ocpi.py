"""OCPI files for ``bench.loadmem`` (issue 18 item 12), and the fingerprint of what a load stored.

* ``cdr-bad``: an OCPI response envelope of CDRs of devices no store knows (every record bad: refused);
* ``cdr-good``: CDRs of the registry subset's devices, distinct (device, start), each device's next session 5 h
  later from 2021 on, full OCPI 2.2.1 CDRs (token, location with address and connector, one charging period,
  costs): about 900 bytes each;
* ``locations``: a national feed's Locations (one EVSE, two connectors each), one in ten at a London registry
  device's point (a few metres off), the rest across the Midlands and the North (counted, not loaded).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from sqlalchemy import select

from data import schema
from data.db import make_engine

START = time.mktime((2021, 1, 1, 0, 0, 0, 0, 0, 0))


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def cdr(i: int, uid: str, t0: float, kwh: float) -> dict:
    t1 = t0 + 1800 + (i % 11) * 600
    return {"country_code": "GB", "party_id": "BEN", "id": f"CDR{i:09d}", "start_date_time": _iso(t0),
            "end_date_time": _iso(t1), "session_id": f"S{i:09d}",
            "cdr_token": {"country_code": "GB", "party_id": "BEN", "uid": f"TOK{i % 50_000:06d}", "type": "RFID",
                          "contract_id": f"GB-BEN-C{i % 50_000:06d}"},
            "auth_method": "WHITELIST",
            "cdr_location": {"id": f"LOC-{uid}", "name": "Bench Street car park", "address": "1 Bench Street",
                             "city": "London", "postal_code": "N1 1AA", "country": "GBR",
                             "coordinates": {"latitude": "51.530000", "longitude": "-0.120000"},
                             "evse_uid": uid, "evse_id": f"GB*BEN*E{uid}", "connector_id": "1",
                             "connector_standard": "IEC_62196_T2", "connector_format": "SOCKET",
                             "connector_power_type": "AC_3_PHASE"},
            "currency": "GBP",
            "charging_periods": [{"start_date_time": _iso(t0),
                                  "dimensions": [{"type": "ENERGY", "volume": kwh}, {"type": "TIME", "volume": 0.5}],
                                  "tariff_id": "T1"}],
            "total_cost": {"excl_vat": round(kwh * 0.45, 2), "incl_vat": round(kwh * 0.54, 2)},
            "total_energy": kwh, "total_time": (t1 - t0) / 3600, "last_updated": _iso(t1)}


def _write_json(path: Path, mb: float, head: str, tail: str, make) -> int:
    """``head``, then ``make(i)`` objects joined by commas (5,000 at a time) until ``mb`` MB, then ``tail``."""
    n, limit = 0, int(mb * 1_000_000)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(head)
        while fh.tell() < limit:
            fh.write((",\n" if n else "") + ",\n".join(json.dumps(make(i)) for i in range(n, n + 5000)))
            n += 5000
        fh.write(tail)
    return n


def write_cdrs(path: Path, mb: float, devices: list[str] | None) -> int:
    """An envelope of CDRs until ``mb`` MB: of ``devices`` round robin (good), or of unknown devices (None)."""

    def make(i: int) -> dict:
        if devices is None:
            return cdr(i, f"GHOST-{i:08d}", START + (i % 1000) * 3600, (i % 40) + 0.5)
        k, dev = divmod(i, len(devices))
        return cdr(i, devices[dev], START + k * 5 * 3600 + (i % 7) * 60, (i % 40) + 0.5)

    return _write_json(path, mb, '{"data": [\n', '\n], "status_code": 1000, "status_message": "Success", '
                       '"timestamp": "2021-06-01T00:00:00Z"}\n', make)


def location(i: int, lat: float, lon: float) -> dict:
    uid = f"BEN-EVSE-{i:08d}"
    con = {"format": "SOCKET", "power_type": "AC_3_PHASE", "max_voltage": 400, "max_amperage": 32,
           "tariff_ids": ["T1"], "last_updated": "2021-01-01T00:00:00Z"}
    return {"country_code": "GB", "party_id": "BEN", "id": f"BEN-LOC-{i:08d}", "publish": True,
            "name": f"Bench location {i}", "address": f"{i} Bench Road", "city": "Somewhere",
            "postal_code": "AB1 2CD", "country": "GBR",
            "coordinates": {"latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}"}, "parking_type": "ON_STREET",
            "operator": {"name": "Bench Charging Ltd", "website": "https://bench.example"},
            "evses": [{"uid": uid, "evse_id": f"GB*BEN*E{i:08d}", "status": "AVAILABLE",
                       "capabilities": ["RFID_READER", "REMOTE_START_STOP_CAPABLE"],
                       "connectors": [{"id": "1", "standard": "IEC_62196_T2", **con},
                                      {"id": "2", "standard": "DOMESTIC_G", **con, "max_amperage": 13,
                                       "power_type": "AC_1_PHASE", "max_voltage": 230}],
                       "last_updated": "2021-01-01T00:00:00Z"}],
            "time_zone": "Europe/London", "last_updated": "2021-01-01T00:00:00Z"}


def write_locations(path: Path, mb: float, london: list[tuple[float, float]]) -> int:
    """Locations (a JSON array) until ``mb`` MB; one in ten at a London point, the rest outside London."""

    def make(i: int) -> dict:
        if i % 10 == 0:
            lat, lon = london[(i // 10) % len(london)]
            return location(i, lat + (i % 7) * 1e-5, lon + (i % 5) * 1e-5)
        return location(i, 52.0 + (i % 1999) / 1000, -2.5 + (i % 1499) / 1000)

    return _write_json(path, mb, "[\n", "\n]\n", make)


def fingerprint(url: str) -> dict:
    """Counts and md5s of the sorted sessions and devices in the store (to compare two loads' results)."""
    engine = make_engine(url)
    s, d = schema.sessions, schema.devices
    out = {}
    with engine.connect() as conn:
        for name, query in (("sessions", select(s.c.device_id, s.c.started_at, s.c.ended_at, s.c.kwh, s.c.source)
                                          .order_by(s.c.device_id, s.c.started_at)),
                            ("devices", select(d.c.device_id, d.c.gss_code, d.c.latitude, d.c.longitude, d.c.max_kw,
                                               d.c.power_band, d.c.operator, d.c.status, d.c.source)
                                        .order_by(d.c.device_id))):
            digest, rows = hashlib.md5(), 0  # noqa: S324 - a fingerprint, not security
            for row in conn.execute(query):
                digest.update(("|".join(map(str, row)) + "\n").encode())
                rows += 1
            out[name] = {"rows": rows, "md5": digest.hexdigest()}
    engine.dispose()
    return out
