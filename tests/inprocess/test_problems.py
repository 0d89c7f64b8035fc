"""Errors a program can tell apart: problem details (RFC 9457) with a stable code, for a
request whose Accept prefers them; the text line for every other."""

import pytest

from app.errors import CODES
from tests.support.api import (
    E164S,
    NUMBERS,
    PROVIDERS,
    TWILIO,
    add_number,
    add_provider,
    bearer,
    error,
    problem,
)

PROBLEM = {"Accept": "application/problem+json"}
SOME_ID = "6f1c0d3e-8a5b-4b8e-9a53-3f5f2b0c7d11"


@pytest.mark.parametrize("accept", ["application/problem+json",
                                    "application/json, application/problem+json",
                                    "application/problem+json, text/plain;q=0.5",
                                    "text/plain;q=0.1, application/problem+json"])
def test_an_accept_that_prefers_problem_details_gets_them(client, alice, accept):
    answer = client.post(NUMBERS, json={"e164": "+1 202"}, headers={**alice, "Accept": accept})
    body = problem(answer)
    assert body == {"type": "urn:kataven:error:invalid_body", "title": "Invalid body",
                    "status": 400, "detail": "invalid body: e164: not a valid E.164 phone number",
                    "code": "invalid_body", "field": "e164",
                    "request_id": answer.headers["X-Request-ID"]}


@pytest.mark.parametrize("accept", [None, "*/*", "text/plain", "application/json",
                                    "text/plain, application/problem+json;q=0.5",
                                    "application/problem+json;q=0"])
def test_any_other_accept_keeps_the_text_line(client, alice, accept):
    headers = {**alice, **({"Accept": accept} if accept else {})}
    answer = client.post(NUMBERS, json={"e164": "+1 202"}, headers=headers)
    assert error(answer) == (400, "invalid body: e164: not a valid E.164 phone number")


def test_a_duplicate_number_and_a_malformed_one_have_codes_of_their_own(client, alice):
    credential = add_provider(client, alice)
    add_number(client, alice, credential["id"])
    duplicate = problem(client.post(NUMBERS, json={"e164": E164S[0], "credentials_id":
                                                   credential["id"]}, headers={**alice, **PROBLEM}))
    malformed = problem(client.post(NUMBERS, json={"e164": "+10000000000", "credentials_id":
                                                   credential["id"]}, headers={**alice, **PROBLEM}))
    assert (duplicate["status"], duplicate["code"], duplicate["field"]) == (
        400, "duplicate_number", "e164")
    assert duplicate["detail"] == f"duplicate number: {E164S[0]} is already registered"
    assert (malformed["status"], malformed["code"]) == (400, "invalid_body")


def codes_of(client, headers, make_key):
    """(code, status, field) of one request provoking each code a client can provoke."""
    credential = add_provider(client, headers)
    number = add_number(client, headers, credential["id"])
    platform = bearer(make_key(platform=True))
    other = bearer(make_key("other"))
    headers = {**headers, **PROBLEM}
    return {
        "invalid_body": client.post(NUMBERS, data="{", headers={
            **headers, "Content-Type": "application/json"}),
        "invalid_parameter": client.get(f"{NUMBERS}?limit=0", headers=headers),
        "missing_account": client.get(NUMBERS, headers={**platform, **PROBLEM}),
        "duplicate_number": client.post(NUMBERS, json={
            "e164": number["e164"], "credentials_id": credential["id"]}, headers=headers),
        "no_such_credential": client.post(NUMBERS, json={
            "e164": E164S[1], "credentials_id": SOME_ID}, headers=headers),
        "unauthenticated": client.get(NUMBERS, headers=PROBLEM),
        "account_mismatch": client.get(NUMBERS, headers={**other, **PROBLEM,
                                                         "X-Account-ID": "alice"}),
        "not_found": client.get(f"{NUMBERS}/{SOME_ID}", headers=headers),
        "method_not_allowed": client.put(NUMBERS, headers=headers),
        "credential_in_use": client.delete(f"{PROVIDERS}/{credential['id']}", headers=headers),
        "body_too_large": client.post(NUMBERS, data="x" * 70_000, headers={
            **headers, "Content-Type": "application/json"}),
        "idempotency_key_reused": (
            client.post(PROVIDERS, json={"provider": "twilio", "credentials": TWILIO},
                        headers={**headers, "Idempotency-Key": "k1"}),
            client.post(PROVIDERS, json={"provider": "twilio", "credentials": TWILIO,
                                         "label": "Other"},
                        headers={**headers, "Idempotency-Key": "k1"}))[1],
    }


def test_each_error_a_client_can_provoke_has_its_code_and_status(client, alice, make_key):
    for code, answer in codes_of(client, alice, make_key).items():
        body = problem(answer)
        assert (body["code"], body["status"]) == (code, CODES[code][0]), (code, body)
        assert body["title"] == CODES[code][1]


def test_the_field_at_fault_is_named_by_its_dotted_path(client, alice):
    body = problem(client.post(PROVIDERS, json={
        "provider": "twilio", "credentials": {"account_sid": "AC1", "auth_token": "t"}},
        headers={**alice, **PROBLEM}))
    assert (body["code"], body["field"]) == ("invalid_body", "credentials.account_sid")
    body = problem(client.get(f"{NUMBERS}?api_key=x", headers={**alice, **PROBLEM}))
    assert (body["code"], body["field"]) == ("invalid_parameter", "api_key")
    body = problem(client.get(NUMBERS, headers={**alice, **PROBLEM}, data=None,
                              query_string={"cursor": "nope"}))
    assert body["field"] == "cursor"


def test_an_error_of_no_one_field_has_no_field(client, alice):
    body = problem(client.post(NUMBERS, data="[]", headers={
        **alice, **PROBLEM, "Content-Type": "application/json"}))
    assert body["code"] == "invalid_body" and "field" not in body


def test_the_request_id_is_the_answers(client, alice):
    answer = client.get(f"{NUMBERS}/{SOME_ID}", headers={**alice, **PROBLEM,
                                                         "X-Request-ID": "trace-42"})
    assert problem(answer)["request_id"] == "trace-42"


def test_401_keeps_its_www_authenticate_as_problem_details(client):
    answer = client.get(NUMBERS, headers=PROBLEM)
    assert problem(answer)["code"] == "unauthenticated"
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_a_database_failure_is_a_problem_too(make_app):
    app = make_app(database_url="postgresql://postgres@127.0.0.1:1/test", pool_timeout=0.2)
    body = problem(app.test_client().get(NUMBERS, headers={
        **bearer("kvn_" + "d" * 43), **PROBLEM}))
    assert (body["status"], body["code"], body["detail"]) == (500, "database_error",
                                                               "database error")


def test_the_document_lists_both_forms_of_every_error_and_the_closed_set(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["components"]["schemas"]["Problem"]["properties"]["code"]["enum"] == list(
        CODES)
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method == "parameters" or not path.startswith("/api/v1/telephony"):
                continue
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    assert set(answer["content"]) == {"text/plain", "application/problem+json"}, (
                        method, path, status)
