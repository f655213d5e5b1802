"""Attack tests: each module is a list of what the hosted app (or the loader) withstands."""
