"""The fast path: the ordinary 200 of the reads declared `fast` (app/api/reads.py), answered
beside Flask, before its per-request machinery.

Flask's request context, its routing through the nested blueprints, its hooks and
werkzeug's request object cost more per read than the read's own work (docs/benchmarks.md).
For the declared reads this WSGI layer answers the ordinary case itself, through the
functions Flask's path uses for the same steps: the key (auth.known, auth.run_checked),
the request id (logs.request_id_from), the database deadline (db.REQUEST_DEADLINE), the
log line (logs.access_line) and the answer to a failure (answers.database_error,
answers.unexpected); and it hands everything else to Flask untouched.

It answers only a `200`: a GET with a key this process knows, a query string of the
list's own parameters with plain values, and one statement, carrying the key's check,
that finds rows. Anything else (a key not seen yet or revoked, a missing object, an
empty page, a query Flask would refuse, X-Account-ID trouble) goes to Flask, which
answers it: every error has one source.

Flask's path runs hooks this one cannot see; FLASK_HOOKS names each, with what this
path does in its place, and a test fails when Flask gains one it does not name.
"""

import re
import time

import psycopg

from . import answers, auth, logs
from .db import REQUEST_DEADLINE

# Flask's hooks on the fast path's routes, by function name, and what stands in for
# each here; tests/inprocess/test_fast_path.py holds this to the app's hooks.
FLASK_HOOKS = {
    "_start": "the request id and the clock: logs.request_id_from, time.monotonic",
    "_finish": "X-Request-ID and the access line: logs.access_line",
    "read_body_first": "nothing to do: a GET has no body",
    "authenticate": "auth.known, and the key's check in the statement (auth.run_checked)",
    "refuse_unknown_parameters": "a list's own parameters only (Page.load); an object's none",
    "confirm": "nothing to do: rows were found, so the key is confirmed",
    "_release": "the connection is given back here",
}
# A parameter value that needs no decoding (no %, no +): anything else is Flask's.
PLAIN_VALUE = re.compile(r"[A-Za-z0-9_-]{1,200}")


class FastPath:
    """WSGI middleware in front of Flask's own wsgi_app, for `reads`: (path as OpenAPI
    writes it, the declared read, its view) of each fast GET; a path with a {parameter}
    reads one object by it, any other a page."""

    def __init__(self, flask_app, flask_wsgi_app, reads):
        self.flask_app = flask_app
        self.flask = flask_wsgi_app
        self.pages, self.items = {}, {}
        for path, read, view in reads:
            before, brace, after = path.partition("{")
            if brace:  # one object, by the one path segment between these two
                self.items[(before, after.partition("}")[2])] = (read, view)
            else:
                self.pages[path] = (read, view)

    def __call__(self, environ, start_response):
        found = self.reader(environ) if environ["REQUEST_METHOD"] == "GET" else None
        if found is not None:
            answer = self.serve(environ, *found)
            if answer is not None:
                return answer(environ, start_response)
        return self.flask(environ, start_response)

    def reader(self, environ):
        """(what reads the answer to this GET, `read(conn, account_id, key digest)`, and
        its view); None when the request is Flask's."""
        path = environ.get("PATH_INFO", "")
        if path in self.pages:
            page, view = self.pages[path]
            args = plain_parameters(environ.get("QUERY_STRING", ""))
            query = None if args is None else page.load(args)
            if query is None:
                return None
            return (lambda conn, account_id, digest: auth.run_checked(
                page.json, conn, digest, account_id, query)), view
        if environ.get("QUERY_STRING"):
            return None
        found = self.item(path)
        if found is None:
            return None
        (one, view), item = found
        key = one.key(item)
        if key is None:
            return None
        return (lambda conn, account_id, digest: auth.run_checked(
            one.json, conn, digest, account_id, key)), view

    def item(self, path):
        """((read, view), the segment naming the object) of a path to one object; or None.
        An object's segment is the path's last (`/numbers/{id}`) or the one before it
        (`/providers/{id}/sealed`)."""
        collection, _, last = path.rpartition("/")
        if (collection + "/", "") in self.items:
            return self.items[(collection + "/", "")], last
        collection, _, item = collection.rpartition("/")
        found = self.items.get((collection + "/", "/" + last))
        return None if found is None else (found, item)

    def serve(self, environ, read, view):
        """A WSGI app answering this request with `read`, or None for Flask to answer it."""
        started = time.monotonic()
        found = auth.known(environ.get("HTTP_AUTHORIZATION", ""),
                           environ.get("HTTP_X_ACCOUNT_ID"), view)
        if found is None:
            return None
        digest, _, account_id = found
        request_id = logs.request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        database = self.flask_app.extensions["db"]
        try:
            conn = database.getconn(started + REQUEST_DEADLINE, request_id)
            try:
                body = read(conn, account_id, digest)
            finally:
                database.putconn(conn)
        except psycopg.Error as exc:
            answer = answers.database_error(exc, request_id, environ.get("HTTP_ACCEPT"))
        except Exception as exc:  # answered as Flask's handler answers it
            answer = answers.unexpected(exc, request_id, environ.get("HTTP_ACCEPT"))
        else:
            if body is None:
                return None
            if isinstance(body, tuple):
                body, account_id = body  # a read naming its account itself (a route)
            answer = JsonAnswer(body.encode() if isinstance(body, str) else body)
        answer.headers["X-Request-ID"] = request_id
        self.flask_app.extensions["access_log"](logs.access_line(
            request_id=request_id, method="GET", path=environ["PATH_INFO"],
            status=answer.status_code,
            started=started, account_id=account_id, remote_addr=environ.get("REMOTE_ADDR"),
        ))
        return answer


def plain_parameters(query_string):
    """The query string's parameters (name -> value) when each appears once with a plain
    value; None otherwise (Flask's decoding and its 400s then apply)."""
    args = {}
    for parameter in query_string.split("&") if query_string else ():
        name, equals, value = parameter.partition("=")
        if not equals or name in args or not PLAIN_VALUE.fullmatch(value):
            return None
        args[name] = value
    return args


class JsonAnswer:
    """A 200 with a JSON body: all a fast read answers, without a werkzeug Response."""

    status_code = 200

    def __init__(self, body):
        self.body = body
        self.headers = {}

    def __call__(self, _environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(self.body))),
                                  *self.headers.items()])
        return [self.body]
