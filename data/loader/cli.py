"""``python -m data.loader``: migrate, demo, load, status."""

from __future__ import annotations

import argparse
import json
import logging
import sys

import config
from data.db import make_engine
from data.loader import store
from data.loader.refresh import LockBusy, RefreshRefused

log = logging.getLogger(__name__)

EXIT_LOCK_BUSY = 3
EXIT_REFUSED = 4


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m data.loader", description="Load and inspect the store.")
    p.add_argument("--database-url", help="overrides DATABASE_URL (unset: the instance SQLite file)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the schema (idempotent)")
    demo = sub.add_parser("demo", help="replace the store's contents with a deterministic demo London")
    demo.add_argument("--scale", choices=["small", "london", "full"], default="london")
    demo.add_argument("--seed", type=int, default=2022)
    load = sub.add_parser("load", help="load one real-data SOURCE from LOCATION (file path or URL)")
    load.add_argument("source")
    load.add_argument("location")
    load.add_argument("--option", "-o", action="append", default=[], metavar="KEY=VALUE",
                      help="source-specific option, repeatable")
    every = sub.add_parser("load-all", help="load every public file a folder holds: boundaries first, then the "
                                            "rest, each its own atomic run (README: Real data in five minutes)")
    every.add_argument("folder", help="a folder of downloaded files (optionally with a load-all.toml)")
    every.add_argument("--plan", action="store_true", help="only say which file goes to which source")
    status = sub.add_parser("status", help="what is in the store")
    status.add_argument("--json", action="store_true", help="one JSON object on stdout")
    return p


def _load(engine, args) -> int:
    from data.loader.sources import SOURCES

    if args.source not in SOURCES:
        known = ", ".join(sorted(SOURCES)) or "none registered yet"
        print(f"unknown source {args.source!r} (known: {known})", file=sys.stderr)
        return 2
    # -o KEY=VALUE pairs and any other --option VALUE words go to the source's own option parser
    options = [f"--{o.split('=', 1)[0]}={o.split('=', 1)[-1]}" for o in args.option] + args.source_options
    run_id = SOURCES[args.source](engine, args.location, options)
    print(f"run {run_id}: {args.source} loaded from {args.location}")
    return 0


def _load_all(engine, args) -> int:
    from pathlib import Path

    from data.loader import load_all

    folder = Path(args.folder)
    if args.plan:
        for item in load_all.plan(folder):
            print(f"{item.path.name} -> {item.source or 'skipped: ' + item.reason}")
        return 0
    store.migrate(engine)
    items = load_all.load_folder(engine, folder)
    print(load_all.summary(items))
    return 1 if any(i.status in ("failed", "refused") for i in items) else 0


def _dispatch(engine, args) -> int:
    if args.command == "migrate":
        version = store.migrate(engine)
        print(f"schema version {version} ready on {engine.dialect.name}")
        return 0
    if args.command == "demo":
        from data.loader.demo import build_demo

        store.migrate(engine)
        run_id = build_demo(engine, scale=args.scale, seed=args.seed)
        print(f"run {run_id}: demo London (scale {args.scale}, seed {args.seed}) is in the store")
        return 0
    if args.command == "load":
        store.migrate(engine)
        return _load(engine, args)
    if args.command == "load-all":
        return _load_all(engine, args)
    from data.loader.status import format_status, store_status

    st = store_status(engine)
    print(json.dumps(st, indent=2) if args.json else format_status(st))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; returns the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "load":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.source_options = extra
    try:
        url = args.database_url or config.settings().database_url  # DATABASE_URL when no flag
    except config.ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    engine = make_engine(url)
    try:
        return _dispatch(engine, args)
    except LockBusy as exc:
        print(f"refresh not started: {exc}", file=sys.stderr)
        return EXIT_LOCK_BUSY
    except RefreshRefused as exc:
        print(f"run {exc.run_id} {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
