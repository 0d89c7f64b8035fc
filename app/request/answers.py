"""Answers: a JSON object, no content, or an error, as one line of text or, for a request
whose Accept prefers it, RFC 9457 problem details; and the one handler that answers
every error raised."""

import functools
import logging

import orjson
import psycopg
from flask import Response, g, has_request_context, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header

from ..errors import (
    ApiError,
    BodyTooLarge,
    DatabaseError,
    EncryptionUnavailable,
    InternalError,
    InvalidBody,
    MethodNotAllowed,
    NotFound,
)
from ..forms import CONTROL
from ..sealing import SealingUnavailable

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"
TEXT = "text/plain; charset=utf-8"


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


def prefers_representation():
    """Whether the request asks for the changed object back (RFC 7240's
    `Prefer: return=representation`); other preferences are ignored."""
    for header in request.headers.getlist("Prefer"):
        for preference in header.split(","):
            name, _, value = preference.split(";")[0].partition("=")
            if (name.strip().lower() == "return"
                    and value.strip().strip('"').lower() == "representation"):
                return True
    return False


def changed(representation):
    """A PATCH's answer: 204, as the seed says; or, when the request prefers it (RFC 7240),
    200 with the object as the change left it (`representation`: its JSON, text or bytes,
    or a dict)."""
    if not prefers_representation():
        return no_content()
    headers = {"Preference-Applied": "return=representation"}
    if isinstance(representation, dict):
        return json_answer(representation, 200, headers)
    return json_text_answer(representation, 200, headers)


def one_line(message):
    """A message as one line of at most 300 characters (a client's odd field name cannot
    break it)."""
    line = CONTROL.sub("?", " ".join(str(message).split()))
    return line[:297] + "..." if len(line) > 300 else line


def text(status, message, headers=None):
    """A plain-text answer of one line, ending in a newline."""
    return Response(one_line(message) + "\n", status, headers, content_type=TEXT)


@functools.lru_cache(maxsize=256)  # a client sends the same Accept every time
def wants_problem(accept):
    """Whether an Accept header prefers problem details to the text line: it names
    application/problem+json, and ranks it no lower than text/plain."""
    if not accept or PROBLEM not in accept.lower():
        return False
    ranked = parse_accept_header(accept, MIMEAccept)
    return ranked.best_match([PROBLEM, "text/plain"]) == PROBLEM


def error(exc, accept=None, request_id=None):
    """The answer to an ApiError, as the request's Accept asks (outside Flask's request
    context, as given)."""
    if has_request_context():
        accept = request.headers.get("Accept")
        request_id = g.get("request_id")
    if not wants_problem(accept):
        return text(exc.status, exc.message, exc.headers)
    problem = {"type": f"urn:kataven:error:{exc.code}", "title": exc.title,
               "status": exc.status, "detail": one_line(exc.message), "code": exc.code}
    if exc.field:
        problem["field"] = exc.field
    problem["request_id"] = request_id
    return Response(orjson.dumps(problem), exc.status, exc.headers, content_type=PROBLEM)


def http_error(exc):
    """werkzeug's own errors (an unknown path, a wrong method, a large body) as ours."""
    if exc.code == 404:
        return error(NotFound("not found"))
    if exc.code == 405:
        return error(MethodNotAllowed("method not allowed", headers={
            "Allow": ", ".join(getattr(exc, "valid_methods", None) or ())}))
    if exc.code == 413:
        return error(BodyTooLarge("request body too large (limit 65536 bytes)"))
    return error(InvalidBody((exc.description or exc.name).lower()))


def database_error(exc, request_id=None, accept=None):
    # The cause goes to the log, tied to the answer by the request id; never to the client.
    log.error(
        "database error: %s: %s",
        type(exc).__name__,
        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
        extra={"request_id": request_id},
    )
    return error(DatabaseError("database error"), accept, request_id)


def sealing_unavailable(exc):
    log.error("encryption service unavailable: %s", exc)
    return error(EncryptionUnavailable("encryption service unavailable"))


def unexpected(_exc, request_id=None, accept=None):
    log.exception("unhandled error", extra={"request_id": request_id})
    return error(InternalError("internal server error"), accept, request_id)


def init_app(app):
    app.register_error_handler(ApiError, error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(psycopg.Error, database_error)
    app.register_error_handler(SealingUnavailable, sealing_unavailable)
    app.register_error_handler(Exception, unexpected)
