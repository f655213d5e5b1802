"""Borough geometry: gap-free web simplification, STRtree assignment, ONS LADyyCD files."""

from __future__ import annotations

import json

import pytest
import shapely

from data import geo
from data.loader.sources import boundaries
from data.loader.sources.base import parse_options

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def gla(shared_data):
    doc = json.loads((shared_data / "London_Borough_Excluding_MHW.geojson").read_text())
    return doc, [geo.parse_geometry(f["geometry"]) for f in doc["features"]]


def test_ge001_web_geometry_stays_a_coverage(gla):
    _, full = gla
    web = geo.simplify_web(full)
    # Far fewer vertices (48,548 -> about 6,500 at 40 m), every polygon valid...
    assert sum(len(shapely.get_coordinates(g)) for g in web) < 10_000
    assert all(g.is_valid for g in web)
    # ...no overlaps (the parts' areas add up to their union) and no gaps (London stays one piece
    # with no holes, as the full-resolution union is).
    union = shapely.union_all(web)
    assert sum(g.area for g in web) == pytest.approx(union.area, rel=1e-6)
    assert union.geom_type == "Polygon" and len(union.interiors) == len(shapely.union_all(full).interiors) == 0


def test_ge002_strtree_assignment(gla):
    doc, full = gla
    codes = [f["properties"]["GSS_CODE"] for f in doc["features"]]
    index = geo.BoroughIndex(codes, full)
    # Trafalgar Square (Westminster), Tower of London (Tower Hamlets), Paris (none).
    got = index.assign([51.5080, 51.5081, 48.85], [-0.1281, -0.0759, 2.35])
    assert list(got) == ["E09000033", "E09000030", None]
    # A vertex shared by two boroughs gets one answer, the same each time.
    border = shapely.get_coordinates(shapely.intersection(full[codes.index("E09000033")].boundary,
                                                          full[codes.index("E09000007")].boundary))
    shared = border[len(border) // 2]
    assert index.assign([shared[1]] * 2, [shared[0]] * 2)[0] in ("E09000033", "E09000007")


def test_ge003_ons_lad_properties(gla, tmp_path):
    doc, _ = gla
    features = [{"type": "Feature", "properties": {"LAD21CD": f["properties"]["GSS_CODE"],
                                                   "LAD21NM": f["properties"]["NAME"]},
                 "geometry": f["geometry"]} for f in doc["features"]]
    features.append({"type": "Feature", "properties": {"LAD21CD": "E06000001", "LAD21NM": "Hartlepool"},
                     "geometry": {"type": "Polygon", "coordinates": [[[-1.3, 54.6], [-1.2, 54.6],
                                                                      [-1.2, 54.7], [-1.3, 54.6]]]}})
    path = tmp_path / "lad21.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    parsed = boundaries.parse(str(path), parse_options(boundaries._parser(), []))
    frame = parsed.tables["boroughs"].set_index("gss_code")
    assert len(frame) == 33 and parsed.notes["features outside London (not E09) skipped"] == 1
    assert (frame["inner_outer"] == "Inner").sum() == 14 and frame.at["E09000025", "inner_outer"] == "Inner"
    # No HECTARES here: the area is computed from the (mean-high-water) polygon, so it matches the
    # GLA's land area (HECTARES - NONLD_AREA, the Thames) within 1.5% for every borough.
    land = {f["properties"]["GSS_CODE"]: (f["properties"]["HECTARES"] - f["properties"]["NONLD_AREA"]) / 100
            for f in doc["features"]}
    assert all(abs(frame.at[c, "area_km2"] / a - 1) < 0.015 for c, a in land.items())
