"""Reading a LOCATION (a file path or an http(s) URL) into text, with one-line failures."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import requests

from data.loader.sources.base import SourceError

log = logging.getLogger(__name__)

_HTML = re.compile(rb"^\s*(<!doctype html|<html|<\?xml[^>]*>\s*<html)", re.IGNORECASE)


def is_url(location: str) -> bool:
    return str(location).lower().startswith(("http://", "https://"))


def http_get(url: str, timeout: float, headers: dict | None = None) -> requests.Response:
    """GET a URL; a timeout, a refused connection, an error status or a short body is a SourceError."""
    try:
        response = requests.get(url, headers=headers, timeout=timeout)
    except requests.Timeout as exc:
        raise SourceError(f"{url}: no answer within {timeout:g} s (timeout); expected the file") from exc
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
        raise SourceError(f"{url}: truncated download (the connection closed before the end)") from exc
    except requests.RequestException as exc:
        raise SourceError(f"{url}: cannot download ({exc.__class__.__name__}); expected the file") from exc
    body = response.content
    if response.status_code >= 400:
        kind = "an HTML error page" if _HTML.match(body[:200]) else "an error"
        raise SourceError(f"{url}: the server answered HTTP {response.status_code} with {kind}; "
                          "expected the file")
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) != len(body) and "Content-Encoding" not in response.headers:
        raise SourceError(f"{url}: truncated download ({len(body)} of {declared} bytes)")
    return response


def read_bytes(location: str, timeout: float = 30.0) -> bytes:
    """The raw bytes at a path or URL; an HTML page where data was expected is a SourceError."""
    location = str(location)
    if is_url(location):
        body = http_get(location, timeout).content
    else:
        path = Path(location)
        if not path.is_file():
            raise SourceError(f"{location}: no such file")
        body = path.read_bytes()
    if not body.strip(b"\xef\xbb\xbf \t\r\n"):
        raise SourceError(f"{location}: the file is empty")
    if _HTML.match(body[:200]):
        raise SourceError(f"{location}: this is an HTML page (an error or login page?), not a data file")
    return body


def _mostly_zero(high: bytes, low: bytes) -> bool:
    """UTF-16 text of mostly Latin letters: nearly every high byte zero, no low byte zero."""
    return len(high) >= 2 and high.count(0) >= 0.9 * len(high) and low.count(0) == 0


def _utf16(body: bytes) -> str | None:
    """Excel's "Unicode text" (UTF-16 with a BOM, or without one when its shape shows), else None."""
    head = body[:4096]
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    elif len(body) % 2 == 0 and _mostly_zero(head[1::2], head[0::2]):
        codec = "utf-16-le"
    elif len(body) % 2 == 0 and _mostly_zero(head[0::2], head[1::2]):
        codec = "utf-16-be"
    else:
        return None
    try:
        return body.decode(codec).lstrip("\ufeff")
    except UnicodeDecodeError:
        return None


def decode(body: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 (Excel's "Unicode text"), else Windows-1252; a binary file is a
    SourceError."""
    text = _utf16(body)
    if text is not None:
        log.info("reading as UTF-16")
        return text
    if b"\x00" in body[:4096]:
        raise SourceError("this is a binary file (a spreadsheet or archive?), not CSV or JSON text; "
                          "export it as CSV")
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        log.info("not UTF-8: reading as Windows-1252")
        return body.decode("cp1252", errors="replace")


def read_text(location: str, timeout: float = 30.0) -> str:
    return decode(read_bytes(location, timeout))
