"""Reading OCPI 2.2.1 objects: a JSON array, a response envelope or JSON lines; URLs page through."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from data.loader.sources.base import Parsed, SourceError
from data.loader.sources.fetch import _HTML, decode, http_get, is_url, read_text

log = logging.getLogger(__name__)
MAX_PAGES = 10_000


def add_options(parser) -> None:
    parser.add_argument("--token", help="OCPI credentials token, sent as 'Authorization: Token TOKEN'")


def records(location: str, parsed: Parsed, opts) -> list[tuple[int, dict]]:
    """(record number, object) for every OCPI object at a path or URL."""
    if not is_url(location):
        return _from_text(read_text(location, opts.timeout, max_bytes=None), parsed, 1)
    headers = {"Authorization": f"Token {opts.token}"} if getattr(opts, "token", None) else None
    return _paged(location, parsed, opts.timeout, headers)


def _from_text(text: str, parsed: Parsed, first: int) -> list[tuple[int, dict]]:
    complete = text.endswith("\n")  # a JSON lines file ends with a line end unless cut off
    text = text.strip()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if text.startswith("{") and exc.msg == "Extra data":
            return _json_lines(text, parsed, first, complete)
        raise SourceError(f"malformed or truncated JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                          "expected OCPI objects as a JSON array, a response envelope or JSON lines") from exc
    if isinstance(doc, dict) and "data" in doc:
        code = doc.get("status_code")
        if code is not None and not 1000 <= int(code) < 2000:
            raise SourceError(f"the OCPI response reports status_code {code}: "
                              f"{doc.get('status_message') or 'no message'}")
        doc = doc["data"]
    if isinstance(doc, dict):
        doc = [doc]
    if not isinstance(doc, list):
        raise SourceError(f"JSON of the wrong shape ({type(doc).__name__}); expected OCPI objects")
    return [(n, obj) for n, obj in enumerate(doc, start=first) if _is_object(parsed, n, obj, obj)]


def _is_object(parsed: Parsed, n: int, obj, raw) -> bool:
    """True for a JSON object; anything else is a quarantined record."""
    if isinstance(obj, dict):
        return True
    parsed.rows_in += 1
    parsed.bad(n, raw, f"not a JSON object: {type(obj).__name__}")
    return False


def _json_lines(text: str, parsed: Parsed, first: int, complete: bool) -> list[tuple[int, dict]]:
    out = []
    lines = text.splitlines()
    for n, line in enumerate(lines, start=first):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            if n == first + len(lines) - 1 and not complete:
                raise SourceError(f"truncated JSON lines: the last line ({n}) is cut off") from exc
            parsed.rows_in += 1
            parsed.bad(n, line, f"malformed JSON line: {exc.msg}")
            continue
        if _is_object(parsed, n, obj, line):
            out.append((n, obj))
    return out


def _with_offset(url: str, offset: int, limit: int | None) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["offset"] = str(offset)
    if limit:
        query["limit"] = str(limit)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _paged(url: str, parsed: Parsed, timeout: float, headers: dict | None) -> list[tuple[int, dict]]:
    """Follow the Link rel=next header, else offset/limit against X-Total-Count."""
    out: list[tuple[int, dict]] = []
    seen, total, next_url = set(), None, url
    while next_url and len(seen) < MAX_PAGES:
        seen.add(next_url)
        response = http_get(next_url, timeout, headers)
        body = response.content
        if _HTML.match(body[:200]):
            raise SourceError(f"{next_url}: the server sent an HTML page, not OCPI JSON")
        page = _from_text(decode(body), parsed, len(out) + 1) if body.strip() else []
        out += page
        total = int(response.headers.get("X-Total-Count", total or 0)) or total
        link = response.links.get("next", {}).get("url")
        if link:
            next_url = link
        elif total and page and len(out) < total:
            next_url = _with_offset(url, len(out), int(response.headers.get("X-Limit", 0)) or len(page))
        else:
            next_url = None
        if next_url in seen:
            raise SourceError(f"{url}: the pagination loops back to {next_url}")
    if total and len(out) < total:
        raise SourceError(f"{url}: incomplete: {len(out)} of {total} objects (X-Total-Count) received")
    log.info("ocpi: %d objects in %d page(s) from %s", len(out), len(seen), url)
    return out
