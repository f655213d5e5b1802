"""Demo London's charging sessions, vectorised in numpy and streamed in chunks of devices.

Shapes follow published benchmarks: slow (lamp-post) chargers about once a day for a few hours,
mostly evening and overnight; rapid chargers several times a day for 30-40 minutes with a midday
peak; median energy around 15-20 kWh; weekday/weekend differences; usage growing over time and
ramping up after installation; a few devices never used.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

BANDS = ("slow", "fast", "rapid", "ultra")
RATE_PER_DAY = {"slow": 1.1, "fast": 1.1, "rapid": 4.5, "ultra": 5.5}
WEEKEND = {"slow": 0.9, "fast": 1.15, "rapid": 0.88, "ultra": 1.1}  # weekday = 1
# start-hour mixtures: (weight, mean hour, sd hours)
START = {"slow": [(0.60, 18.5, 1.8), (0.15, 21.5, 1.2), (0.25, 11.0, 3.0)],
         "fast": [(0.80, 11.5, 3.0), (0.20, 18.0, 2.0)],
         "rapid": [(0.70, 13.0, 3.0), (0.15, 8.0, 1.5), (0.15, 18.0, 1.5)],
         "ultra": [(1.00, 14.0, 4.0)]}
DURATION_H = {"slow": (4.5, 0.6), "fast": (2.5, 0.6), "rapid": (0.58, 0.35), "ultra": (0.45, 0.35)}
NEED_KWH = {"slow": (17.0, 0.55), "fast": (15.0, 0.55), "rapid": (24.0, 0.45), "ultra": (30.0, 0.45)}
NEVER_USED = 0.05
GROWTH_PER_YEAR = 1.25
RAMP_DAYS = 40.0
ANCHOR = np.datetime64("2022-01-01")


def _effective_kw(band: np.ndarray, kw: np.ndarray) -> np.ndarray:
    """Average power a car actually draws: AC limited by the car's charger, DC by the charge curve."""
    return np.select([band == 0, (band == 1) & (kw < 25), band == 1, band == 2],
                     [np.minimum(kw, 7.0) * 0.9, np.minimum(kw, 11.0) * 0.8, kw * 0.7, kw * 0.55],
                     np.minimum(kw * 0.4, 110.0))


def _rates(rng, dev: pd.DataFrame, days: np.ndarray) -> np.ndarray:
    """Expected sessions per device per day (devices x days), zero outside service."""
    band = dev["band_code"].to_numpy()
    util = np.exp(rng.normal(-0.18, 0.6, len(dev))) * (rng.random(len(dev)) >= NEVER_USED)
    base = np.array([RATE_PER_DAY[b] for b in BANDS])[band] * util
    weekend = (days.astype("datetime64[D]").view("int64") - 4) % 7 >= 5  # 1970-01-01 was a Thursday
    wk = np.where(weekend[None, :], np.array([WEEKEND[b] for b in BANDS])[band][:, None], 1.0)
    growth = GROWTH_PER_YEAR ** ((days - ANCHOR).astype("int64") / 365.25)
    inst = dev["inst"].to_numpy("datetime64[D]")
    rem = dev["rem"].to_numpy("datetime64[D]")
    age = (days[None, :] - np.where(np.isnat(inst), np.datetime64("1970-01-01"), inst)[:, None]).astype("int64")
    ramp = np.where(age >= 0, 1.0 - np.exp(-(age + 1) / RAMP_DAYS), 0.0)
    in_service = np.isnat(rem)[:, None] | (days[None, :] < rem[:, None])
    return base[:, None] * wk * growth[None, :] * ramp * in_service


def _mixture(rng, band: np.ndarray) -> np.ndarray:
    hours = np.empty(len(band))
    for code, name in enumerate(BANDS):
        m = band == code
        parts = START[name]
        which = rng.choice(len(parts), m.sum(), p=[w for w, _, _ in parts])
        mu = np.array([p[1] for p in parts])[which]
        sd = np.array([p[2] for p in parts])[which]
        hours[m] = rng.normal(mu, sd)
    return np.mod(hours, 24.0)


def _lognormal(rng, band: np.ndarray, table: dict) -> np.ndarray:
    med = np.array([table[b][0] for b in BANDS])[band]
    sig = np.array([table[b][1] for b in BANDS])[band]
    return med * np.exp(rng.normal(0.0, sig))


def chunk_sessions(rng, dev: pd.DataFrame, days: np.ndarray) -> pd.DataFrame:
    """Sessions for one chunk of devices (columns device_id, band_code, kw, inst, rem) over ``days``."""
    counts = rng.poisson(_rates(rng, dev, days))
    di, dayi = np.nonzero(counts)
    reps = counts[di, dayi]
    di, dayi = np.repeat(di, reps), np.repeat(dayi, reps)
    band = dev["band_code"].to_numpy()[di]
    kw = dev["kw"].to_numpy()[di]
    start_s = np.round(_mixture(rng, band) * 3600).astype("int64")
    dur_s = np.maximum(np.round(_lognormal(rng, band, DURATION_H) * 3600), 300).astype("int64")
    kwh = np.minimum(_lognormal(rng, band, NEED_KWH), _effective_kw(band, kw) * dur_s / 3600.0)
    started = days.astype("datetime64[s]")[dayi] + start_s
    df = pd.DataFrame({"device_id": dev["device_id"].to_numpy()[di], "started_at": started,
                       "ended_at": started + dur_s, "kwh": np.round(kwh, 3)})
    # Two draws can land on the same second on a busy rapid: the store keys sessions by (device, start).
    df = df.sort_values(["device_id", "started_at"], kind="stable").drop_duplicates(["device_id", "started_at"])
    df["source"] = "demo"
    return df.reset_index(drop=True)


def generate(seed: int, dev: pd.DataFrame, start: np.datetime64, end: np.datetime64,
             chunk_devices: int = 2000) -> Iterator[pd.DataFrame]:
    """Sessions for every device, chunk by chunk; deterministic for a seed (each chunk has its own stream)."""
    days = np.arange(start, end + np.timedelta64(1, "D"), dtype="datetime64[D]")
    frame = pd.DataFrame({"device_id": dev["device_id"].to_numpy(),
                          "band_code": pd.Categorical(dev["power_band"], categories=BANDS).codes.astype("int64"),
                          "kw": dev["max_kw"].to_numpy(float),
                          "inst": pd.to_datetime(dev["installed_on"]), "rem": pd.to_datetime(dev["removed_on"])})
    for i, lo in enumerate(range(0, len(frame), chunk_devices)):
        rng = np.random.default_rng([seed, 1, i])
        yield chunk_sessions(rng, frame.iloc[lo:lo + chunk_devices], days)
