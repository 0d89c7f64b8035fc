"""The hot reads, GET /numbers[/{id}] (and /providers[/{id}]), answered beside Flask.

Flask's request context, its routing through the nested blueprints, its hooks and
werkzeug's request object cost more per read than the read's own work (measured,
docs/benchmarks.md). This WSGI layer answers the ordinary case of these reads itself,
with the views' own code for the answer (app/api/numbers.py, providers.py), the same
key check, the same request id and the same log line, and hands everything else to
Flask untouched.

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
from ..schemas import UUID_FORM
from . import PREFIX, numbers, providers

# A collection's path: its list's query schema, cursor kind, page and one-row answers.
ROUTES = {
    f"{PREFIX}/numbers": (numbers.list_query, "n", numbers.page_json, numbers.one_json),
    f"{PREFIX}/providers": (providers.list_query, "p", providers.page_json, providers.one_json),
}
# Parameters whose values need no decoding (no %, no +): anything else is Flask's.
PLAIN_PARAMETER = re.compile(
    r"(limit|cursor|agent_id|credentials_id|provider)=([A-Za-z0-9_-]{1,200})")


class HotReads:
    """WSGI middleware in front of Flask's own wsgi_app (`flask_app.wsgi_app`)."""

    def __init__(self, flask_app, flask_wsgi_app):
        self.flask_app = flask_app
        self.flask = flask_wsgi_app

    def __call__(self, environ, start_response):
        read = reader(environ) if environ["REQUEST_METHOD"] == "GET" else None
        if read is not None:
            answer = self.serve(environ, read)
            if answer is not None:
                return answer(environ, start_response)
        return self.flask(environ, start_response)

    def serve(self, environ, read):
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
            answer = JsonAnswer(body.encode() if isinstance(body, str) else body)
        answer.headers["X-Request-ID"] = request_id
        self.flask_app.extensions["access_log"](logs.access_line(
            request_id=request_id, method="GET", path=environ["PATH_INFO"],
            status=answer.status_code,
            started=started, account_id=account_id, remote_addr=environ.get("REMOTE_ADDR"),
        ))
        return answer


def reader(environ):
    """What reads the answer to this GET, `read(conn, account_id, key digest)`; None
    when the request is Flask's."""
    path = environ.get("PATH_INFO", "")
    if path in ROUTES:
        return page_reader(ROUTES[path], environ.get("QUERY_STRING", ""))
    collection, _, item = path.rpartition("/")
    if collection in ROUTES and len(item) == 36 and UUID_FORM.fullmatch(item):
        one_json = ROUTES[collection][3]
        return lambda conn, account_id, digest: one_json(conn, account_id, item.lower(), digest)
    return None


def page_reader(route, query_string):
    """What reads the page this query string asks for; None when it is Flask's."""
    schema, kind, page_json, _ = route
    args = {}
    for parameter in query_string.split("&") if query_string else ():
        plain = PLAIN_PARAMETER.fullmatch(parameter)
        if plain is None or plain[1] in args:
            return None
        args[plain[1]] = plain[2]
    try:
        query = schema.load(args)
        decode(kind, query.get("cursor"))  # a cursor of another list: Flask's 400
    except (ValidationError, ApiError):
        return None
    return lambda conn, account_id, digest: page_json(conn, account_id, query, digest)


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
