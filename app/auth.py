"""API keys: making them, and finding the account a request acts for."""

import hashlib
import hmac
import re
import secrets

from flask import current_app, g, request

import psycopg

from . import db, errors
from .errors import ApiError, BadRequest, Forbidden, Unauthorized
from .queries import api_keys

ACCOUNT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# RFC 6750's token68, bounded: no key of ours is longer, and no lookup is wasted on more.
BEARER = re.compile(r"Bearer +([A-Za-z0-9._~+/-]{1,200}=*)", re.IGNORECASE)
KEY_PREFIX = "kvn_"


def new_key():
    """A new API key: 256 random bits, prefixed so that secret scanners can spot it."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_hash(key):
    """What the database keeps of a key. The key is random, so a fast hash is enough:
    the digest reveals nothing, and a lookup by it leaks no timing about the key."""
    return hashlib.sha256(key.encode()).digest()


# Keys this process has seen active: digest -> id, kind and account, which never change
# for a key. Whether a key is still active is asked of the database on every request.
KNOWN = {}
KNOWN_LIMIT = 10_000


def checks_key_itself(view):
    """Mark a view whose every statement either only reads or carries the key's check
    (queries.KEY_ACTIVE), given `unconfirmed_key()`: a known key need not be looked up
    before it runs."""
    view.checks_key_itself = True
    return view


def authenticate():
    """Before every telephony request: 401 without a valid key, else set g.account_id.

    A request to a view that `checks_key_itself`, with a key this process knows, does
    not spend a round trip on the key: its statement checks the key (`unconfirmed_key`),
    and `confirm` asks separately only when that statement found nothing. Other views
    have the key looked up first.
    """
    match = BEARER.fullmatch(request.headers.get("Authorization", "").strip())
    if not match:
        raise Unauthorized()
    digest = key_hash(match.group(1))
    header = request.headers.get("X-Account-ID")
    known = KNOWN.get(digest)
    view = current_app.view_functions.get(request.endpoint)
    if known is not None and getattr(view, "checks_key_itself", False):
        try:
            g.account_id = account_for(known, header)
        except ApiError:
            pass  # answered below, once the key itself is confirmed
        else:
            g.unconfirmed_key = digest
            g.key = known
            return
    key = api_keys.find_active(db.conn(), digest)
    if not _matches(key, digest):
        KNOWN.pop(digest, None)
        raise Unauthorized()
    if len(KNOWN) >= KNOWN_LIMIT:
        KNOWN.clear()
    KNOWN[digest] = {"id": key["id"], "kind": key["kind"], "account_id": key["account_id"]}
    g.account_id = account_for(key, header)
    g.key = KNOWN[digest]


def origin():
    """Who makes the request's changes, as its events record them: the key's id and
    kind, and the request's id."""
    return {"actor_key_id": g.key["id"], "actor_kind": g.key["kind"],
            "request_id": g.request_id}


def unconfirmed_key():
    """The request's key digest while it is not yet checked: a read passes it to its
    query, which then answers only while the key is active."""
    return g.get("unconfirmed_key")


def confirmed_by(found):
    """A read made with the unconfirmed key found rows: so the key is active."""
    if found:
        g.pop("unconfirmed_key", None)


def require_confirmed():
    """Look the key up now if it is still unconfirmed (before a statement that does not
    check it); 401 if it was revoked."""
    digest = g.pop("unconfirmed_key", None)
    if digest is not None and not _matches(api_keys.find_active(db.conn(), digest), digest):
        KNOWN.pop(digest, None)
        raise Unauthorized()


def confirm(response):
    """After every telephony request: a key still unconfirmed is checked now; 401 if it
    was revoked, whatever the answer would have been."""
    if "unconfirmed_key" not in g or response.status_code >= 500:
        return response
    try:
        require_confirmed()
    except Unauthorized as exc:
        return errors.answer(exc)
    except psycopg.Error as exc:
        return errors.database_error(exc)
    return response


def _matches(key, digest):
    # The lookup already matched the digest; compare again in constant time so the
    # check holds whatever the database's comparison does.
    return key is not None and hmac.compare_digest(bytes(key["key_hash"]), digest)


def account_for(key, header):
    """The account a request acts for, from its key and its X-Account-ID header."""
    if header is None:
        if key["kind"] == "platform":
            raise BadRequest("missing X-Account-ID header")
        return key["account_id"]
    if not ACCOUNT_ID.fullmatch(header):
        raise BadRequest(
            "invalid X-Account-ID header: must be 1 to 64 characters of A-Z a-z 0-9 _ -"
        )
    if key["kind"] == "account" and header != key["account_id"]:
        raise Forbidden("X-Account-ID does not match the API key")
    return header
