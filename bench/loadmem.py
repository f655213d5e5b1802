"""Loader peak memory on big files (issue 18 item 12): ``python -m data.loader load SOURCE FILE`` in a child
process under ``/usr/bin/time -v`` (its "Maximum resident set size"), for sessions CSVs of bad rows (refused) and
of good sessions (loaded), OCPI CDR envelopes likewise, and a national OCPI Locations feed (``bench.loadmem_ocpi``).
After each load the store's sorted sessions and devices are fingerprinted (counts, md5), to compare two versions
of the loader. Prints; never asserts.

    python -m bench.loadmem                  # 200 MB files in /tmp/loadmem, SQLite, every kind
    python -m bench.loadmem --mb 20 --only cdr-good locations   # a quick run of some kinds
    python -m bench.loadmem --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB  # an empty database
    python -m bench.loadmem --code /tmp/main-export   # the loader of another checkout (a "before" figure)

The store first gets the real boundaries and the real London registry subset (../shared/data); the bad file is
sessions of unknown devices (every row bad: the run is refused), the good file sessions of the subset's devices,
distinct (device, start), a few hours apart through 2020-2021. SQLite: each run starts from a copy of that store.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from bench.ingest import save
from bench.loadmem_ocpi import fingerprint, write_cdrs, write_locations
from data import schema
from data.db import make_engine
from data.loader import store
from data.loader.sources import SOURCES

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
HEADER = "CP ID,Start,End,Total kWh\n"


def write_bad(path: Path, mb: float) -> int:
    """Sessions of devices no store knows, until the file is ``mb`` MB: every row is bad."""
    n, limit = 0, int(mb * 1_000_000)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER)
        while fh.tell() < limit:
            fh.writelines(f"GHOST-{i:08d},01/06/2020 10:00,01/06/2020 10:30,7.5\n" for i in range(n, n + 10_000))
            n += 10_000
    return n


def write_good(path: Path, mb: float, devices: list[str]) -> int:
    """Sessions of ``devices`` (round robin, each device's next start 5 h later), until the file is ``mb`` MB."""
    n, limit = 0, int(mb * 1_000_000)
    start = time.mktime((2020, 1, 1, 0, 0, 0, 0, 0, 0))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER)
        while fh.tell() < limit:
            rows = []
            for i in range(n, n + 10_000):
                k, dev = divmod(i, len(devices))
                t0 = start + k * 5 * 3600 + (i % 7) * 60
                t1 = t0 + 1800 + (i % 11) * 600
                rows.append(f"{devices[dev]},{time.strftime('%d/%m/%Y %H:%M', time.gmtime(t0))},"
                            f"{time.strftime('%d/%m/%Y %H:%M', time.gmtime(t1))},{(i % 40) + 0.5}\n")
            fh.writelines(rows)
            n += 10_000
    return n


def base_store(url: str, shared: Path = SHARED) -> tuple[list[str], list[tuple[float, float]]]:
    """Boundaries and the registry subset into ``url``; returns the device ids and their points."""
    engine = make_engine(url)
    store.migrate(engine)
    SOURCES["boundaries"](engine, str(shared / "london_boroughs_simplified.geojson"), [])
    SOURCES["ncr"](engine, str(shared / "ncpr_london_subset_2019-2020.csv"), [])
    d = schema.devices
    with engine.connect() as conn:
        rows = conn.execute(select(d.c.device_id, d.c.latitude, d.c.longitude).order_by(d.c.device_id)).all()
    engine.dispose()
    return [r[0] for r in rows], [(r[1], r[2]) for r in rows]


def measured_load(url: str, source: str, path: Path, code: Path = ROOT) -> dict:
    """The loader (of the checkout ``code``) in a child under /usr/bin/time -v: exit code, peak RSS (MB), wall and
    CPU seconds."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "data.loader", "--database-url", url,
           "load", source, str(path)]
    proc = subprocess.run(cmd, cwd=code, capture_output=True, text=True, check=False)
    err = proc.stderr

    def field(name: str) -> str:
        match = re.search(rf"{re.escape(name)}: (.+)", err)
        return match.group(1).strip() if match else ""

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(x) for x in wall.split(":")] if wall else [0.0]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    cpu = float(field("User time (seconds)") or 0) + float(field("System time (seconds)") or 0)
    summary = next((line for line in reversed(err.splitlines()) if "run " in line and ("refused" in line
                    or "committed" in line)), "")
    return {"exit": proc.returncode, "peak_rss_mb": round(int(field("Maximum resident set size (kbytes)") or 0)
                                                          / 1024), "wall_s": round(seconds, 1),
            "cpu_s": round(cpu, 1), "summary": summary[-300:]}


# kind -> (source, file suffix)
KINDS = {"bad": ("sessions-csv", "csv"), "good": ("sessions-csv", "csv"), "cdr-bad": ("ocpi-cdrs", "json"),
         "cdr-good": ("ocpi-cdrs", "json"), "locations": ("ocpi-locations", "json")}


def write(kind: str, path: Path, mb: float, devices: list[str], points: list) -> int:
    if kind == "bad":
        return write_bad(path, mb)
    if kind == "good":
        return write_good(path, mb, devices)
    if kind == "locations":
        return write_locations(path, mb, points)
    return write_cdrs(path, mb, devices if kind == "cdr-good" else None)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.loadmem", description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=float, default=200.0, help="size of each generated file (default 200)")
    p.add_argument("--dir", type=Path, default=Path("/tmp/loadmem"), help="where files and stores go")
    p.add_argument("--database-url", help="an empty store to use instead of SQLite copies (loaded in place)")
    p.add_argument("--shared-data", type=Path, default=SHARED, help="the real files (default ../shared/data)")
    p.add_argument("--only", nargs="+", choices=list(KINDS), default=list(KINDS), help="the kinds to run")
    p.add_argument("--code", type=Path, default=ROOT, help="the checkout whose loader runs (default this one)")
    args = p.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    base = args.dir / "base.sqlite"
    for stale in args.dir.glob("*.sqlite*"):
        stale.unlink()
    devices, points = base_store(args.database_url or f"sqlite:///{base}", args.shared_data)
    results = {"mb": args.mb, "store": "postgresql" if args.database_url else "sqlite", "code": str(args.code),
               "runs": {}}
    for kind in args.only:
        source, suffix = KINDS[kind]
        path = args.dir / f"{kind}-{args.mb:g}mb.{suffix}"
        if not path.exists():  # the same file for every run (delete it to make a new one)
            write(kind, path, args.mb, devices, points)
        url = args.database_url
        if url is None:
            copy = args.dir / f"{kind}.sqlite"
            shutil.copy(base, copy)
            url = f"sqlite:///{copy}"
        r = measured_load(url, source, path, args.code) | {"file_mb": round(path.stat().st_size / 1e6),
                                                          "stored": fingerprint(url)}
        results["runs"][kind] = r
        stored = ", ".join(f"{t} {v['rows']:,} md5 {v['md5'][:12]}" for t, v in r["stored"].items())
        print(f"{kind:9s} {source} {r['file_mb']} MB: exit {r['exit']}, peak RSS {r['peak_rss_mb']:,} MB, "
              f"wall {r['wall_s']} s, CPU {r['cpu_s']} s; stored {stored}")
        print(f"     {r['summary']}")
    save("loadmem", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
