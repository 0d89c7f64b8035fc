"""Answers: a JSON object, no content, or one line of text for an error; and the one
handler that turns every error into its answer."""

import logging

import orjson
import psycopg
from flask import Response
from werkzeug.exceptions import HTTPException

from ..errors import ApiError
from ..forms import CONTROL
from ..sealing import SealingUnavailable

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    404: "not found",
    405: "method not allowed",
    413: "request body too large (limit 65536 bytes)",
}


def json_answer(obj, status=200, headers=None):
    """A JSON answer, compact UTF-8 (orjson: see docs/benchmarks.md for why)."""
    return Response(orjson.dumps(obj), status, headers, content_type="application/json")


def json_text_answer(text, status=200, headers=None):
    """An answer whose JSON PostgreSQL made already."""
    return Response(text, status, headers, content_type="application/json")


def created(obj, location):
    return json_answer(obj, 201, {"Location": location})


def no_content():
    answer = Response(status=204)
    del answer.headers["Content-Type"]  # no body, so no type
    return answer


def text(status, message, headers=None):
    """A plain-text answer of one line (a client's odd field name cannot break it)."""
    line = CONTROL.sub("?", " ".join(str(message).split()))
    if len(line) > 300:
        line = line[:297] + "..."
    return Response(line, status, headers, content_type="text/plain; charset=utf-8")


def error(exc):
    """The answer to an ApiError."""
    return text(exc.status, exc.message, exc.headers)


def http_error(exc):
    """The answer to werkzeug's own errors: an unknown path, a wrong method, a large body."""
    headers = {}
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    message = HTTP_MESSAGES.get(exc.code) or (exc.description or exc.name).lower()
    return text(exc.code, message, headers)


def database_error(exc, request_id=None):
    # The cause goes to the log, tied to the answer by the request id; never to the client.
    log.error(
        "database error: %s: %s",
        type(exc).__name__,
        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
        extra={"request_id": request_id},
    )
    return text(500, "database error")


def sealing_unavailable(exc):
    log.error("encryption service unavailable: %s", exc)
    return text(503, "encryption service unavailable")


def unexpected(_exc, request_id=None):
    log.exception("unhandled error", extra={"request_id": request_id})
    return text(500, "internal server error")


def init_app(app):
    app.register_error_handler(ApiError, error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(psycopg.Error, database_error)
    app.register_error_handler(SealingUnavailable, sealing_unavailable)
    app.register_error_handler(Exception, unexpected)
