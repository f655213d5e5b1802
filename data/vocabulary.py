"""Words for the stored vocabularies (power bands, location types), shared by layouts, views and figures."""

from __future__ import annotations

from data.schema import ALL_POWER_BANDS, LOCATION_TYPES, POWER_BANDS, UNKNOWN_BAND

__all__ = ["ALL_POWER_BANDS", "BAND_LABELS", "DAYS", "EVENT_DISPLAY", "EVENT_KINDS", "LOCATION_LABELS", "LOCATION_TYPES",
           "LONDON_CODE", "POWER_BANDS", "TARGET_BASES", "TARGET_MEASURES", "UNKNOWN_BAND", "band_label"]

BAND_LABELS = {"slow": "Slow 3–8 kW", "fast": "Fast 8–49 kW", "rapid": "Rapid 50–149 kW", "ultra": "Ultra 150 kW+",
               UNKNOWN_BAND: "Power not recorded"}
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # day of week 0..6, Monday first
LOCATION_LABELS = {lt: lt for lt in LOCATION_TYPES}  # the stored words read well as they are
LONDON_CODE = "E12000007"  # ONS code of the London region (DfT's London row)
# What a target counts -> (official_device_stats column, label): DfT's public devices, all or rapid.
TARGET_MEASURES = {"dft_total": ("total_devices", "public charging devices"),
                   "dft_rapid": ("rapid_devices", "rapid charging devices")}
EVENT_KINDS = ("policy", "data", "local")
TARGET_BASES = ("population", "plugin_vehicles")  # what a borough's share of a London target is in proportion to
EVENT_DISPLAY = ("on", "off")  # event markers on the time series shown or hidden


def band_label(band: str) -> str:
    """A power band's label ('Rapid 50–149 kW'); an unknown code as it is."""
    return BAND_LABELS.get(band, band)
