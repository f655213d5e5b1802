"""Demo London: replace the store's devices, sessions and rollups with a deterministic, plausible London.

Everything happens in one refresh run (one transaction): a reader sees the old store or the demo,
never a mix. Borough boundaries already stored are kept and used to place devices.
The sessions' unique index is dropped for the bulk insert and rebuilt before the commit; on PostgreSQL
that takes an exclusive lock on ``sessions`` until the commit, so a reader of raw sessions (never the
dashboard, which reads rollups) waits for the new data instead of seeing a mix.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from shapely.geometry import shape
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, Engine
from tqdm import tqdm

from data import schema
from data.loader import demo_devices, demo_sessions, rollups, spans, store
from data.loader.refresh import refresh

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scale:
    devices_factor: float | None  # multiplier on the published counts; None = a fixed small total
    start: str
    end: str
    chunk_devices: int = 2000


SCALES = {
    "small": Scale(None, "2022-12-04", "2022-12-31"),
    "london": Scale(1.0, "2022-01-01", "2022-12-31"),
    "full": Scale(27_000 / 11_028, "2021-01-01", "2022-12-31", chunk_devices=1000),
}
SMALL_DEVICES = 300


def _polygons(conn: Connection) -> dict:
    b = schema.boroughs
    rows = conn.execute(select(b.c.gss_code, b.c.geometry).where(b.c.geometry.is_not(None))).all()
    return {gss: shape(json.loads(geom)) for gss, geom in rows}


def _upsert_boroughs(conn: Connection, ref: pd.DataFrame) -> bool:
    """Names/areas from the reference table; geometry already stored is kept. True if it added population."""
    b = schema.boroughs
    have = set(conn.execute(select(b.c.gss_code)).scalars())
    for row in ref.itertuples():
        values = {"name": row.name, "inner_outer": row.inner_outer, "area_km2": float(row.area_km2)}
        if row.gss_code in have:
            conn.execute(b.update().where(b.c.gss_code == row.gss_code).values(**values))
        else:
            conn.execute(b.insert().values(gss_code=row.gss_code, **values))
    d = schema.borough_denominators
    if not conn.execute(select(d.c.gss_code).where(d.c.measure == "population").limit(1)).first():
        store.bulk_insert(conn, d, pd.DataFrame({
            "gss_code": ref["gss_code"], "measure": "population", "period": pd.Timestamp("2020-07-01").date(),
            "value": ref["population"].astype(float),
            "source": "ONS mid-2020 estimate (implied from DfT devices per 100k), data/reference"}))
        return True
    return False


def _clear(conn: Connection) -> None:
    for t in (schema.sessions, schema.connectors, schema.devices):
        conn.execute(delete(t))


def _sessions(conn: Connection, seed: int, dev: pd.DataFrame, sc: Scale) -> tuple[int, tuple | None]:
    """Stream sessions in chunks with the unique index dropped, then build it once (far faster).

    Each chunk also feeds the rollup accumulator, so the rollups need no second read of the sessions.
    Returns the count and the sessions' span as data_spans measures it (so recording it needs no scan).
    """
    acc = rollups.Accumulator(conn)
    ux = next(i for i in schema.sessions.indexes if i.name == "ux_sessions_device_start")
    ux.drop(bind=conn)
    total, first, last = 0, None, None
    chunks = range(0, len(dev), sc.chunk_devices)
    gen = demo_sessions.generate(seed, dev, np.datetime64(sc.start), np.datetime64(sc.end), sc.chunk_devices)
    with tqdm(gen, total=len(chunks), desc="demo sessions", unit="chunk", leave=False) as bar:
        for df in bar:
            total += store.bulk_insert(conn, schema.sessions, df)
            acc.add(df)
            if len(df):
                lo, hi = pd.Timestamp(df["started_at"].min()).date(), pd.Timestamp(df["started_at"].max()).date()
                first, last = min(first or lo, lo), max(last or hi, hi)
            bar.set_postfix(sessions=f"{total:,}")
    t0 = time.perf_counter()
    ux.create(bind=conn)
    log.info("demo: %d sessions written, unique index built in %.1f s", total, time.perf_counter() - t0)
    acc.write(conn)
    return total, None if first is None else (first, last, total, last)


def build_demo(engine: Engine, scale: str = "london", seed: int = 2022) -> int:
    """Replace the store's contents with the demo London; returns the run id."""
    sc = SCALES[scale]
    store.migrate(engine)
    ref, growth = demo_devices.reference()
    rng = np.random.default_rng([seed, 0])
    t0 = time.perf_counter()
    with refresh(engine, "demo", f"scale={scale} seed={seed}") as run:
        conn = run.conn
        polygons = _polygons(conn)
        factor = sc.devices_factor or SMALL_DEVICES / ref["devices_2022q4"].sum()
        dev = demo_devices.make_devices(rng, ref, growth, factor, polygons)
        log.info("demo: %d devices generated (%s placement)", len(dev),
                 "boundary" if polygons else "centroid")
        _clear(conn)
        population = _upsert_boroughs(conn, ref)
        store.bulk_insert(conn, schema.devices, dev)
        store.bulk_insert(conn, schema.connectors, demo_devices.make_connectors(dev))
        log.info("demo: devices and connectors written")
        n, span = _sessions(conn, seed, dev, sc)
        run.count(rows_in=len(dev) + n, rows_loaded=len(dev) + n)
        spans.record(conn, run.run_id, "demo", kinds=("devices", "sessions", *(("population",) * population)),
                     measured={"sessions": {"demo": span} if span else {}})  # every session is the demo's
    log.info("demo: scale %s seed %d done in %.1f s", scale, seed, time.perf_counter() - t0)
    return run.run_id
