"""API keys: making them, and finding the account a request acts for."""

import hashlib
import hmac
import re
import secrets

from flask import g, request

from . import db
from .errors import BadRequest, Forbidden, Unauthorized
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


def authenticate():
    """Before every telephony request: 401 without a valid key, else set g.account_id."""
    match = BEARER.fullmatch(request.headers.get("Authorization", "").strip())
    if not match:
        raise Unauthorized()
    digest = key_hash(match.group(1))
    key = api_keys.find_active(db.conn(), digest)
    # The lookup already matched the digest; compare again in constant time so the
    # check holds whatever the database's comparison does.
    if key is None or not hmac.compare_digest(bytes(key["key_hash"]), digest):
        raise Unauthorized()
    g.account_id = account_for(key, request.headers.get("X-Account-ID"))


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
