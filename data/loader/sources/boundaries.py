"""`boundaries`: London borough polygons (GLA London_Borough_Excluding_MHW or ONS LADyyCD GeoJSON)."""

from __future__ import annotations

import json
import logging
import re

import pandas as pd
import shapely
from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from data import geo, schema
from data.loader.sources import boundary_checks as checks
from data.loader.sources.base import Parsed, SourceError, option_parser
from data.loader.sources.fetch import read_text
from data.loader.sources.runner import run_source
from data.loader.store import bulk_insert

log = logging.getLogger(__name__)
SOURCE = "boundaries"
# ONS statistical Inner London (as the GLA file's ONS_INNER flags it), for files without that flag.
INNER = {f"E09{n:06d}" for n in (1, 7, 12, 13, 14, 19, 20, 22, 23, 25, 28, 30, 32, 33)}
_CODE = re.compile(r"^(gss_?code|lad\d\dcd|lad\d{4}cd|code|ctyua\d\dcd)$", re.IGNORECASE)
_NAME = re.compile(r"^(name|lad\d\dnm|lad\d{4}nm|ctyua\d\dnm)$", re.IGNORECASE)


def _parser():
    p = option_parser(SOURCE)
    p.add_argument("--tolerance-m", type=float, default=40.0, help="web simplification tolerance (m)")
    p.add_argument("--partial", action="store_true",
                   help="the file holds only some boroughs: replace those, keep the others stored")
    p.add_argument("--overlap-tolerance-m2", type=float, default=checks.DEFAULT_OVERLAP_M2,
                   help="refuse two boroughs overlapping by more than this area (m²)")
    return p


def _features(text: str) -> list[dict]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not GeoJSON ({exc.msg} at line {exc.lineno}; truncated?): "
                          "expected a FeatureCollection of borough polygons") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(
            doc.get("features"), list):
        raise SourceError("not a GeoJSON FeatureCollection: expected borough polygons with "
                          "GSS_CODE/NAME or LADyyCD/LADyyNM properties")
    return doc["features"]


def _key(props: dict, pattern: re.Pattern) -> str | None:
    return next((k for k in props if pattern.match(k)), None)


def parse(location: str, opts, conn: Connection | None = None) -> Parsed:
    """GeoJSON -> boroughs rows (E09 codes only) with full and gap-free simplified geometry."""
    parsed = Parsed(SOURCE, location)
    features = _features(read_text(location, opts.timeout))
    rows, geoms, drawn = [], [], []
    for i, feat in enumerate(features, start=1):
        parsed.rows_in += 1
        props = (feat or {}).get("properties") or {}
        code_key, name_key = _key(props, _CODE), _key(props, _NAME)
        if code_key is None:
            raise SourceError("no borough code property (GSS_CODE or LADyyCD) on the features: "
                              f"found {', '.join(props)[:200]}")
        code = str(props.get(code_key) or "").strip()
        if not code.startswith("E09"):
            parsed.notes["features outside London (not E09) skipped"] += 1
            continue
        try:
            geom = geo.parse_geometry(feat.get("geometry"))
        except Exception as exc:  # noqa: BLE001 - any undecodable geometry is one bad feature
            parsed.bad(i, props, f"bad geometry: {str(exc)[:100]}")
            continue
        if code in {r["gss_code"] for r in rows}:
            parsed.bad(i, props, f"duplicate borough: {code}")
            continue
        rows.append(_row(code, props, name_key, geom, location))
        geoms.append(geom)
        drawn.append(feat.get("geometry"))
    if not rows:
        raise SourceError("no London borough (E09 code) in this GeoJSON: expected London's 33 "
                          "local authorities")
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise SourceError("the coordinates are projected (British National Grid?), not longitude/latitude: "
                          "re-export as WGS84, e.g. ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson in.shp")
    _refuse_misplacing(rows, geoms, drawn, opts, conn)
    for row, web in zip(rows, geo.simplify_web(geoms, opts.tolerance_m), strict=True):
        row["geometry_web"] = geo.to_geojson(web)
    if len(rows) != 33:
        parsed.notes[f"boroughs (London has 33) in the file (--partial): {len(rows)}"] += 1
    parsed.tables["boroughs"] = pd.DataFrame(rows)
    return parsed


def _refuse_misplacing(rows: list[dict], geoms: list, drawn: list, opts, conn: Connection | None) -> None:
    """Invalid polygons, overlaps (with the stored boroughs a partial file keeps) and missing boroughs."""
    for row, obj in zip(rows, drawn, strict=True):
        checks.check_valid(row["gss_code"], row["name"], obj)
    codes = [r["gss_code"] for r in rows]
    kept = checks.stored_geometries(conn, set(codes)) if opts.partial else []
    mine = [(r["gss_code"], r["name"], g) for r, g in zip(rows, geoms, strict=True)]
    checks.check_overlaps(mine + kept, opts.overlap_tolerance_m2)
    checks.check_complete(codes, opts.partial)


def _row(code: str, props: dict, name_key: str | None, geom, location: str) -> dict:
    area = props.get("AREA_KM2")
    if area is None and props.get("HECTARES") is not None:
        area = float(props["HECTARES"]) / 100
    inner = props.get("ONS_INNER")
    inner = code in INNER if inner is None else str(inner).upper() in ("T", "TRUE", "1", "Y")
    return {"gss_code": code, "name": str(props.get(name_key) or code).strip(),
            "inner_outer": "Inner" if inner else "Outer",
            "area_km2": float(area) if area is not None else round(geo.area_km2(geom), 3),
            "geometry": geo.to_geojson(geom), "boundary_source": location}


def write(conn: Connection, parsed: Parsed) -> None:
    """Replace those boroughs' rows, then give every device its borough again."""
    frame = parsed.tables["boroughs"]
    t = schema.boroughs
    conn.execute(t.delete().where(t.c.gss_code.in_(frame["gss_code"].tolist())))
    bulk_insert(conn, t, frame)
    moved = reassign_devices(conn)
    if moved:
        parsed.notes["devices whose borough changed"] += moved


def borough_index(conn: Connection) -> geo.BoroughIndex:
    """The stored boundaries as a spatial index (empty when no boundaries are loaded)."""
    t = schema.boroughs
    return geo.BoroughIndex.from_geojson_texts(
        conn.execute(select(t.c.gss_code, t.c.geometry).order_by(t.c.gss_code)).all())


def reassign_devices(conn: Connection) -> int:
    """Point-in-polygon every device against the stored boundaries; returns how many changed."""
    d = schema.devices
    devices = pd.DataFrame(conn.execute(select(d.c.device_id, d.c.latitude, d.c.longitude,
                                               d.c.gss_code)).all(),
                           columns=["device_id", "lat", "lon", "gss_code"])
    if devices.empty:
        return 0
    new = pd.Series(borough_index(conn).assign(devices["lat"], devices["lon"]), index=devices.index)
    changed = devices[new.ne(devices["gss_code"]) & ~(new.isna() & devices["gss_code"].isna())]
    if not changed.empty:
        conn.execute(update(d).where(d.c.device_id == bindparam("b_id")).values(gss_code=bindparam("b_gss")),
                     [{"b_id": i, "b_gss": g} for i, g in zip(changed["device_id"], new[changed.index],
                                                                strict=True)])
    log.info("boundaries: %d of %d devices changed borough", len(changed), len(devices))
    return len(changed)


def load(engine, location: str, options=None) -> int | None:
    """`python -m data.loader load boundaries FILE_OR_URL`."""
    return run_source(engine, SOURCE, location, options or {}, _parser(), parse, write)
