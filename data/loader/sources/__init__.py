"""Real-data adapters (issue 3) register here: name -> function(engine, location, options) -> run id.

``python -m data.loader load SOURCE LOCATION [-o KEY=VALUE ...] [--option value ...]`` dispatches to
``SOURCES[SOURCE]``. Each adapter parses inside one ``data.loader.refresh.refresh`` run (so a bad file
is a failed run that changed nothing), writes in ``run.conn`` and rebuilds the rollups there.
"""

from __future__ import annotations

from collections.abc import Callable

from data.loader.sources import (
    borough_parking,
    boundaries,
    context,
    denominators,
    dft_devices,
    ncr,
    ocpi_cdrs,
    ocpi_locations,
    sessions_csv,
)

SOURCES: dict[str, Callable] = {
    "boundaries": boundaries.load,
    "ncr": ncr.load,
    "ocpi-locations": ocpi_locations.load,
    "ocpi-cdrs": ocpi_cdrs.load,
    "sessions-csv": sessions_csv.load,
    "dft-devices": dft_devices.load,
    "population": denominators.loader("population"),
    "plugin-vehicles": denominators.loader("plugin-vehicles"),
    "borough-parking": borough_parking.load,
    "targets": context.loader("targets"),
    "events": context.loader("events"),
}
