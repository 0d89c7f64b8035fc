"""The reads answered by one statement carrying the key's check: a page of a list, and
one object. Flask's views answer through them, and so does app/request/fast_path.py for
their ordinary 200, so both paths give the same bytes."""

from flask import g
from marshmallow import ValidationError

from ..errors import ApiError, NotFound
from ..forms import UUID
from ..request import auth
from ..request.answers import json_text_answer
from ..request.pagination import decode, page
from ..request.parsing import load_query

# A list's own parameters; the others filter it.
PAGING = ("limit", "cursor")


class Page:
    """A page of an account's list.

    `rows(conn, account_id, filters=, after=, limit=, key_hash=)` is its statement, the
    filters being the query's parameters but `limit` and `cursor`;
    `render(rows, next_cursor)` the answer's JSON bytes; `position(row)` what a cursor
    names of a row (its created_at and id)."""

    def __init__(self, kind, query, rows, render, position):
        self.kind = kind
        self.query = query
        self.rows = rows
        self.render = render
        self.position = position
        self.empty = render([], None)

    def json(self, conn, account_id, query, key_hash=None):
        """The page's JSON for a loaded query; None when no row was found."""
        filters = {name: value for name, value in query.items() if name not in PAGING}
        rows = self.rows(conn, account_id, filters=filters, limit=query["limit"] + 1,
                         after=decode(self.kind, query.get("cursor")), key_hash=key_hash)
        if not rows:
            return None
        rows, next_cursor = page(self.kind, rows, query["limit"], self.position)
        return self.render(rows, next_cursor)

    def load(self, args):
        """The loaded query of these parameters (name -> one value), or None where a view
        would answer other than a 200 (Flask's view then says why)."""
        try:
            query = self.query.load(args)
            decode(self.kind, query.get("cursor"))
        except (ValidationError, ApiError):
            return None
        return query

    def answer(self):
        """The view's answer: the page, or an empty one (auth.confirm then tells a revoked
        key from an empty list)."""
        body = auth.checked(self.json, g.account_id, load_query(self.query))
        return json_text_answer(body if body is not None else self.empty)


class One:
    """One object of an account, by its id: `fetch(conn, account_id, id, key_hash=)` gives
    its JSON (text or bytes), or None; or (JSON, the account it belongs to), for a read
    whose path names no account (a route)."""

    def __init__(self, fetch, not_found):
        self.fetch = fetch
        self.not_found = not_found

    def key(self, value):
        """The id a path's last segment names, in canonical form; None when no object can
        have it (Flask's view then answers why)."""
        return value.lower() if len(value) == 36 and UUID.fullmatch(value) else None

    def refusal(self, _value):
        """Why a path's last segment names nothing: the same answer as a missing object."""
        return NotFound(self.not_found)

    def missing(self, _value):
        """The answer when no object has that key: not found."""
        return NotFound(self.not_found)

    def json(self, conn, account_id, key, key_hash=None):
        return self.fetch(conn, account_id, key, key_hash=key_hash)

    def answer(self, value):
        key = self.key(value)
        if key is None:
            raise self.refusal(value)
        body = auth.checked(self.json, g.account_id, key)
        if body is None:
            raise self.missing(value)
        if isinstance(body, tuple):
            body, g.account_id = body  # the account it belongs to, for the log line
        return json_text_answer(body)
