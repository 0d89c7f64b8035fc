"""Errors from the live service: one class per status, with its status, the service's
one-line message, its stable code and the field at fault, the request id and the headers;
and from a proxy's text-only answers, which carry no code."""

from __future__ import annotations

from typing import Any, Mapping, get_args

import faults
import pytest
from conftest import TWILIO, Made, Service, new_e164

from kataven import (
    APIStatusError,
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    ConflictError,
    ErrorCode,
    Kataven,
    KatavenError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    UnprocessableEntityError,
)

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def test_not_found_carries_status_message_request_id_and_headers(client: Kataven) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.telephony.numbers.get(UNKNOWN)
    error = caught.value
    assert isinstance(error, APIStatusError) and isinstance(error, KatavenError)
    assert error.status_code == 404
    assert error.message == "phone number not found"
    assert error.request_id and error.request_id == error.headers["X-Request-ID"]
    assert error.headers["Content-Type"] == "application/problem+json"
    assert (error.code, error.field) == ("not_found", None)
    assert str(error) == f"404 phone number not found (request id {error.request_id})"
    assert repr(error) == (
        "NotFoundError(status_code=404, code='not_found', field=None, "
        f"message='phone number not found', request_id={error.request_id!r})")


def test_a_bad_key_is_an_authentication_error(service: Service) -> None:
    with Kataven(base_url=service.base_url, api_key="kvn_not_a_real_key") as client:
        with pytest.raises(AuthenticationError) as caught:
            client.telephony.providers.get(UNKNOWN)
    assert caught.value.status_code == 401
    assert caught.value.message == "missing or invalid API key"
    assert caught.value.headers["WWW-Authenticate"] == "Bearer"


def test_another_account_with_an_account_key_is_permission_denied(service: Service) -> None:
    with Kataven(**service.credentials("account"), account_id="someone_else") as client:
        with pytest.raises(PermissionDeniedError) as caught:
            list(client.telephony.providers.list())
    assert caught.value.message == "X-Account-ID does not match the API key"


def test_a_platform_key_without_an_account_is_a_bad_request(service: Service) -> None:
    with Kataven(base_url=service.base_url, api_key=service.platform_key) as client:
        with pytest.raises(BadRequestError) as caught:
            list(client.telephony.providers.list())
    assert caught.value.message == "missing X-Account-ID header"


def test_an_invalid_body_names_the_field(client: Kataven, made: Made) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.telephony.numbers.create(e164="+10000000000", credentials_id=made.provider())
    assert caught.value.message == "invalid body: e164: not a valid E.164 phone number"
    assert "\n" not in caught.value.message
    assert (caught.value.code, caught.value.field) == ("invalid_body", "e164")


def test_a_duplicate_number_is_told_apart_by_its_code_not_its_message(client: Kataven,
                                                                      made: Made) -> None:
    credential = made.provider()
    e164 = new_e164()
    made.numbers.append(client.telephony.numbers.create(e164=e164, credentials_id=credential).id)
    with pytest.raises(BadRequestError) as caught:
        client.telephony.numbers.create(e164=e164, credentials_id=credential)
    error = caught.value
    assert (error.status_code, error.code, error.field) == (400, "duplicate_number", "e164")
    assert error.message == f"duplicate number: {e164} is already registered"
    assert error.request_id and error.request_id == error.headers["X-Request-ID"]


def test_a_body_with_nothing_at_fault_has_a_code_and_no_field(client: Kataven,
                                                              made: Made) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.telephony.providers.update(made.provider())
    assert caught.value.message == "invalid body: nothing to update"
    assert (caught.value.code, caught.value.field) == ("invalid_body", None)


def test_a_bad_query_parameter_names_it_as_the_field(client: Kataven) -> None:
    with pytest.raises(BadRequestError) as caught:
        list(client.telephony.numbers.list(credentials_id="not-a-uuid"))
    assert (caught.value.code, caught.value.field) == ("invalid_parameter", "credentials_id")


@pytest.mark.parametrize("status, cls", [(502, BadGatewayError), (429, RateLimitError)])
def test_a_proxys_text_answer_has_its_line_and_no_code(status: int,
                                                      cls: type[APIStatusError]) -> None:
    answer = faults.error(status, f"{status} from the proxy", **{"X-Request-ID": "req_p"})
    with faults.scripted(answer) as server:
        with Kataven(base_url=server.base_url, api_key="kvn_k", max_retries=0) as client:
            with pytest.raises(cls) as caught:
                client.telephony.numbers.get(UNKNOWN)
    error = caught.value
    assert (error.code, error.field) == (None, None)
    assert (error.message, error.request_id) == (f"{status} from the proxy", "req_p")
    assert str(error) == f"{status} {status} from the proxy (request id req_p)"


@pytest.mark.parametrize("body", ["<html>bad gateway</html>", '["not", "a problem"]',
                                  '{"code": "not_found"}', "{"])
def test_an_answer_that_only_claims_to_be_a_problem_is_read_by_its_status(body: str) -> None:
    answer = (502, {"Content-Type": "application/problem+json"}, body)
    with faults.scripted(answer) as server:
        with Kataven(base_url=server.base_url, api_key="kvn_k", max_retries=0) as client:
            with pytest.raises(BadGatewayError) as caught:
                client.telephony.numbers.get(UNKNOWN)
    assert (caught.value.message, caught.value.code) == ("Bad Gateway", None)
    assert caught.value.body == body


def test_error_code_is_the_served_documents_closed_set(document: Mapping[str, Any]) -> None:
    served = document["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
    assert sorted(get_args(ErrorCode)) == sorted(served)


def test_deleting_a_credential_in_use_is_a_conflict(client: Kataven, made: Made) -> None:
    credential = made.provider()
    made.number(credential)
    with pytest.raises(ConflictError) as caught:
        client.telephony.providers.delete(credential)
    assert caught.value.message == "credential in use by 1 phone number"


def test_an_idempotency_key_reused_with_another_body_is_unprocessable(client: Kataven,
                                                                      made: Made) -> None:
    credential = made.provider()
    key = f"sdk-test-{new_e164()}"
    made.numbers.append(client.telephony.numbers.create(
        e164=new_e164(), credentials_id=credential, idempotency_key=key).id)
    with pytest.raises(UnprocessableEntityError) as caught:
        client.telephony.numbers.create(e164=new_e164(), credentials_id=credential,
                                        idempotency_key=key)
    assert caught.value.message == "Idempotency-Key reused with a different body"


def test_a_body_over_64_kib_is_too_large(client: Kataven) -> None:
    big = {**TWILIO, "auth_token": "x" * 70_000}
    with pytest.raises(RequestTooLargeError) as caught:
        client.telephony.providers.create(provider="twilio", credentials=big)
    assert caught.value.status_code == 413


def test_an_empty_id_is_refused_before_any_request(client: Kataven) -> None:
    with pytest.raises(ValueError, match="number_id"):
        client.telephony.numbers.get("")
