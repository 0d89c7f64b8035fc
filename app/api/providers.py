"""/providers: an account's carrier credentials, sealed before they are stored."""

import orjson
from flask import Blueprint, current_app, g, url_for

from .. import auth, db
from ..idempotency import idempotent
from ..answers import created, json_text_answer, no_content
from ..errors import BadRequest, Conflict, NotFound
from ..pagination import decode, page
from ..parsing import check, load_body, load_query
from ..queries import providers
from ..schemas import (
    DISPLAY_NAMES, CreateProviderRequest, ListProvidersQuery, UpdateProviderRequest,
    check_credentials,
)
from .ids import uuid_or_404

bp = Blueprint("providers", __name__, url_prefix="/providers")
NOT_FOUND = "credential not found"
create_request = CreateProviderRequest()
update_request = UpdateProviderRequest()
list_query = ListProvidersQuery()


def sealed_and_checked(provider, credentials):
    """(ciphertext, sorted field names, key id, verified_at): checked with the carrier
    (400 rejected, 502 unreachable), with no database connection held while it waits,
    then sealed. With no sealing key, 503 at once: the carrier is not bothered."""
    sealer = current_app.extensions["sealer"]
    sealer.require()
    verifier = current_app.extensions["carriers"]
    if verifier.enabled:
        with db.released():
            verified_at = verifier.verify(provider, credentials)
    else:
        verified_at = None
    ciphertext, key_id = sealer.seal(credentials)
    return ciphertext, sorted(credentials), key_id, verified_at


def checked_request():
    """The create request's body, and its credentials sealed and checked."""
    body = load_body(create_request)
    return body, sealed_and_checked(body["provider"], body["credentials"])


@bp.post("")
@idempotent(prepare=checked_request)
def create(checked):
    body, (ciphertext, keys, key_id, verified_at) = checked
    row = providers.create(
        db.conn(),
        account_id=g.account_id,
        provider=body["provider"],
        label=body.get("label") or DISPLAY_NAMES[body["provider"]],
        credential_keys=keys,
        sealed=ciphertext,
        sealing_key_id=key_id,
        verified_at=verified_at,
        origin=auth.origin(),
    )
    return created(row, url_for(".get", credential_id=row["id"]))


@bp.get("")
@auth.checks_key_itself
def list_():
    query = load_query(list_query)
    answer = page_json(db.conn(), g.account_id, query, auth.unconfirmed_key())
    auth.confirmed_by(answer)
    if answer is None:  # no rows: none to show, or a revoked key (auth.confirm tells)
        answer = orjson.dumps({"providers": [], "next_cursor": None})
    return json_text_answer(answer)


@bp.get("/<credential_id>")
@auth.checks_key_itself
def get(credential_id):
    answer = one_json(db.conn(), g.account_id, uuid_or_404(credential_id, NOT_FOUND),
                      auth.unconfirmed_key())
    auth.confirmed_by(answer)
    if answer is None:
        raise NotFound(NOT_FOUND)
    return json_text_answer(answer)


def page_json(conn, account_id, query, key_hash=None):
    """The JSON of a page of the account's credentials (a loaded ListProvidersQuery);
    None when no row was found. Shared by the view and app/api/hot_reads.py."""
    rows = providers.page(conn, account_id, after=decode("p", query.get("cursor")),
                          limit=query["limit"] + 1, key_hash=key_hash)
    if not rows:
        return None
    rows, next_cursor = page("p", rows, query["limit"])
    return orjson.dumps({"providers": rows, "next_cursor": next_cursor})


def one_json(conn, account_id, credential_id, key_hash=None):
    """The JSON of one credential of the account, or None."""
    row = providers.get(conn, account_id, credential_id, key_hash=key_hash)
    return row and orjson.dumps(row)


@bp.patch("/<credential_id>")
def update(credential_id):
    credential_id = uuid_or_404(credential_id, NOT_FOUND)
    body = load_body(update_request)
    provider = providers.provider_of(db.conn(), g.account_id, credential_id)
    if provider is None:
        raise NotFound(NOT_FOUND)
    if body.get("provider", provider) != provider:
        raise BadRequest(f"invalid body: provider: cannot change ({provider} credential)")
    sealed = label = None
    if "credentials" in body:
        check(check_credentials, provider, body["credentials"])
        sealed = sealed_and_checked(provider, body["credentials"])
    if "label" in body:
        label = body["label"] or DISPLAY_NAMES[provider]
    if not providers.update(db.conn(), g.account_id, credential_id, auth.origin(),
                            label=label, sealed=sealed):
        raise NotFound(NOT_FOUND)
    return no_content()


@bp.delete("/<credential_id>")
def delete(credential_id):
    credential_id = uuid_or_404(credential_id, NOT_FOUND)
    for _ in range(2):
        try:
            deleted = providers.delete(db.conn(), g.account_id, credential_id, auth.origin())
        except providers.InUse:
            n = providers.count_numbers(db.conn(), g.account_id, credential_id)
            if n:
                raise Conflict(f"credential in use by {n} phone numbers") from None
            continue  # its numbers went between the two statements: try again
        if not deleted:
            raise NotFound(NOT_FOUND)
        return no_content()
    raise Conflict("credential in use by phone numbers being changed; try again")
