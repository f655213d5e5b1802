"""Reading a LOCATION (a file path or an http(s) URL) into text, with one-line failures."""

from __future__ import annotations

import codecs
import io
import logging
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, NamedTuple

import requests

from data.loader.sources.base import SourceError

log = logging.getLogger(__name__)

_HTML = re.compile(rb"^\s*(<!doctype html|<html|<\?xml[^>]*>\s*<html)", re.IGNORECASE)


def is_url(location: str) -> bool:
    return str(location).lower().startswith(("http://", "https://"))


class Download(NamedTuple):
    """A URL's body in an anonymous temporary file (at its start), with the response's headers and links."""

    file: BinaryIO
    size: int
    headers: Mapping[str, str]
    links: dict


def download(url: str, timeout: float, headers: dict | None = None, max_bytes: int | None = None) -> Download:
    """GET a URL, its body streamed a block at a time into a temporary file (never held whole); a timeout (no
    byte for ``timeout`` s), a refused connection, an error status, a short body or one over ``max_bytes`` is a
    SourceError. Close ``.file`` when done."""
    try:
        response = requests.get(url, headers=headers, timeout=timeout, stream=True)
    except requests.Timeout as exc:
        raise SourceError(f"{url}: no answer within {timeout:g} s (timeout); expected the file") from exc
    except requests.RequestException as exc:
        raise SourceError(f"{url}: cannot download ({exc.__class__.__name__}); expected the file") from exc
    with response:
        if response.status_code >= 400:
            try:
                head = next(response.iter_content(200), b"")
            except requests.RequestException:
                head = b""
            kind = "an HTML error page" if _HTML.match(head) else "an error"
            raise SourceError(f"{url}: the server answered HTTP {response.status_code} with {kind}; "
                              "expected the file")
        fh = tempfile.TemporaryFile(prefix="download-")  # noqa: SIM115 - the caller closes it
        try:
            size = _save(url, response, fh, timeout, max_bytes)
        except BaseException:
            fh.close()
            raise
    fh.seek(0)
    return Download(fh, size, response.headers, response.links)


def _save(url: str, response: requests.Response, fh: BinaryIO, timeout: float, max_bytes: int | None) -> int:
    size = 0
    try:
        for block in response.iter_content(BLOCK):
            size += len(block)
            _too_big(url, size, max_bytes)
            fh.write(block)
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
        raise SourceError(f"{url}: truncated download (the connection closed before the end)") from exc
    except requests.exceptions.ConnectionError as exc:  # a read timeout mid-body comes as this
        raise SourceError(f"{url}: no data for {timeout:g} s (timeout) during the download") from exc
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) != size and "Content-Encoding" not in response.headers:
        raise SourceError(f"{url}: truncated download ({size} of {declared} bytes)")
    return size


BLOCK = 1 << 20  # bytes read at a time when a file is checked or streamed
_BLANK = b"\xef\xbb\xbf \t\r\n"
_UTF8_BOM = b"\xef\xbb\xbf"


def is_blank(fh: BinaryIO) -> bool:
    """True when the file holds nothing but white space (and a BOM), read a block at a time."""
    return not any(block.strip(_BLANK) for block in _blocks(fh, 0))


def _check(location: str, fh: BinaryIO) -> None:
    """An empty file or an HTML page where data was expected is a SourceError."""
    if is_blank(fh):
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
    SourceError (a path's size is checked before it is read, a URL's as it downloads)."""
    location = str(location)
    if is_url(location):
        with download(location, timeout, max_bytes=max_bytes).file as fh:
            body = fh.read()
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
    """The whole text of a file, refused over ``max_bytes`` (the small sources; the big ones stream)."""
    return decode(read_bytes(location, timeout, max_bytes))


def open_binary(location: str, timeout: float = 30.0) -> BinaryIO:
    """The bytes at a path (opened) or URL (downloaded into a temporary file), checked as ``read_bytes`` checks
    them (empty, HTML page) a block at a time; never held whole. Close it."""
    location = str(location)
    if is_url(location):
        fh = download(location, timeout).file
    else:
        path = Path(location)
        if not path.is_file():
            raise SourceError(f"{location}: no such file")
        fh = open(path, "rb")  # noqa: SIM115 - the caller closes it
    try:
        _check(location, fh)
    except SourceError:
        fh.close()
        raise
    return fh


def open_text(location: str, timeout: float = 30.0) -> io.TextIOWrapper:
    """The text at a path or URL as a stream of lines with their ends (``newline=""``, as csv wants): checked
    and decoded a block at a time, never held whole (a URL's body waits in a temporary file). The same checks
    and encodings as ``read_text``. Close it (``with open_text(...) as stream``)."""
    return _text(open_binary(location, timeout))


def _text(fh: BinaryIO) -> io.TextIOWrapper:
    try:
        codec, skip, errors = _encoding(fh, fh.seek(0, io.SEEK_END))
    except SourceError:
        fh.close()
        raise
    fh.seek(skip)
    return io.TextIOWrapper(fh, encoding=codec, errors=errors, newline="")


def utf8(fh: BinaryIO) -> tuple[BinaryIO, int]:
    """(a seekable binary file of UTF-8 text, the offset its text starts at) for ``fh`` in any encoding
    ``decode`` reads (a UTF-8 BOM skipped; UTF-16 or Windows-1252 transcoded a block at a time into a temporary
    file, ``fh`` then closed), for parsers that read UTF-8 bytes (ijson)."""
    try:
        codec, skip, errors = _encoding(fh, fh.seek(0, io.SEEK_END))
    except SourceError:
        fh.close()
        raise
    if codec == "utf-8":
        return fh, skip
    out = tempfile.TemporaryFile(prefix="utf8-")  # noqa: SIM115 - the caller closes it
    fh.seek(skip)
    with io.TextIOWrapper(fh, encoding=codec, errors=errors) as text:
        first = True
        while block := text.read(BLOCK):
            out.write((block.lstrip("\ufeff") if first else block).encode("utf-8"))
            first = False
    return out, 0
