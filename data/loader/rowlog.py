"""Quarantine rows in bounded memory: the first rows in a list, the rest spilled to a temporary file.

A file of two million bad rows once held every one of them in memory twice (the parse's list and the run's
dicts, 2.76 GB at peak). A ``RowLog`` keeps ``memory_rows`` in memory and pickles the rest to an anonymous
temporary file in batches, counting rows by reason as they come; iterating gives them back in order. A
refused run writes only a sample (the first rows); a committed run streams them all into the table.
"""

from __future__ import annotations

import pickle
import tempfile
from collections import Counter
from collections.abc import Iterator

Row = tuple[int | None, str | None, str]  # (row number, raw row text, reason)


class RowLog:
    """An append-only sequence of quarantine rows with counts by reason (the text before any ':')."""

    def __init__(self, memory_rows: int = 1000, batch_rows: int = 10_000):
        self.memory_rows, self.batch_rows = memory_rows, batch_rows
        self.head: list[Row] = []
        self.batch: list[Row] = []
        self.file = None
        self.count = 0
        self.reasons: Counter = Counter()

    def append(self, row: Row) -> None:
        self.count += 1
        self.reasons[row[2].split(":", 1)[0]] += 1
        if len(self.head) < self.memory_rows:
            self.head.append(row)
            return
        self.batch.append(row)
        if len(self.batch) >= self.batch_rows:
            self._spill()

    def _spill(self) -> None:
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="quarantine-")  # noqa: SIM115 - closed by close()
        self.file.seek(0, 2)
        pickle.dump(self.batch, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.batch = []

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Row]:
        yield from self.head
        if self.file is not None:
            self.file.seek(0)
            while True:
                try:
                    # our own temporary file, written above: nothing foreign is unpickled
                    batch = pickle.load(self.file)  # noqa: S301
                except EOFError:
                    break
                yield from batch
        yield from self.batch

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
