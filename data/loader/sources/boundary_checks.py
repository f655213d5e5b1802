"""Boundaries that would misplace devices are refused: invalid or overlapping polygons, and an incomplete set
of London's 33 boroughs unless the load says it is partial (issue 18, item 9).

Every device's borough is a point-in-polygon answer, so a self-intersecting polygon (which a repair would
reshape), two boroughs claiming the same ground, or a file missing boroughs (whose devices the next registry
load would count as outside London) would move or drop devices without anyone seeing it.
"""

from __future__ import annotations

import json

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.engine import Connection

from data import geo, schema
from data.loader.sources.base import SourceError

LONDON_CODES = tuple(f"E09{n:06d}" for n in range(1, 34))
DEFAULT_OVERLAP_M2 = 100.0  # real neighbours share borders exactly (0 m² in both GLA files); allow rounding


def check_valid(code: str, name: str, obj) -> None:
    """Refuse a polygon that is not valid as drawn (self-intersection, ring crossing): no silent repair."""
    geom = shapely.from_geojson(json.dumps(obj))
    if not geom.is_valid:
        raise SourceError(f"borough {code} ({name}) has invalid geometry ({shapely.is_valid_reason(geom)}): "
                          "a repair would move devices; fix the polygon (e.g. QGIS 'Fix geometries') and load again")


def check_complete(codes: list[str], partial: bool) -> None:
    """Refuse a file without all 33 boroughs unless ``--partial`` says only these are being replaced."""
    missing = sorted(set(LONDON_CODES) - set(codes))
    if missing and not partial:
        shown = ", ".join(missing[:5]) + (", ..." if len(missing) > 5 else "")
        raise SourceError(f"{33 - len(missing)} of London's 33 boroughs in the file (missing {shown}): their "
                          "devices would be dropped as outside London; load all 33, or add --partial to "
                          "replace only the boroughs in this file")


def stored_geometries(conn: Connection | None, leave_out: set[str]) -> list[tuple[str, str, BaseGeometry]]:
    """(code, name, geometry) of the stored boroughs a partial file keeps."""
    if conn is None:
        return []
    t = schema.boroughs
    rows = conn.execute(select(t.c.gss_code, t.c.name, t.c.geometry).where(t.c.geometry.is_not(None))).all()
    return [(c, n, shapely.from_geojson(g)) for c, n, g in rows if c not in leave_out]


def check_overlaps(boroughs: list[tuple[str, str, BaseGeometry]], tolerance_m2: float) -> None:
    """Refuse two boroughs that share more than ``tolerance_m2`` of ground (each place is in one borough)."""
    metric = [geo.to_metric(g) for _, _, g in boroughs]
    left, right = shapely.STRtree(metric).query(metric, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        area = shapely.intersection(metric[i], metric[j]).area
        if area > tolerance_m2:
            (ci, ni, _), (cj, nj, _) = boroughs[i], boroughs[j]
            raise SourceError(f"boroughs {ci} ({ni}) and {cj} ({nj}) overlap by {area / 1e6:.3f} km² (more than "
                              f"{tolerance_m2:g} m²): a device there would be in both; check that each "
                              "polygon has its own borough's code")
