"""Reading a LOCATION (a file path or an http(s) URL) into text, with one-line failures."""

from __future__ import annotations

import codecs
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

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


BLOCK = 1 << 20  # bytes read at a time when a file is checked or streamed
_BLANK = b"\xef\xbb\xbf \t\r\n"
_UTF8_BOM = b"\xef\xbb\xbf"


def _check(location: str, fh: BinaryIO) -> None:
    """An empty file or an HTML page where data was expected is a SourceError."""
    if not any(block.strip(_BLANK) for block in _blocks(fh, 0)):
        raise SourceError(f"{location}: the file is empty")
    fh.seek(0)
    if _HTML.match(fh.read(200)):
        raise SourceError(f"{location}: this is an HTML page (an error or login page?), not a data file")


# Sources that read their file whole (the small official tables, boundaries) refuse a file bigger than this: their
# real files are kilobytes to a few megabytes, and a wrong or hostile 200 MB file must not fill the loader's memory.
WHOLE_FILE_MAX = 64 << 20


def _too_big(location: str, size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise SourceError(f"{location}: {size:,} bytes, more than the {max_bytes / 2**20:,.0f} MB this source reads "
                          "whole: is it the right file for this source?")


def read_bytes(location: str, timeout: float = 30.0, max_bytes: int | None = None) -> bytes:
    """The raw bytes at a path or URL; an HTML page where data was expected, or a file over ``max_bytes``, is a
    SourceError (a path's size is checked before it is read)."""
    location = str(location)
    if is_url(location):
        body = http_get(location, timeout).content
    else:
        path = Path(location)
        if not path.is_file():
            raise SourceError(f"{location}: no such file")
        _too_big(location, path.stat().st_size, max_bytes)
        body = path.read_bytes()
    _too_big(location, len(body), max_bytes)
    _check(location, io.BytesIO(body))
    return body


def _blocks(fh: BinaryIO, skip: int) -> Iterator[bytes]:
    fh.seek(skip)
    while block := fh.read(BLOCK):
        yield block


def _mostly_zero(high: bytes, low: bytes) -> bool:
    """UTF-16 text of mostly Latin letters: nearly every high byte zero, no low byte zero."""
    return len(high) >= 2 and high.count(0) >= 0.9 * len(high) and low.count(0) == 0


def _decodes(fh: BinaryIO, codec: str, skip: int = 0) -> bool:
    """True when everything from ``skip`` on decodes as ``codec`` (checked a block at a time)."""
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        for block in _blocks(fh, skip):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _encoding(fh: BinaryIO, size: int) -> tuple[str, int, str]:
    """(codec, bytes to skip, errors): UTF-16 (Excel's "Unicode text", with a BOM or when its shape shows),
    UTF-8 (with or without a BOM), else Windows-1252; a binary file is a SourceError."""
    fh.seek(0)
    head = fh.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        utf16 = "utf-16"
    elif size % 2 == 0 and _mostly_zero(head[1::2], head[0::2]):
        utf16 = "utf-16-le"
    elif size % 2 == 0 and _mostly_zero(head[0::2], head[1::2]):
        utf16 = "utf-16-be"
    else:
        utf16 = None
    if utf16 and _decodes(fh, utf16):
        log.info("reading as UTF-16")
        return utf16, 0, "strict"
    if b"\x00" in head:
        raise SourceError("this is a binary file (a spreadsheet or archive?), not CSV or JSON text; "
                          "export it as CSV")
    skip = len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0
    if _decodes(fh, "utf-8", skip):
        return "utf-8", skip, "strict"
    log.info("not UTF-8: reading as Windows-1252")
    return "cp1252", skip, "replace"


def decode(body: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 (Excel's "Unicode text"), else Windows-1252; a binary file is a
    SourceError."""
    codec, skip, errors = _encoding(io.BytesIO(body), len(body))
    text = body[skip:].decode(codec, errors)
    return text.lstrip("\ufeff") if codec.startswith("utf-16") else text


def read_text(location: str, timeout: float = 30.0, max_bytes: int | None = WHOLE_FILE_MAX) -> str:
    """The whole text of a file, refused over ``max_bytes`` (None: no cap, for OCPI JSON, read whole for now)."""
    return decode(read_bytes(location, timeout, max_bytes))


def open_text(location: str, timeout: float = 30.0) -> io.TextIOWrapper:
    """The text at a path or URL as a stream of lines with their ends (``newline=""``, as csv wants): a file is
    checked and decoded a block at a time, never held whole (a URL's body is, as downloaded). The same checks
    and encodings as ``read_text``. Close it (``with open_text(...) as stream``)."""
    location = str(location)
    if is_url(location):
        fh: BinaryIO = io.BytesIO(read_bytes(location, timeout))
    else:
        path = Path(location)
        if not path.is_file():
            raise SourceError(f"{location}: no such file")
        fh = open(path, "rb")  # noqa: SIM115 - owned by the returned stream
        try:
            _check(location, fh)
        except SourceError:
            fh.close()
            raise
    try:
        codec, skip, errors = _encoding(fh, fh.seek(0, io.SEEK_END))
    except SourceError:
        fh.close()
        raise
    fh.seek(skip)
    return io.TextIOWrapper(fh, encoding=codec, errors=errors, newline="")
