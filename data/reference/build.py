"""Rebuild the reference CSVs in this folder from the public files in ../shared/data (run once, by hand).

    python -m data.reference.build [SHARED_DATA_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
from shapely.geometry import shape

import config

HERE = Path(__file__).resolve().parent
LATEST = "2022-10-01"
LONDON = "E12000007"


def boroughs(src: Path) -> pd.DataFrame:
    """33 London local authorities: names, area, population, devices at the latest quarter, a centroid."""
    pop = pd.read_csv(src / "london_borough_population_area.csv")
    la = pd.read_csv(src / "dft_ev_charging_devices_by_la_2019_2022.csv")
    latest = la[(la["date"] == LATEST) & la["la_code"].str.startswith("E09")]
    geo = json.loads((src / "london_boroughs_simplified.geojson").read_text())
    pts = {f["properties"]["GSS_CODE"]: shape(f["geometry"]).representative_point() for f in geo["features"]}
    out = pop[["gss_code", "name", "inner_outer", "area_km2"]].copy()
    out["population"] = pop["pop_mid2020_implied"]
    out = out.merge(latest[["la_code", "total_devices", "rapid_devices"]], left_on="gss_code",
                    right_on="la_code", how="left", validate="1:1").drop(columns="la_code")
    out = out.rename(columns={"total_devices": "devices_2022q4", "rapid_devices": "rapid25_devices_2022q4"})
    out[["devices_2022q4", "rapid25_devices_2022q4"]] = out[["devices_2022q4", "rapid25_devices_2022q4"]].astype(int)
    out["lat"] = out["gss_code"].map(lambda g: round(pts[g].y, 5))
    out["lon"] = out["gss_code"].map(lambda g: round(pts[g].x, 5))
    return out


def growth(src: Path) -> pd.DataFrame:
    """Quarterly device totals: UK 2015-2022 and London 2019-10..2022-10 (blank before)."""
    uk = pd.read_csv(src / "dft_ev_charging_devices_uk_quarterly_2015_2022.csv")
    uk = uk[uk["geography"] == "United Kingdom"][["date", "total_devices", "rapid_or_above_devices_25kw_plus"]]
    uk.columns = ["quarter", "uk_devices", "uk_rapid25_devices"]
    la = pd.read_csv(src / "dft_ev_charging_devices_by_la_2019_2022.csv")
    ldn = la[la["la_code"] == LONDON][["date", "total_devices", "rapid_devices"]]
    ldn.columns = ["quarter", "london_devices", "london_rapid25_devices"]
    out = uk.merge(ldn, on="quarter", how="left")
    return out.astype({c: "Int64" for c in out.columns if c != "quarter"})


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else config.settings().shared_data_dir
    b = boroughs(src)
    g = growth(src)
    assert len(b) == 33 and b["gss_code"].tolist() == [f"E09{n:06d}" for n in range(1, 34)]
    london = g.loc[g["quarter"] == LATEST, "london_devices"].item()
    assert b["devices_2022q4"].sum() == london, (b["devices_2022q4"].sum(), london)
    b.to_csv(HERE / "london_boroughs.csv", index=False)
    g.to_csv(HERE / "device_growth_quarterly.csv", index=False)
    print(f"33 boroughs, {b['devices_2022q4'].sum()} devices ({LATEST}), {len(g)} quarters")


if __name__ == "__main__":
    main()
