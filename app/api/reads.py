"""The reads answered by one statement carrying the key's check: a page of a list, and
one object. Flask's views answer through them, and so does app/request/fast_path.py for
their ordinary 200, so both paths give the same bytes."""

from flask import g
from marshmallow import ValidationError

from ..errors import ApiError, NotFound
from ..request import auth
from ..request.answers import json_text_answer
from ..request.pagination import decode, page
from ..request.parsing import load_query
from .ids import uuid_or_404

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
    """One object of an account: `fetch(conn, account_id, id, key_hash=)` gives its JSON
    (text or bytes), or None."""

    def __init__(self, fetch, not_found):
        self.fetch = fetch
        self.not_found = not_found

    def json(self, conn, account_id, object_id, key_hash=None):
        return self.fetch(conn, account_id, object_id, key_hash=key_hash)

    def answer(self, object_id):
        body = auth.checked(self.json, g.account_id, uuid_or_404(object_id, self.not_found))
        if body is None:
            raise NotFound(self.not_found)
        return json_text_answer(body)
