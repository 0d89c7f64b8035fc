"""/numbers: phone numbers bound to a credential and pinned to an agent."""

import orjson
from flask import Blueprint, g, url_for

from .. import auth, db
from ..answers import json_text_answer, no_content
from ..errors import BadRequest, NotFound, invalid_body
from ..idempotency import idempotent
from ..pagination import decode, page
from ..parsing import load_body, load_query
from ..queries import numbers, providers
from ..schemas import CreateNumberRequest, ListNumbersQuery, UpdateNumberRequest
from .ids import uuid_or_404

bp = Blueprint("numbers", __name__, url_prefix="/numbers")
NOT_FOUND = "phone number not found"
create_request = CreateNumberRequest()
update_request = UpdateNumberRequest()
list_query = ListNumbersQuery()


@bp.post("")
@idempotent
@auth.checks_key_itself
def create():
    body = load_body(create_request)
    try:
        row = numbers.create(
            db.conn(),
            account_id=g.account_id,
            e164=body["e164"],
            credentials_id=body["credentials_id"],
            provider=body.get("provider"),
            agent_id=body.get("agent_id"),
            inbound_enabled=body["inbound_enabled"],
            outbound_enabled=body["outbound_enabled"],
            origin=auth.origin(),
            key_hash=auth.unconfirmed_key(),
        )
        auth.confirmed_by(row)
    except numbers.Duplicate:
        raise BadRequest(f"duplicate number: {body['e164']} is already registered") from None
    except numbers.NoCredential:
        # Deleted while this insert ran; its statement failed, and inside an
        # Idempotency-Key's transaction no other may follow it: answer now.
        raise invalid_body("credentials_id", "no such credential") from None
    if row is None:
        raise why_not_created(body)
    return json_text_answer(row["api_json"], 201,
                            {"Location": url_for(".get", number_id=row["id"])})


def why_not_created(body):
    """The 400 for an insert that found no credential: missing, or another provider."""
    provider = providers.provider_of(db.conn(), g.account_id, body["credentials_id"])
    if provider is None:
        return invalid_body("credentials_id", "no such credential")
    return invalid_body("provider", f"does not match the credential's provider ({provider})")


@bp.get("")
@auth.checks_key_itself
def list_():
    query = load_query(list_query)
    answer = page_json(db.conn(), g.account_id, query, auth.unconfirmed_key())
    auth.confirmed_by(answer)
    if answer is None:  # no rows: none to show, or a revoked key (auth.confirm tells)
        answer = page_json_of([], None)
    return json_text_answer(answer)


@bp.get("/<number_id>")
@auth.checks_key_itself
def get(number_id):
    answer = one_json(db.conn(), g.account_id, uuid_or_404(number_id, NOT_FOUND),
                      auth.unconfirmed_key())
    auth.confirmed_by(answer)
    if answer is None:
        raise NotFound(NOT_FOUND)
    return json_text_answer(answer)


def page_json(conn, account_id, query, key_hash=None):
    """The JSON text of a page of the account's numbers (a loaded ListNumbersQuery);
    None when no row was found. Shared by the view and app/api/hot_reads.py."""
    filters = {name: query[name] for name in numbers.FILTERS if name in query}
    rows = numbers.page(conn, account_id, filters=filters, after=decode("n", query.get("cursor")),
                        limit=query["limit"] + 1, key_hash=key_hash)
    if not rows:
        return None
    rows, next_cursor = page("n", rows, query["limit"], as_object=orjson.loads)
    return page_json_of(rows, next_cursor)


def one_json(conn, account_id, number_id, key_hash=None):
    """The JSON text of one number of the account (kept in its row), or None."""
    return numbers.get(conn, account_id, number_id, key_hash=key_hash)


def page_json_of(rows, next_cursor):
    # Each row is the number's JSON already: the page is them joined.
    return f'{{"numbers":[{",".join(rows)}],"next_cursor":{orjson.dumps(next_cursor).decode()}}}'


@bp.patch("/<number_id>")
def update(number_id):
    number_id = uuid_or_404(number_id, NOT_FOUND)
    body = load_body(update_request)
    if not numbers.update(db.conn(), g.account_id, number_id, body, auth.origin()):
        raise NotFound(NOT_FOUND)
    return no_content()


@bp.delete("/<number_id>")
def delete(number_id):
    if not numbers.delete(db.conn(), g.account_id, uuid_or_404(number_id, NOT_FOUND),
                          auth.origin()):
        raise NotFound(NOT_FOUND)
    return no_content()
