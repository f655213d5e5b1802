"""Request ids, plain error responses (no tracebacks), the alert banner and the database-down banner."""

from __future__ import annotations

import logging
import re
import uuid

from dash import html, set_props
from flask import Flask, g, has_request_context, jsonify, request
from markupsafe import escape
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from layouts import ids
from web.health import database_down_recently

log = logging.getLogger(__name__)

ALERT_ID = ids.HOSTED_ALERT
_RID = re.compile(r"^[A-Za-z0-9-]{8,64}$")
DB_DOWN_TEXT = "The database is not answering right now: figures may be missing. Please try again shortly."
ERROR_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><div role="alert" style="font-family:sans-serif;padding:1em;border:1px solid #b00;background:#fee">
<strong>{title}</strong><p>{message}</p><p><small>Reference: {rid}</small></p></div></body></html>"""


def request_id() -> str:
    """This request's id: the router's X-Request-ID when well-formed, else a fresh one."""
    if not has_request_context():
        return "no-request"
    rid = getattr(g, "request_id", None)
    if rid is None:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _RID.match(incoming) else uuid.uuid4().hex[:16]
        g.request_id = rid
    return rid


def _is_api() -> bool:
    return request.path.startswith("/_dash-") or request.accept_mimetypes.best == "application/json"


def _plain(status: int, title: str, message: str):
    rid = request_id()
    if _is_api():
        return jsonify(error=message, request_id=rid), status
    page = ERROR_PAGE.format(title=escape(title), message=escape(message), rid=escape(rid))
    return page, status, {"Content-Type": "text/html; charset=utf-8"}


def handle_exception(exc: Exception):
    """Every error: logged once with the request id and traceback; the client gets a plain message."""
    if isinstance(exc, HTTPException) and exc.code and exc.code < 500:
        return _plain(exc.code, exc.name, exc.description or exc.name)
    if isinstance(exc, DBAPIError):
        log.error("request %s %s failed: database unavailable (%s)", request_id(), request.path,
                  exc.__class__.__name__)
        return _plain(503, "Data unavailable", DB_DOWN_TEXT)
    log.exception("request %s %s failed", request_id(), request.path)
    return _plain(500, "Something went wrong", "The error has been logged. Please try again.")


def callback_error(exc: Exception):
    """Dash on_error: show the banner and leave every output as it was (no traceback reaches the browser)."""
    rid = request_id()
    if isinstance(exc, DBAPIError):
        log.error("callback %s failed: database unavailable (%s)", rid, exc.__class__.__name__)
        message = DB_DOWN_TEXT
    else:
        log.exception("callback %s failed", rid)
        message = "Something went wrong updating this view. The error has been logged."
    set_props(ALERT_ID, {"children": f"{message} (reference {rid})", "hidden": False})
    return None


def alert(message: str | None = None):
    """The banner component every page carries (hidden until there is something to say)."""
    return html.Div(message, id=ALERT_ID, role="alert", className="alert alert-warning m-2",
                    hidden=not message)


def wrap_layout(dash_app) -> None:
    """Serve the app's layout inside a shell with the banner; if the database is down, say so there."""
    original = dash_app.layout

    def layout(*args, **kwargs):
        down = database_down_recently()
        try:
            body = original(*args, **kwargs) if callable(original) else original
        except Exception as exc:  # noqa: BLE001 - the page still renders, with the banner
            log.error("layout %s failed: %s", request_id(), exc.__class__.__name__,
                      exc_info=not isinstance(exc, DBAPIError))
            body, down = html.Main(html.H1(dash_app.title or "Dashboard")), True
        return html.Div([alert(DB_DOWN_TEXT if down else None), body])

    if original is None:
        return
    # Dash validated the original layout when it was set; a static one is kept as the validation layout
    # so that assigning the wrapper does not call it (and the database) at import.
    if dash_app.validation_layout is None and not callable(original):
        dash_app.validation_layout = html.Div([alert(), original])
    dash_app.layout = layout


def install_errors(dash_app) -> None:
    """Request ids on every response, plain error bodies, the callback banner."""
    server: Flask = dash_app.server

    @server.before_request
    def _rid():
        request_id()

    @server.after_request
    def _rid_header(response):
        response.headers["X-Request-ID"] = request_id()
        return response

    server.register_error_handler(Exception, handle_exception)
    # The callback banner is Dash's public on_error=callback_error, given where the app is made (app.create_app).
    wrap_layout(dash_app)
