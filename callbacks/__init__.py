"""Callback modules; importing this package registers every callback (module-level @callback)."""
