"""The store: schema, engine, read queries and the loader."""
