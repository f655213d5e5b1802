"""Compressed responses (Flask-Compress, as Dash's own ``compress=True`` uses), for every app ``create_app`` builds.

Brotli or gzip, as the browser asks: the first page load's scripts and layout shrink about 4x on the wire.
Versioned bundles and assets are compressed once per worker and kept (their URL changes with their content);
callback responses are small and compressed per request at a fast level.
"""

from __future__ import annotations

from flask import Flask, Request, Response, request
from flask_compress import Compress

STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
NOT_KEPT = "-"


def _key(request: Request) -> str:
    """The cache key of a response: its versioned URL for a bundle or asset, else NOT_KEPT."""
    return request.full_path if request.path.startswith(STATIC_PREFIXES) else NOT_KEPT


class StaticCache:
    """Flask-Compress's cache backend: keeps only the compressed bundles and assets, per worker."""

    def __init__(self):
        self._kept: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self._kept.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(f";{NOT_KEPT}"):
            self._kept[key] = value


def install(server: Flask) -> None:
    """Compress every compressible response the browser accepts compressed."""
    server.config.update(COMPRESS_ALGORITHM=["br", "gzip"], COMPRESS_BR_LEVEL=4, COMPRESS_LEVEL=6,
                         COMPRESS_MIN_SIZE=500, COMPRESS_CACHE_KEY=_key, COMPRESS_CACHE_BACKEND=StaticCache)
    Compress(server)

    @server.after_request  # registered after Compress's, so it runs before it
    def _buffer_static(response: Response) -> Response:
        """Assets are sent as file streams, which Flask-Compress compresses without its cache and without
        answering a revalidation with 304: read them into the response first (they are small files)."""
        if response.is_streamed and response.status_code == 200 and request.path.startswith(STATIC_PREFIXES):
            response.direct_passthrough = False
            response.set_data(response.get_data())
        return response
