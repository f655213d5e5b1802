"""Good rows of a file read in chunks, set aside until the whole file is read (issue 18 item 12: bounded memory).

With a store connection (the refresh's own write transaction) the rows go, a chunk at a time, into a temporary
table of that transaction: a refused or failed run rolls it back with everything else, a committed run drops
it, and nothing outside the transaction ever sees it. Without one (a parse with no store, as in tests) the
chunks are kept in memory. Either way ``chunks()`` gives them back in order and ``len`` counts them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pandas as pd
from sqlalchemy import Column, DateTime, Integer, MetaData, Table
from sqlalchemy.engine import Connection

from data.loader import store

READ_ROWS = 100_000
_names = itertools.count()


class Staged:
    """Frames of ``columns`` of ``target`` (typed as there), staged in ``conn`` or in memory."""

    def __init__(self, target: Table, columns: list[str], conn: Connection | None = None):
        self.columns = list(columns)
        self.conn = conn
        self.rows = 0
        self._frames: list[pd.DataFrame] = []
        self.table = None
        if conn is not None:
            cols = [Column("seq", Integer, primary_key=True, autoincrement=False)]
            cols += [Column(c, target.c[c].type) for c in self.columns]
            self.table = Table(f"staged_{target.name}_{next(_names)}", MetaData(), *cols,
                               prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
            self.table.create(conn)

    def add(self, frame: pd.DataFrame) -> None:
        frame = frame[self.columns]
        if self.table is None:
            self._frames.append(frame.reset_index(drop=True))
        elif len(frame):
            seq = pd.RangeIndex(self.rows, self.rows + len(frame))
            store.bulk_insert(self.conn, self.table, frame.set_axis(seq).reset_index(names="seq"))
        self.rows += len(frame)

    def __len__(self) -> int:
        return self.rows

    def chunks(self, rows: int = READ_ROWS) -> Iterator[pd.DataFrame]:
        """The staged rows in the order they were added, ``rows`` at a time (memory: each frame as added)."""
        if self.table is None:
            yield from self._frames
            return
        t = self.table
        mark = "%s" if store.is_postgres(self.conn) else "?"
        # the driver's plain tuples (SQLAlchemy's typed rows cost a call per value); SQLite's text dates parsed once
        sql = (f'SELECT {", ".join(self.columns)} FROM "{t.name}" '  # noqa: S608 - our own names
               f"WHERE seq >= {mark} AND seq < {mark} ORDER BY seq")
        cur = self.conn.connection.driver_connection.cursor()
        dates = [c for c in self.columns if isinstance(t.c[c].type, DateTime)]
        try:
            for start in range(0, self.rows, rows):
                cur.execute(sql, (start, start + rows))
                frame = pd.DataFrame(cur.fetchall(), columns=self.columns)
                for c in dates:
                    frame[c] = pd.to_datetime(frame[c], format="ISO8601")
                yield frame
        finally:
            cur.close()

    def frame(self) -> pd.DataFrame:
        """Everything staged as one frame (small files, tests)."""
        parts = list(self.chunks())
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=self.columns)

    def drop(self) -> None:
        """Drop the temporary table now (within the transaction); memory chunks are let go."""
        if self.table is not None:
            self.table.drop(self.conn)
            self.table = None
        self._frames = []
