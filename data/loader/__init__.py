"""The loader: schema migration, atomic refreshes, rollups, the demo generator and the CLI."""
