"""Words for the stored vocabularies (power bands, location types), shared by layouts, views and figures."""

from __future__ import annotations

from data.schema import ALL_POWER_BANDS, LOCATION_TYPES, POWER_BANDS, UNKNOWN_BAND

__all__ = ["ALL_POWER_BANDS", "BAND_LABELS", "DAYS", "LOCATION_LABELS", "LOCATION_TYPES", "POWER_BANDS",
           "UNKNOWN_BAND", "band_label"]

BAND_LABELS = {"slow": "Slow 3–8 kW", "fast": "Fast 8–49 kW", "rapid": "Rapid 50–149 kW", "ultra": "Ultra 150 kW+",
               UNKNOWN_BAND: "Power not recorded"}
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # day of week 0..6, Monday first
LOCATION_LABELS = {lt: lt for lt in LOCATION_TYPES}  # the stored words read well as they are


def band_label(band: str) -> str:
    """A power band's label ('Rapid 50–149 kW'); an unknown code as it is."""
    return BAND_LABELS.get(band, band)
