"""What every source adapter shares: the parse result, the one-line failure, the option parser."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

DEFAULT_MAX_BAD_SHARE = 0.20


class SourceError(RuntimeError):
    """The input as a whole is unusable: the message is the one line the officer sees."""


@dataclass
class Parsed:
    """A source parsed into schema-shaped frames, before anything touches the store."""

    source: str
    location: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    quarantined: list[tuple[int | None, str, str]] = field(default_factory=list)
    rows_in: int = 0
    notes: Counter = field(default_factory=Counter)
    data_date: date | None = None  # the file's own date when it states one (a registry snapshot's)

    def bad(self, row_number: int | None, raw, reason: str) -> None:
        """Quarantine one input row: it is kept with its reason, never silently dropped."""
        self.quarantined.append((row_number, raw_text(raw), reason))

    @property
    def rows_loaded(self) -> int:
        main = next(iter(self.tables.values()), None)
        return 0 if main is None else len(main)

    def reasons(self) -> Counter:
        """Quarantined rows counted by reason (the reason's text before any ':' detail)."""
        return Counter(reason.split(":", 1)[0] for _, _, reason in self.quarantined)

    def bad_share(self) -> float:
        return len(self.quarantined) / self.rows_in if self.rows_in else 0.0

    def summary(self) -> str:
        """One line for the officer: rows in, loaded, quarantined by reason, notes."""
        parts = [f"{self.source}: {self.rows_in} rows read, {self.rows_loaded} loaded"]
        if self.quarantined:
            by = ", ".join(f"{n} {r}" for r, n in sorted(self.reasons().items()))
            parts.append(f"{len(self.quarantined)} quarantined ({by})")
        parts += [f"{n} {note}" for note, n in sorted(self.notes.items())]
        return "; ".join(parts)


def raw_text(raw) -> str:
    """A quarantined row as text, capped so a huge field cannot bloat the store."""
    if isinstance(raw, str):
        text = raw
    elif isinstance(raw, (list, tuple)):
        text = ",".join("" if v is None else str(v) for v in raw)
    else:
        text = json.dumps(raw, default=str, ensure_ascii=False)
    return text if len(text) <= 4000 else text[:4000] + f"... [{len(text)} chars]"


def share(value: str) -> float:
    """argparse type for a share in 0..1 (also accepts a percentage such as 20%)."""
    number = float(value.rstrip("%")) / (100 if value.endswith("%") else 1)
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a share between 0 and 1")
    return number


def option_parser(source: str) -> argparse.ArgumentParser:
    """The options every source takes; adapters add their own."""
    parser = argparse.ArgumentParser(prog=f"python -m data.loader load {source}", add_help=False)
    parser.add_argument("--max-bad-share", type=share, default=DEFAULT_MAX_BAD_SHARE,
                        help="refuse the run when more than this share of rows is bad (default 0.2)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a URL")
    parser.add_argument("--dry-run", action="store_true", help="parse and report, write nothing")
    return parser


def parse_options(parser: argparse.ArgumentParser, options) -> argparse.Namespace:
    """Options from a CLI argument list, a dict or a Namespace; a bad option is a SourceError."""
    if isinstance(options, argparse.Namespace):
        return options
    if isinstance(options, dict):  # the CLI's -o KEY=VALUE pairs, or a caller's keyword dict
        argv = []
        for key, value in options.items():
            for item in value if isinstance(value, (list, tuple)) else [value]:
                argv += [f"--{key.replace('_', '-')}", str(item)]
        options = argv
    try:
        return parser.parse_args(list(options or []))
    except SystemExit as exc:
        raise SourceError(f"bad options {' '.join(options or [])!r} for {parser.prog}") from exc
