"""Reading OCPI 2.2.1 objects one at a time: a JSON array, a response envelope or JSON lines; URLs page through.

A file, or each downloaded page (in a temporary file), is parsed object by object with ijson (yajl's C parser),
so memory holds a chunk of objects, never the file: a month of CDRs can be hundreds of MB (issue 18 item 12).
An envelope (``{"data": [...], "status_code": ...}``) is read twice: once for its status and syntax (nothing is
built), then for its objects, so an error status or broken JSON fails before any object is checked.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Generator, Iterable, Iterator
from itertools import chain, islice
from typing import BinaryIO
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import ijson

from data.loader.sources.base import Parsed, SourceError
from data.loader.sources.fetch import _HTML, WHOLE_FILE_MAX, download, is_blank, is_url, open_binary, utf8

log = logging.getLogger(__name__)
MAX_PAGES = 10_000
CHUNK_RECORDS = 10_000  # objects checked together: a CDR as a Python dict is a few KB
SHAPES = "expected OCPI objects as a JSON array, a response envelope or JSON lines"
_NOTHING = object()
_TRAILING = ("trailing garbage", "Additional data")  # yajl's and ijson's pure-Python backend's words

Record = tuple[int, dict]
Records = Generator[Record, None, int]  # returns how many records it read (objects or not)


def add_options(parser) -> None:
    parser.add_argument("--token", help="OCPI credentials token, sent as 'Authorization: Token TOKEN'")


def records(location: str, parsed: Parsed, opts) -> Iterator[Record]:
    """(record number, object) for every OCPI object at a path or URL, one at a time (a whole-file fault is
    raised when it is met: read to the end before writing anything that is not rolled back)."""
    if not is_url(location):
        fh, start = utf8(open_binary(location, opts.timeout))
        with fh:
            yield from objects(fh, start, parsed, 1)
        return
    headers = {"Authorization": f"Token {opts.token}"} if getattr(opts, "token", None) else None
    yield from _paged(location, parsed, opts.timeout, headers)


def chunks(recs: Iterable[Record], size: int = CHUNK_RECORDS) -> Iterator[list[Record]]:
    """``recs`` in lists of at most ``size``."""
    it = iter(recs)
    while batch := list(islice(it, size)):
        yield batch


def objects(fh: BinaryIO, start: int, parsed: Parsed, first: int) -> Records:
    """The objects of the UTF-8 JSON from byte ``start`` of ``fh``, numbered from ``first``; what is not an
    object (or, in JSON lines, not JSON) is quarantined."""
    lead = _lead(fh, start)
    if lead == b"[":
        return (yield from _numbered(_items(fh, start, "item"), parsed, first))
    codes = _status_codes(fh, start, lead)
    if codes is None:
        return (yield from _json_lines(fh, start, parsed, first))
    items = _items(fh, start, "data.item")
    head = next(items, _NOTHING)
    if head is _NOTHING:  # no envelope with objects: a single object, an empty or error envelope, or no list
        return (yield from _whole(fh, start, parsed, first))
    _check_status(codes[-1] if codes else None, lambda: _last(fh, start, "status_message"))
    return (yield from _numbered(chain([head], items), parsed, first))


def _lead(fh: BinaryIO, start: int) -> bytes:
    """The first byte that is not white space."""
    fh.seek(start)
    while block := fh.read(4096):
        if text := block.lstrip(b" \t\r\n"):
            return text[:1]
    return b""


def _malformed(exc: Exception) -> SourceError:
    lines = [line.strip() for line in str(exc).strip().splitlines()]
    near = f" near {lines[1][:60]!r}" if len(lines) > 1 and lines[1] else ""
    return SourceError(f"malformed or truncated JSON ({lines[0] if lines else 'not JSON'}{near}); {SHAPES}")


def _items(fh: BinaryIO, start: int, prefix: str) -> Iterator:
    fh.seek(start)
    try:
        yield from ijson.items(fh, prefix, use_float=True)
    except ijson.JSONError as exc:
        raise _malformed(exc) from exc


def _last(fh: BinaryIO, start: int, key: str):
    values = list(_items(fh, start, key))
    return values[-1] if values else None


def _status_codes(fh: BinaryIO, start: int, lead: bytes) -> list | None:
    """The document's top-level status_code values, its whole syntax checked; None for JSON lines (a complete
    first object followed by more, as json.loads' "Extra data")."""
    fh.seek(start)
    try:
        return list(ijson.items(fh, "status_code", use_float=True))
    except ijson.JSONError as exc:
        if lead == b"{" and any(word in str(exc) for word in _TRAILING):
            return None
        raise _malformed(exc) from exc


def _check_status(code, message) -> None:
    """An envelope's status_code outside 1000-1999 is a SourceError (``message``: a callable for the text)."""
    if code is None:
        return
    try:
        ok = 1000 <= int(code) < 2000
    except (TypeError, ValueError):
        ok = False
    if not ok:
        text = message() if callable(message) else message
        raise SourceError(f"the OCPI response reports status_code {code}: {text or 'no message'}")


def _whole(fh: BinaryIO, start: int, parsed: Parsed, first: int) -> Records:
    """A document with no envelope array of objects, read whole (bounded: it is one value, not a list)."""
    size = fh.seek(0, io.SEEK_END) - start
    if size > WHOLE_FILE_MAX:
        raise SourceError(f"one JSON value of {size:,} bytes with no list of objects in it; {SHAPES}")
    fh.seek(start)
    doc = json.loads(fh.read().decode("utf-8"))
    if isinstance(doc, dict) and "data" in doc:
        _check_status(doc.get("status_code"), doc.get("status_message"))
        doc = doc["data"]
    if isinstance(doc, dict):
        doc = [doc]
    if not isinstance(doc, list):
        raise SourceError(f"JSON of the wrong shape ({type(doc).__name__}); expected OCPI objects")
    return (yield from _numbered(doc, parsed, first))


def _numbered(objs: Iterable, parsed: Parsed, first: int) -> Records:
    n = first - 1
    for n, obj in enumerate(objs, start=first):  # noqa: B007 - n is returned
        if _is_object(parsed, n, obj, obj):
            yield n, obj
    return n - first + 1


def _is_object(parsed: Parsed, n: int, obj, raw) -> bool:
    """True for a JSON object; anything else is a quarantined record."""
    if isinstance(obj, dict):
        return True
    parsed.rows_in += 1
    parsed.bad(n, raw, f"not a JSON object: {type(obj).__name__}")
    return False


class _Lines:
    """Text lines, with a look past blank lines to tell whether a line is the file's cut-off last one."""

    def __init__(self, stream: Iterable[str]):
        self._it = iter(stream)
        self._blanks = 0  # blank lines read ahead (counted, not kept)
        self._next: str | None = None

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._blanks:
            self._blanks -= 1
            return ""
        if self._next is not None:
            line, self._next = self._next, None
            return line
        return next(self._it)

    def cut_off(self, line: str) -> bool:
        """True when ``line`` (just read) is the last line with text and the file has no line end after it."""
        last = line
        for ahead in self._it:
            if ahead.strip():
                self._next = ahead
                return False
            self._blanks += 1
            last = ahead
        return not last.endswith(("\n", "\r"))


def _json_lines(fh: BinaryIO, start: int, parsed: Parsed, first: int) -> Records:
    """One JSON object per line (blank lines skipped; leading ones not numbered); a malformed line is
    quarantined, a cut-off last line fails the file."""
    fh.seek(start)
    lines = _Lines(io.TextIOWrapper(fh, encoding="utf-8", newline=""))
    n = first - 1
    for line in lines:
        if not line.strip():
            n += n >= first
            continue
        n += 1
        raw = line.rstrip("\r\n")
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            if lines.cut_off(line):
                raise SourceError(f"truncated JSON lines: the last line ({n}) is cut off") from exc
            parsed.rows_in += 1
            parsed.bad(n, raw, f"malformed JSON line: {exc.msg}")
            continue
        if _is_object(parsed, n, obj, raw):
            yield n, obj
    return n - first + 1


def _with_offset(url: str, offset: int, limit: int | None) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["offset"] = str(offset)
    if limit:
        query["limit"] = str(limit)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _page(url: str, fh: BinaryIO, parsed: Parsed, first: int) -> Records:
    """One downloaded page's objects (an empty page has none)."""
    if _HTML.match(fh.read(200)):
        raise SourceError(f"{url}: the server sent an HTML page, not OCPI JSON")
    if is_blank(fh):
        return 0
    text, start = utf8(fh)
    with text:
        return (yield from objects(text, start, parsed, first))


def _paged(url: str, parsed: Parsed, timeout: float, headers: dict | None) -> Iterator[Record]:
    """Follow the Link rel=next header, else offset/limit against X-Total-Count; one page on disk at a time."""
    seen, total, next_url, received = set(), None, url, 0
    while next_url and len(seen) < MAX_PAGES:
        seen.add(next_url)
        page = download(next_url, timeout, headers)
        with page.file as fh:
            n = yield from _page(next_url, fh, parsed, received + 1)
        received += n
        total = int(page.headers.get("X-Total-Count", total or 0)) or total
        link = page.links.get("next", {}).get("url")
        if link:
            next_url = link
        elif total and n and received < total:
            next_url = _with_offset(url, received, int(page.headers.get("X-Limit", 0)) or n)
        else:
            next_url = None
        if next_url in seen:
            raise SourceError(f"{url}: the pagination loops back to {next_url}")
    if total and received < total:
        raise SourceError(f"{url}: incomplete: {received} of {total} objects (X-Total-Count) received")
    log.info("ocpi: %d objects in %d page(s) from %s", received, len(seen), url)
