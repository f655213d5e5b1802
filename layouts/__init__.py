"""Pure functions that return components. No data access at import time."""
