"""Keyset pagination: opaque cursors that name a position in (created_at, id) order.

A cursor only says where the previous page ended; every query is also bound to the
caller's account, so a cursor, forged or not, can never reach another account's rows.
"""

import base64
import binascii
import re
from datetime import datetime

from ..errors import invalid_query

POSITION = re.compile(
    r"(?P<kind>[a-z]+)\|(?P<created_at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)"
    r"\|(?P<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
)


def encode(kind, row):
    """The cursor of the position just after row (an object with created_at and id)."""
    position = f"{kind}|{row['created_at']}|{row['id']}"
    return base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")


def decode(kind, cursor):
    """(created_at, id) of a cursor of this list, or 400 naming the parameter."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        text = ""
    match = POSITION.fullmatch(text)
    # Only exactly as issued: the decoder drops what is not in its alphabet, so a cursor
    # with junk in it would otherwise still be read.
    issued = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    if (not match or match["kind"] != kind or not _real_time(match["created_at"])
            or issued != cursor):
        raise invalid_query("cursor", "not a cursor of this list")
    return match["created_at"], match["id"]


def _real_time(stamp):
    try:
        datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        return False
    return True


def page(kind, rows, limit, as_object=lambda row: row):
    """(the page's rows, next_cursor) from up to limit + 1 rows fetched; `as_object`
    turns a row into the object whose created_at and id the cursor names."""
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode(kind, as_object(rows[-1]))
    return rows, None
