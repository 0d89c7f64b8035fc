"""/numbers: phone numbers bound to a credential and pinned to an agent."""

import orjson
from flask import Blueprint, g, url_for

from ..errors import DuplicateNumber, NoSuchCredential, NotFound, invalid_body
from ..queries import numbers, providers
from ..request import auth, db
from ..request.answers import changed, json_text_answer, no_content
from ..request.parsing import load_body
from .ids import uuid_or_404
from .operations import operation
from .reads import One, Page
from .schemas import (
    FALLBACK_IS_THE_NUMBER,
    CreateNumberRequest,
    ListNumbersQuery,
    NumberList,
    PhoneNumber,
    UpdateNumberRequest,
)

bp = Blueprint("numbers", __name__, url_prefix="/numbers")
NOT_FOUND = "phone number not found"
create_request = CreateNumberRequest()
update_request = UpdateNumberRequest()


def page_json(rows, next_cursor):
    # Each row is the number's JSON already (kept in its row): the page is them joined.
    return b'{"numbers":[%b],"next_cursor":%b}' % (b",".join(rows), orjson.dumps(next_cursor))


PAGE = Page("n", ListNumbersQuery(), numbers.page, page_json, orjson.loads)
ONE = One(numbers.get, NOT_FOUND)


@bp.post("")
@operation("createNumber", "Register a phone number", status=201, body=CreateNumberRequest,
           answer=PhoneNumber, errors=(409, 413, 422), idempotent=True, checks_key=True)
def create():
    body = load_body(create_request)
    try:
        row = auth.checked(
            numbers.create,
            account_id=g.account_id,
            e164=body["e164"],
            credentials_id=body["credentials_id"],
            provider=body.get("provider"),
            agent_id=body.get("agent_id"),
            inbound_enabled=body["inbound_enabled"],
            outbound_enabled=body["outbound_enabled"],
            fallback_e164=body.get("fallback_e164"),
            origin=auth.origin(),
        )
    except numbers.FallbackIsTheNumber:
        raise invalid_body("fallback_e164", FALLBACK_IS_THE_NUMBER) from None
    except numbers.Duplicate:
        raise DuplicateNumber(body["e164"]) from None
    except numbers.NoCredential:
        # Deleted while this insert ran; its statement failed, and inside an
        # Idempotency-Key's transaction no other may follow it: answer now.
        raise NoSuchCredential() from None
    if row is None:
        raise why_not_created(body)
    return json_text_answer(row["api_json"], 201,
                            {"Location": url_for(".get", id=row["id"])})


def why_not_created(body):
    """The 400 for an insert that found no credential: missing, or another provider."""
    provider = providers.provider_of(db.conn(), g.account_id, body["credentials_id"])
    if provider is None:
        return NoSuchCredential()
    return invalid_body("provider", f"does not match the credential's provider ({provider})")


@bp.get("")
@operation("listNumbers", "List phone numbers", query=ListNumbersQuery, answer=NumberList,
           fast=PAGE, checks_key=True)
def list_():
    return PAGE.answer()


@bp.get("/<id>")
@operation("getNumber", "Get a phone number", answer=PhoneNumber, errors=(404,), fast=ONE,
           checks_key=True)
def get(id):
    return ONE.answer(id)


@bp.patch("/<id>")
@operation("updateNumber", "Pin or unpin a phone number to an agent", status=204,
           body=UpdateNumberRequest, representation=PhoneNumber, errors=(404, 413))
def update(id):
    number_id = uuid_or_404(id, NOT_FOUND)
    body = load_body(update_request)
    try:
        number = numbers.update(db.conn(), g.account_id, number_id, body, auth.origin())
    except numbers.FallbackIsTheNumber:
        raise invalid_body("fallback_e164", FALLBACK_IS_THE_NUMBER) from None
    if number is None:
        raise NotFound(NOT_FOUND)
    return changed(number)


@bp.delete("/<id>")
@operation("deleteNumber", "Delete a phone number", status=204, errors=(404,))
def delete(id):
    if not numbers.delete(db.conn(), g.account_id, uuid_or_404(id, NOT_FOUND), auth.origin()):
        raise NotFound(NOT_FOUND)
    return no_content()
