"""/providers: an account's carrier credentials, sealed before they are stored."""

import base64

import orjson
from flask import Blueprint, current_app, g, url_for

from ..carriers import CARRIERS
from ..errors import CredentialInUse, InvalidBody, NotFound, invalid_body
from ..queries import providers
from ..request import auth, db
from ..request.answers import changed, created, no_content
from ..request.parsing import check, load_body
from .ids import uuid_or_404
from .operations import operation
from .reads import One, Page
from .schemas import (
    CreateProviderRequest,
    ListProvidersQuery,
    ProviderCredential,
    ProviderList,
    SealedCredential,
    UpdateProviderRequest,
    check_credentials,
)

bp = Blueprint("providers", __name__, url_prefix="/providers")
NOT_FOUND = "credential not found"
create_request = CreateProviderRequest()
update_request = UpdateProviderRequest()


def one_json(conn, account_id, credential_id, key_hash=None):
    """The JSON of one credential of the account, or None."""
    row = providers.get(conn, account_id, credential_id, key_hash=key_hash)
    return row and orjson.dumps(row)


PAGE = Page("p", ListProvidersQuery(), providers.page,
            lambda rows, next_cursor: orjson.dumps({"providers": rows, "next_cursor": next_cursor}),
            lambda row: row)
ONE = One(one_json, NOT_FOUND)


def phone_numbers(n):
    """A count with its noun: 1 phone number, 2 phone numbers."""
    return f"{n} phone number" if n == 1 else f"{n} phone numbers"


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
@operation("createProvider", "Add a telephony provider credential", status=201,
           body=CreateProviderRequest, answer=ProviderCredential,
           errors=(409, 413, 422, 502, 503), idempotent=True, prepare=checked_request)
def create(checked):
    body, (ciphertext, keys, key_id, verified_at) = checked
    row = providers.create(
        db.conn(),
        account_id=g.account_id,
        provider=body["provider"],
        label=body.get("label") or CARRIERS[body["provider"]].DISPLAY_NAME,
        credential_keys=keys,
        sealed=ciphertext,
        sealing_key_id=key_id,
        verified_at=verified_at,
        origin=auth.origin(),
    )
    return created(row, url_for(".get", id=row["id"]))


@bp.get("")
@operation("listProviders", "List telephony provider credentials", query=ListProvidersQuery,
           answer=ProviderList, fast=PAGE, checks_key=True)
def list_():
    return PAGE.answer()


@bp.get("/<id>")
@operation("getProvider", "Get a telephony provider credential", answer=ProviderCredential,
           errors=(404,), fast=ONE, checks_key=True)
def get(id):
    return ONE.answer(id)


@bp.patch("/<id>")
@operation("updateProvider", "Rotate a credential or change its label", status=204,
           body=UpdateProviderRequest, representation=ProviderCredential,
           errors=(404, 413, 502, 503))
def update(id):
    credential_id = uuid_or_404(id, NOT_FOUND)
    body = load_body(update_request)
    provider = providers.provider_of(db.conn(), g.account_id, credential_id)
    if provider is None:
        raise NotFound(NOT_FOUND)
    if body.get("provider", provider) != provider:
        raise invalid_body("provider", f"cannot change ({provider} credential)")
    if "label" not in body and "credentials" not in body:  # the provider alone, as it is
        raise InvalidBody("nothing to update")
    sealed = label = None
    if "credentials" in body:
        check(check_credentials, provider, body["credentials"])
        sealed = sealed_and_checked(provider, body["credentials"])
    if "label" in body:
        label = body["label"] or CARRIERS[provider].DISPLAY_NAME
    credential = providers.update(db.conn(), g.account_id, credential_id, auth.origin(),
                                  label=label, sealed=sealed)
    if credential is None:
        raise NotFound(NOT_FOUND)
    return changed(credential)


def sealed_json(conn, account_id, credential_id, key_hash=None):
    """What the service that dials out opens: the sealed value, in base64."""
    row = providers.sealed_of(conn, account_id, credential_id, key_hash)
    return row and orjson.dumps({
        "id": row["id"], "provider": row["provider"], "sealing_key_id": row["sealing_key_id"],
        "sealed": base64.b64encode(bytes(row["sealed_credentials"])).decode()})


SEALED = One(sealed_json, NOT_FOUND)


@bp.get("/<id>/sealed")
@operation("getSealedProvider", "The sealed credential, for the service that dials out",
           answer=SealedCredential, errors=(404,), fast=SEALED, checks_key=True,
           platform_only="sealed credentials need a platform key")
def sealed(id):
    return SEALED.answer(id)


@bp.delete("/<id>")
@operation("deleteProvider", "Delete a telephony provider credential", status=204,
           errors=(404, 409))
def delete(id):
    credential_id = uuid_or_404(id, NOT_FOUND)
    for _ in range(2):
        try:
            deleted = providers.delete(db.conn(), g.account_id, credential_id, auth.origin())
        except providers.InUse:
            n = providers.count_numbers(db.conn(), g.account_id, credential_id)
            if n:
                raise CredentialInUse(f"credential in use by {phone_numbers(n)}") from None
            continue  # its numbers went between the two statements: try again
        if not deleted:
            raise NotFound(NOT_FOUND)
        return no_content()
    raise CredentialInUse("credential in use by phone numbers being changed; try again")
