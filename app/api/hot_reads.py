"""The two hot reads, GET /numbers and GET /numbers/{id}, answered beside Flask.

Flask's request context, its routing through the nested blueprints, its hooks and
werkzeug's request object cost more per read than the read's own work (measured,
docs/benchmarks.md). This WSGI layer answers the ordinary case of the two hot reads
itself, with the same code for the answer (app/api/numbers.py), the same key check, the
same request id and the same log line, and hands everything else to Flask untouched.

It answers only a `200`: a GET with a key this process knows (auth.KNOWN), a query
string of the list's own parameters with plain values, and one statement, carrying the
key's check, that finds rows. Anything else (a key not seen yet or revoked, a missing
number, an empty page, a query Flask would refuse, X-Account-ID trouble) goes to Flask,
which answers it as before: every error has one source. A database failure is answered
here as Flask's handler would answer it.
"""

import re
import time

import psycopg
from marshmallow import ValidationError

from .. import auth, errors, logs
from ..db import REQUEST_DEADLINE
from ..errors import ApiError
from ..pagination import decode
from ..queries import numbers
from ..schemas import UUID_FORM
from .numbers import list_query, page_json

NUMBERS = "/api/v1/telephony/numbers"
# Parameters whose values need no decoding (no %, no +): anything else is Flask's.
PLAIN_PARAMETER = re.compile(
    r"(limit|cursor|agent_id|credentials_id|provider)=([A-Za-z0-9_-]{1,200})")


class HotReads:
    """WSGI middleware in front of Flask's own wsgi_app (`flask_app.wsgi_app`)."""

    def __init__(self, flask_app, flask_wsgi_app):
        self.flask_app = flask_app
        self.flask = flask_wsgi_app

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "GET":
            path = environ.get("PATH_INFO", "")
            if path == NUMBERS:
                read = page_reader(environ.get("QUERY_STRING", ""))
            elif (len(path) == len(NUMBERS) + 37 and path.startswith(NUMBERS + "/")
                  and UUID_FORM.fullmatch(path, len(NUMBERS) + 1)):
                read = number_reader(path[len(NUMBERS) + 1:].lower())
            else:
                read = None
            answer = read and self.serve(environ, path, read)
            if answer is not None:
                return answer(environ, start_response)
        return self.flask(environ, start_response)

    def serve(self, environ, path, read):
        """A WSGI app answering this request with `read(conn, account_id, key digest)`,
        or None for Flask to answer it."""
        started = time.monotonic()
        key = auth.BEARER.fullmatch(environ.get("HTTP_AUTHORIZATION", "").strip())
        if key is None:
            return None
        digest = auth.key_hash(key.group(1))
        known = auth.KNOWN.get(digest)
        if known is None:
            return None
        try:
            account_id = auth.account_for(known, environ.get("HTTP_X_ACCOUNT_ID"))
        except ApiError:
            return None
        request_id = logs.request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        database = self.flask_app.extensions["db"]
        try:
            conn = database.getconn(started + REQUEST_DEADLINE, request_id)
            try:
                body = read(conn, account_id, digest)
            finally:
                database.putconn(conn)
        except psycopg.Error as exc:
            answer = errors.database_error(exc, request_id)
        except Exception as exc:  # noqa: BLE001 (answered as Flask's handler does)
            answer = errors.unexpected(exc, request_id)
        else:
            if body is None:
                return None
            answer = JsonAnswer(body.encode())
        answer.headers["X-Request-ID"] = request_id
        self.flask_app.extensions["access_log"](logs.access_line(
            request_id=request_id, method="GET", path=path, status=answer.status_code,
            started=started, account_id=account_id, remote_addr=environ.get("REMOTE_ADDR"),
        ))
        return answer


def page_reader(query_string):
    """What reads the page this query string asks for; None when it is Flask's."""
    args = {}
    for parameter in query_string.split("&") if query_string else ():
        plain = PLAIN_PARAMETER.fullmatch(parameter)
        if plain is None or plain[1] in args:
            return None
        args[plain[1]] = plain[2]
    try:
        query = list_query.load(args)
        decode("n", query.get("cursor"))  # a cursor of another list: Flask's 400
    except (ValidationError, ApiError):
        return None
    return lambda conn, account_id, digest: page_json(conn, account_id, query, digest)


def number_reader(number_id):
    return lambda conn, account_id, digest: numbers.get(conn, account_id, number_id,
                                                        key_hash=digest)


class JsonAnswer:
    """A 200 with a JSON body: all a hot read answers, without a werkzeug Response."""

    status_code = 200

    def __init__(self, body):
        self.body = body
        self.headers = {}

    def __call__(self, _environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(self.body))),
                                  *self.headers.items()])
        return [self.body]
