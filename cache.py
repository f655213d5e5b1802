"""The flask-caching Cache object, in its own module so nothing imports app.py for it."""

from flask_caching import Cache

cache = Cache()
