"""Loader peak memory on big CSV files (issue 18 item 12): ``python -m data.loader load sessions-csv FILE`` in a
child process under ``/usr/bin/time -v`` (its "Maximum resident set size"), for a file of bad rows (refused)
and a file of good sessions (loaded). Prints; never asserts.

    python -m bench.loadmem                  # two 200 MB files in /tmp/loadmem, SQLite
    python -m bench.loadmem --mb 20          # a quick run
    python -m bench.loadmem --database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB  # an empty database

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


def base_store(url: str, shared: Path = SHARED) -> list[str]:
    """Boundaries and the registry subset into ``url``; returns the device ids."""
    engine = make_engine(url)
    store.migrate(engine)
    SOURCES["boundaries"](engine, str(shared / "london_boroughs_simplified.geojson"), [])
    SOURCES["ncr"](engine, str(shared / "ncpr_london_subset_2019-2020.csv"), [])
    with engine.connect() as conn:
        ids = sorted(conn.execute(select(schema.devices.c.device_id)).scalars())
    engine.dispose()
    return ids


def measured_load(url: str, path: Path) -> dict:
    """The loader in a child under /usr/bin/time -v: exit code, peak RSS (MB), wall and CPU seconds."""
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "data.loader", "--database-url", url,
           "load", "sessions-csv", str(path)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.loadmem", description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=float, default=200.0, help="size of each generated file (default 200)")
    p.add_argument("--dir", type=Path, default=Path("/tmp/loadmem"), help="where files and stores go")
    p.add_argument("--database-url", help="an empty store to use instead of SQLite copies (loaded in place)")
    p.add_argument("--shared-data", type=Path, default=SHARED, help="the real files (default ../shared/data)")
    args = p.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    base = args.dir / "base.sqlite"
    for stale in args.dir.glob("*.sqlite*"):
        stale.unlink()
    devices = base_store(args.database_url or f"sqlite:///{base}", args.shared_data)
    files = {"bad": args.dir / f"bad-{args.mb:g}mb.csv", "good": args.dir / f"good-{args.mb:g}mb.csv"}
    rows = {"bad": write_bad(files["bad"], args.mb), "good": write_good(files["good"], args.mb, devices)}
    results = {"mb": args.mb, "store": "postgresql" if args.database_url else "sqlite", "runs": {}}
    for kind in ("bad", "good"):
        url = args.database_url
        if url is None:
            copy = args.dir / f"{kind}.sqlite"
            shutil.copy(base, copy)
            url = f"sqlite:///{copy}"
        r = measured_load(url, files[kind]) | {"rows": rows[kind],
                                                "file_mb": round(files[kind].stat().st_size / 1e6)}
        results["runs"][kind] = r
        print(f"{kind:4s} file {r['file_mb']} MB, {r['rows']:,} rows: exit {r['exit']}, peak RSS "
              f"{r['peak_rss_mb']:,} MB, wall {r['wall_s']} s, CPU {r['cpu_s']} s")
        print(f"     {r['summary']}")
    save("loadmem", results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
