"""Idempotency-Key on POST: a retry gets the first answer back instead of a second row.

The semantics of the IETF Idempotency-Key draft, kept in PostgreSQL so that they hold
across workers and hosts: the first request claims the key (its row stays locked until
its transaction ends) and runs; its answer is stored in the same transaction, so the
row and the answer commit together or not at all. A retry waits on that lock, then
replays the answer; if the first failed with a 5xx or its process died, the row is
gone and the retry runs. A wait longer than the lock timeout answers 409.
"""

import hashlib
import json
import re
from functools import partial, wraps

import psycopg
from flask import Response, g, make_response, request

from ..errors import (
    ApiError,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    invalid_header,
)
from ..queries import idempotency
from . import auth, db
from .answers import error
from .parsing import json_object, raw_body

HEADER = "Idempotency-Key"
KEY_FORM = re.compile(r"[\x21-\x7e]{1,255}")  # 1 to 255 visible ASCII characters


def fingerprint():
    """SHA-256 of the body as a JSON value (key order and spacing do not matter); of
    the raw bytes when it is not JSON, so that a repeat of a bad body replays too."""
    try:
        canonical = json.dumps(json_object(), sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False).encode()
    except ApiError:
        canonical = b"raw:" + raw_body()
    return hashlib.sha256(canonical).digest()


def idempotent(view=None, *, prepare=None):
    """Make a POST view honour Idempotency-Key.

    `prepare`, when given, does the work that waits on something other than the
    database (a carrier's check of credentials): it runs before the key is claimed,
    holding no database connection, and its result is the view's first argument. Its
    4xx answers are kept like the view's own; a retry of a finished request replays
    without preparing again.
    """
    if view is None:
        return partial(idempotent, prepare=prepare)

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            if prepare is not None:
                args = (prepare(), *args)
            return view(*args, **kwargs)
        if not KEY_FORM.fullmatch(key):
            raise invalid_header(HEADER, "must be 1 to 255 visible ASCII characters")
        scope = {"account_id": g.account_id, "endpoint": f"POST {request.path}", "key": key}
        request_hash = fingerprint()
        auth.require_confirmed()  # the claim below is a write that does not check the key
        refused = None
        if prepare is not None:
            done = idempotency.finished(db.conn(), **scope)
            if done is not None:
                return replay(done, request_hash)
            try:
                args = (prepare(), *args)
            except ApiError as exc:
                if exc.status >= 500:
                    raise  # not kept: a retry may succeed
                refused = exc
        try:
            with db.transaction() as conn:
                if not claim(conn, scope, request_hash):
                    return replay(idempotency.kept(conn, **scope), request_hash)
                response = error(refused) if refused else run(view, conn, *args, **kwargs)
                if response.status_code >= 500:
                    raise _Unkept(response)
                idempotency.keep(
                    conn, **scope, status=response.status_code,
                    content_type=response.content_type, body=response.get_data(as_text=True),
                    location=response.headers.get("Location"),
                )
                return response
        except _Unkept as unkept:  # rolled back: the key is free for a retry
            return unkept.response

    return wrapper


def claim(conn, scope, request_hash):
    """Claim the key, waiting (up to the lock timeout) for a first request still running."""
    try:
        return idempotency.claim(conn, **scope, request_hash=request_hash)
    except (psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled):
        raise IdempotencyInProgress(f"request with this {HEADER} is in progress") from None


class _Unkept(Exception):
    """A 5xx answer: roll the claim back with it."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def run(view, conn, *args, **kwargs):
    """The view's answer, errors included; its writes in a savepoint, so that a failed
    statement (a duplicate number, say) leaves the claim intact."""
    try:
        with conn.transaction():
            return make_response(view(*args, **kwargs))
    except ApiError as exc:
        return error(exc)


def replay(kept, request_hash):
    if bytes(kept["request_hash"]) != request_hash:
        raise IdempotencyKeyReused(f"{HEADER} reused with a different body")
    headers = {"Idempotent-Replayed": "true"}
    if kept["location"]:
        headers["Location"] = kept["location"]
    replayed = Response(kept["body"], kept["status"], headers, content_type=kept["content_type"])
    if kept["status"] == 204:
        del replayed.headers["Content-Type"]
    return replayed
