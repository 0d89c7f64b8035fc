"""The request's API key and the account it acts for; and the one owner of the known-key check.

A key this process has seen active (KNOWN) is not looked up before a view whose every
statement either only reads or carries the key's check itself (`checks_key_itself`):
such a view runs its statements through `checked`, which hands each the unconfirmed
key's digest (queries.KEY_ACTIVE then makes it answer nothing for a revoked key) and
takes the key as confirmed once a statement found rows. A key still unconfirmed when the
view is done (nothing found: a missing row, an empty page) is looked up by `confirm`,
and a revoked one answers 401 whatever the view said. app/request/fast_path.py answers
through the same functions.
"""

import hmac
import re

import psycopg
from flask import current_app, g, request

from ..errors import (
    AccountMismatch,
    ApiError,
    MissingAccount,
    PlatformKeyRequired,
    Unauthenticated,
    invalid_header,
)
from ..forms import ACCOUNT_ID
from ..keys import key_hash
from ..queries import api_keys
from . import answers, db

# RFC 6750's token68, bounded: no key of ours is longer, and no lookup is wasted on more.
BEARER = re.compile(r"Bearer +([A-Za-z0-9._~+/-]{1,200}=*)", re.IGNORECASE)

# Keys this process has seen active: digest -> id, kind and account, which never change
# for a key. Whether a key is still active is asked of the database on every request.
KNOWN = {}
KNOWN_LIMIT = 10_000


def checks_key_itself(view):
    """Mark a view whose every statement either only reads or runs through `checked`:
    a known key need not be looked up before it runs."""
    view.checks_key_itself = True
    return view


def for_platform_keys(view, refusal, account_optional=False):
    """Mark a view only platform keys may call (an account key: 403 `refusal`); with
    account_optional, X-Account-ID may be left out (the object names its account)."""
    view.platform_only = refusal
    view.account_optional = account_optional
    return view


def digest_of(authorization):
    """The digest of a bearer key in an Authorization header's value, or None."""
    match = BEARER.fullmatch(authorization.strip())
    return key_hash(match.group(1)) if match else None


def known(authorization, account_header, view=None):
    """(digest, key, account id) when the key is one this process knows and may call
    `view` with this X-Account-ID; None when the key must be looked up (or refused)
    first."""
    digest = digest_of(authorization)
    key = KNOWN.get(digest) if digest else None
    if key is None or (getattr(view, "platform_only", None) and key["kind"] != "platform"):
        return None
    try:
        return digest, key, account_for(key, account_header,
                                        getattr(view, "account_optional", False))
    except ApiError:
        return None  # answered once the key itself is confirmed


def authenticate():
    """Before every telephony request: 401 without a valid key, else set g.account_id
    and g.key (and g.unconfirmed_key, when the view checks a known key itself)."""
    header = request.headers.get("X-Account-ID")
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "checks_key_itself", False):
        found = known(request.headers.get("Authorization", ""), header, view)
        if found is not None:
            g.unconfirmed_key, g.key, g.account_id = found
            return
    digest = digest_of(request.headers.get("Authorization", ""))
    if digest is None:
        raise Unauthenticated()
    key = api_keys.find_active(db.conn(), digest)
    if not _matches(key, digest):
        KNOWN.pop(digest, None)
        raise Unauthenticated()
    if len(KNOWN) >= KNOWN_LIMIT:
        KNOWN.clear()
    KNOWN[digest] = {"id": key["id"], "kind": key["kind"], "account_id": key["account_id"]}
    g.key = KNOWN[digest]
    refusal = getattr(view, "platform_only", None)
    if refusal and key["kind"] != "platform":
        raise PlatformKeyRequired(refusal)
    g.account_id = account_for(key, header, getattr(view, "account_optional", False))


def run_checked(statement, conn, digest, *args, **kwargs):
    """What `statement(conn, *args, key_hash=digest, **kwargs)` found: with a digest, a
    statement that finds nothing unless that key is active, so whatever it found
    confirms the key."""
    return statement(conn, *args, key_hash=digest, **kwargs)


def checked(statement, *args, **kwargs):
    """Run one statement of the request (`statement(conn, *args, key_hash=..., **kwargs)`)
    with the key's check riding in it while the key is unconfirmed; what it found
    confirms the key."""
    digest = g.get("unconfirmed_key")
    found = run_checked(statement, db.conn(), digest, *args, **kwargs)
    if found and digest is not None:
        del g.unconfirmed_key
    return found


def require_confirmed():
    """Look the key up now if it is still unconfirmed (before a statement that does not
    check it); 401 if it was revoked."""
    digest = g.pop("unconfirmed_key", None)
    if digest is not None and not _matches(api_keys.find_active(db.conn(), digest), digest):
        KNOWN.pop(digest, None)
        raise Unauthenticated()


def confirm(response):
    """After every telephony request: a key still unconfirmed is checked now; 401 if it
    was revoked, whatever the answer would have been."""
    if "unconfirmed_key" not in g or response.status_code >= 500:
        return response
    try:
        require_confirmed()
    except Unauthenticated as exc:
        return answers.error(exc)
    except psycopg.Error as exc:
        return answers.database_error(exc)
    return response


def origin():
    """Who makes the request's changes, as its events record them: the key's id and
    kind, and the request's id."""
    return {"actor_key_id": g.key["id"], "actor_kind": g.key["kind"],
            "request_id": g.request_id}


def _matches(key, digest):
    # The lookup already matched the digest; compare again in constant time so the
    # check holds whatever the database's comparison does.
    return key is not None and hmac.compare_digest(bytes(key["key_hash"]), digest)


def account_for(key, header, optional=False):
    """The account a request acts for, from its key and its X-Account-ID header (None:
    a platform key on a view where the account is optional, and none named)."""
    if header is None:
        if key["kind"] == "platform":
            if optional:
                return None
            raise MissingAccount("missing X-Account-ID header")
        return key["account_id"]
    if not ACCOUNT_ID.fullmatch(header):
        raise invalid_header("X-Account-ID", "must be 1 to 64 characters of A-Z a-z 0-9 _ -")
    if key["kind"] == "account" and header != key["account_id"]:
        raise AccountMismatch("X-Account-ID does not match the API key", field="X-Account-ID")
    return header
