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
from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, Table
from sqlalchemy.engine import Connection

from data.loader import store

READ_ROWS = 100_000
_names = itertools.count()


class Staged:
    """Frames of ``columns`` of ``target``, staged in ``conn`` (typed as there; times as int64 nanoseconds) or in
    memory."""

    def __init__(self, target: Table, columns: list[str], conn: Connection | None = None):
        self.columns = list(columns)
        self.conn = conn
        self.rows = 0
        self._frames: list[pd.DataFrame] = []
        self.table = None
        self.times: list[str] = []
        if conn is not None:
            cols = [Column("seq", Integer, primary_key=True, autoincrement=False)]
            # times as int64 nanoseconds: no text formatting on the way in nor parsing on the way out (SQLite)
            self.times = [c for c in self.columns if isinstance(target.c[c].type, DateTime)]
            cols += [Column(c, BigInteger if c in self.times else target.c[c].type) for c in self.columns]
            self.table = Table(f"staged_{target.name}_{next(_names)}", MetaData(), *cols,
                               prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
            self.table.create(conn)

    def add(self, frame: pd.DataFrame) -> None:
        frame = frame[self.columns]
        if self.table is None:
            self._frames.append(frame.reset_index(drop=True))
        elif len(frame):
            seq = pd.RangeIndex(self.rows, self.rows + len(frame))
            frame = frame.assign(**{c: frame[c].to_numpy(dtype="datetime64[ns]").view("int64") for c in self.times})
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
        # the driver's plain tuples (SQLAlchemy's typed rows cost a call per value)
        sql = (f'SELECT {", ".join(self.columns)} FROM "{t.name}" '  # noqa: S608 - our own names
               f"WHERE seq >= {mark} AND seq < {mark} ORDER BY seq")
        cur = self.conn.connection.driver_connection.cursor()
        try:
            for start in range(0, self.rows, rows):
                cur.execute(sql, (start, start + rows))
                frame = pd.DataFrame(cur.fetchall(), columns=self.columns)
                for c in self.times:
                    frame[c] = frame[c].to_numpy(dtype="int64").view("datetime64[ns]")
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
