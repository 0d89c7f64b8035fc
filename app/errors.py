"""The few error types views raise, and the one handler that answers them as plain text."""

import logging
import re

import psycopg
from flask import Response
from werkzeug.exceptions import HTTPException

from .sealing import SealingUnavailable

log = logging.getLogger(__name__)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

HTTP_MESSAGES = {
    404: "not found",
    405: "method not allowed",
    413: "request body too large (limit 65536 bytes)",
}


class ApiError(Exception):
    """An answer other than the view's success: a status and one line naming the cause."""

    status = 400

    def __init__(self, message, headers=None):
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401

    def __init__(self):
        super().__init__("missing or invalid API key", {"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class Unprocessable(ApiError):
    status = 422


class BadGateway(ApiError):
    """An upstream (a carrier) could not answer: worth a retry."""

    status = 502


def invalid_body(field, problem):
    return BadRequest(f"invalid body: {field}: {problem}")


def invalid_query(param, problem):
    return BadRequest(f"invalid query: {param}: {problem}")


def text(status, message, headers=None):
    """A plain-text answer of one line (a client's odd field name cannot break it)."""
    line = CONTROL.sub("?", " ".join(str(message).split()))
    if len(line) > 300:
        line = line[:297] + "..."
    return Response(line, status, headers, content_type="text/plain; charset=utf-8")


def answer(exc):
    """The answer to an ApiError."""
    return text(exc.status, exc.message, exc.headers)


def _http_error(exc):
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


def _sealing_unavailable(exc):
    log.error("encryption service unavailable: %s", exc)
    return text(503, "encryption service unavailable")


def unexpected(_exc, request_id=None):
    log.exception("unhandled error", extra={"request_id": request_id})
    return text(500, "internal server error")


def init_app(app):
    app.register_error_handler(ApiError, answer)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(psycopg.Error, database_error)
    app.register_error_handler(SealingUnavailable, _sealing_unavailable)
    app.register_error_handler(Exception, unexpected)
