"""Borough geometry: GeoJSON in and out, gap-free web simplification, point-in-polygon by STRtree."""

from __future__ import annotations

import json
import math

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

# A local equirectangular projection centred on London: metres within about 0.5% across Greater
# London, and affine, so a coverage (shared borders) stays a coverage through it and back.
_LAT0 = 51.5
_MX = 111_320.0 * math.cos(math.radians(_LAT0))
_MY = 110_574.0


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: xy * np.array([_MX, _MY]))


def from_metric(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: xy / np.array([_MX, _MY]))


def area_km2(geom: BaseGeometry) -> float:
    """Area of a lon/lat polygon in km² (the local projection is within 0.5% in London)."""
    return float(to_metric(geom).area) / 1e6


def parse_geometry(obj) -> BaseGeometry:
    """A GeoJSON geometry object to a valid shapely polygon or multipolygon."""
    geom = shapely.from_geojson(json.dumps(obj))
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type == "GeometryCollection":  # make_valid may leave stray lines: keep the areas
        geom = shapely.union_all([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"not an area: {geom.geom_type}")
    return geom


def simplify_web(geoms: list[BaseGeometry], tolerance_m: float = 40.0) -> list[BaseGeometry]:
    """Simplified copies of a coverage, shared borders simplified once so no gaps or overlaps open."""
    metric = [to_metric(g) for g in geoms]
    simple = shapely.coverage_simplify(np.array(metric, dtype=object), tolerance_m)
    out = []
    for original, geom in zip(geoms, simple, strict=True):
        geom = shapely.set_precision(from_metric(geom), 1e-5)
        out.append(geom if not geom.is_empty else original)
    return out


def to_geojson(geom: BaseGeometry) -> str:
    return shapely.to_geojson(geom)


class BoroughIndex:
    """Which borough contains each point: one STRtree query for all points, not a test per polygon."""

    def __init__(self, codes: list[str], geoms: list[BaseGeometry]):
        self.codes = np.array(codes, dtype=object)
        self.tree = shapely.STRtree(geoms)

    @classmethod
    def from_geojson_texts(cls, rows) -> BoroughIndex:
        """Build from (gss_code, GeoJSON geometry text) pairs, as stored in the boroughs table."""
        rows = [(code, text) for code, text in rows if text]
        return cls([c for c, _ in rows], [shapely.from_geojson(t) for _, t in rows])

    def __len__(self) -> int:
        return len(self.codes)

    def assign(self, lat, lon) -> np.ndarray:
        """GSS code per point (None outside every polygon); a point on a shared border gets one code."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        out = np.full(len(lat), None, dtype=object)
        if not len(lat) or not len(self.codes):
            return out
        points = shapely.points(lon, lat)
        point_idx, tree_idx = self.tree.query(points, predicate="intersects")
        # Lowest polygon index wins on a border, so the answer does not depend on query order.
        order = np.lexsort((tree_idx, point_idx))
        point_idx, tree_idx = point_idx[order], tree_idx[order]
        first = np.unique(point_idx, return_index=True)[1]
        out[point_idx[first]] = self.codes[tree_idx[first]]
        return out
