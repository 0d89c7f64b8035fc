"""Units with no service: backoff, Retry-After (seconds and HTTP date), the waits a call
takes (httpx's MockTransport, sleeps recorded instead of slept), and the models."""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import json
import uuid
from datetime import datetime, timedelta, timezone
from typing import Iterator

import faults
import httpx
import pytest

from kataven import (
    NOT_GIVEN,
    AsyncKataven,
    Kataven,
    KatavenError,
    NotFoundError,
    PhoneNumber,
    Provider,
    RateLimitError,
    ServiceUnavailableError,
    _transport,
)
from kataven._models import parse_datetime

UUID = faults.NUMBER["id"]
PROVIDER = {"id": UUID, "provider": "twilio", "label": "Twilio",
            "credential_keys": ["account_sid", "auth_token"], "sealing_key_id": "abc",
            "created_at": "2026-11-28T17:02:03.123456Z",
            "updated_at": "2026-11-28T17:02:03.123456Z"}

def http_date(seconds_from_now: float) -> str:
    return email.utils.format_datetime(
        datetime.now(timezone.utc) + timedelta(seconds=seconds_from_now), usegmt=True)

def test_backoff_doubles_from_half_a_second_with_up_to_a_quarter_off_and_caps_at_8() -> None:
    assert [_transport.backoff(n, lambda: 0.0) for n in range(6)] == [0.5, 1, 2, 4, 8, 8]
    assert [_transport.backoff(n, lambda: 1.0) for n in range(3)] == [0.375, 0.75, 1.5]
    assert _transport.backoff(10_000, lambda: 0.0) == 8
    assert all(0.375 <= _transport.backoff(0) <= 0.5 for _ in range(100))

@pytest.mark.parametrize("value, seconds", [("2", 2.0), ("1.5", 1.5), ("0", 0.0),
                                            ("-3", 0.0), (" 7 ", 7.0)])
def test_retry_after_in_seconds(value: str, seconds: float) -> None:
    assert _transport.retry_after(httpx.Headers({"Retry-After": value})) == seconds

def test_retry_after_as_an_http_date() -> None:
    later = _transport.retry_after(httpx.Headers({"Retry-After": http_date(30)}))
    assert later is not None and 28 <= later <= 30
    assert _transport.retry_after(httpx.Headers({"Retry-After": http_date(-30)})) == 0.0

@pytest.mark.parametrize("value", ["soon", "", "inf", "nan", "Mon, 99 Foo 2026"])
def test_unreadable_retry_after_is_ignored(value: str) -> None:
    assert _transport.retry_after(httpx.Headers({"Retry-After": value})) is None

@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between attempts, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(_transport, "sleep", recorded.append)
    return recorded

def mocked(*answers: httpx.Response, **options: object) -> tuple[Kataven, list[httpx.Request]]:
    sent: list[httpx.Request] = []
    replies: Iterator[httpx.Response] = iter(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return next(replies)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return Kataven(api_key="kvn_k", base_url="http://hub.test/api/v1", http_client=http,
                   **options), sent  # type: ignore[arg-type]

def ok() -> httpx.Response:
    return httpx.Response(200, json=faults.NUMBER)

def busy(status: int = 503, **headers: str) -> httpx.Response:
    return httpx.Response(status, text="busy\n", headers=headers)

def test_retry_after_as_a_date_sets_the_wait(waits: list[float]) -> None:
    client, sent = mocked(busy(**{"Retry-After": http_date(5)}), ok())
    assert client.telephony.numbers.get(UUID).id == UUID
    assert len(sent) == 2 and len(waits) == 1 and 3 <= waits[0] <= 5

def test_without_retry_after_the_backoff_grows(waits: list[float]) -> None:
    client, sent = mocked(busy(429), busy(429), busy(429), max_retries=2)
    with pytest.raises(RateLimitError):
        client.telephony.numbers.get(UUID)
    assert len(sent) == 3
    assert 0.375 <= waits[0] <= 0.5 and 0.75 <= waits[1] <= 1.0

def test_no_retry_whose_wait_would_cross_the_budget(waits: list[float]) -> None:
    client, sent = mocked(busy(**{"Retry-After": "2.5"}), ok(), timeout=2)
    with pytest.raises(ServiceUnavailableError):
        client.telephony.numbers.get(UUID)
    assert (len(sent), waits) == (1, [])

def test_each_attempt_may_take_only_what_is_left_of_the_budget(waits: list[float]) -> None:
    client, sent = mocked(busy(**{"Retry-After": "0"}), ok(), timeout=7)
    client.telephony.numbers.get(UUID)
    for request in sent:  # read when each phase starts: what is left then
        timeouts = request.extensions["timeout"]
        first = [timeouts.get(phase) for phase in ("pool", "connect", "write", "read")]
        assert 6 < first[-1] <= first[0] <= 7
        assert timeouts.get("read") <= first[-1]

def test_a_create_sends_its_body_as_json_and_a_fresh_key_per_call(waits: list[float]) -> None:
    created = httpx.Response(201, json=faults.NUMBER)
    client, sent = mocked(created, created)
    for _ in range(2):
        client.telephony.numbers.create(e164="+12025550123", credentials_id=UUID,
                                        agent_id="agent_1")
    assert sent[0].headers["Content-Type"] == "application/json"
    assert sent[0].content == (b'{"e164":"+12025550123","credentials_id":"' + UUID.encode()
                               + b'","inbound_enabled":true,"outbound_enabled":true,'
                               b'"agent_id":"agent_1"}')
    assert sent[0].headers["Idempotency-Key"] != sent[1].headers["Idempotency-Key"]

def test_the_transport_gives_every_post_one_key_for_all_its_attempts(waits: list[float]
                                                                    ) -> None:
    client, sent = mocked(busy(**{"Retry-After": "0"}), ok(), ok(), httpx.Response(204))
    send = client.telephony.numbers._transport.send
    send(_transport.Call("POST", "/telephony/numbers", dict))  # a 503, then its retry
    send(_transport.Call("POST", "/telephony/numbers", dict, idempotency_key="mine"))
    send(_transport.Call("DELETE", f"/telephony/numbers/{UUID}", dict))
    keys = [request.headers.get("Idempotency-Key") for request in sent]
    assert uuid.UUID(keys[0]) and keys == [keys[0], keys[0], "mine", None]

def test_update_sends_only_what_is_given(waits: list[float]) -> None:
    number, provider = httpx.Response(200, json=faults.NUMBER), httpx.Response(200, json=PROVIDER)
    client, sent = mocked(number, number, provider, provider)
    numbers, providers = client.telephony.numbers, client.telephony.providers
    numbers.update(UUID, inbound_enabled=False)
    numbers.update(UUID, agent_id=None, outbound_enabled=NOT_GIVEN)
    providers.update(UUID, label="New")
    providers.update(UUID, credentials={"auth_id": "a", "auth_token": "b"}, label=NOT_GIVEN)
    assert [r.content for r in sent] == [
        b'{"inbound_enabled":false}', b'{"agent_id":null}', b'{"label":"New"}',
        b'{"credentials":{"auth_id":"a","auth_token":"b"}}']
    assert {r.method for r in sent} == {"PATCH"} and "Idempotency-Key" not in sent[0].headers
    assert {r.headers["Prefer"] for r in sent} == {"return=representation"}


def test_fallback_e164_is_sent_when_given_and_none_clears_it(waits: list[float]) -> None:
    created = httpx.Response(201, json=faults.NUMBER)
    number = httpx.Response(200, json=faults.NUMBER)
    client, sent = mocked(created, created, number, number, number)
    numbers = client.telephony.numbers
    numbers.create(e164="+12025550123", credentials_id=UUID)  # none: left out
    numbers.create(e164="+12025550123", credentials_id=UUID, fallback_e164="+12025550199")
    numbers.update(UUID, fallback_e164="+12025550198")
    numbers.update(UUID, fallback_e164=None)  # cleared: null
    numbers.update(UUID, agent_id="agent_1", fallback_e164=NOT_GIVEN)  # left alone
    bodies = [json.loads(r.content) for r in sent]
    assert "fallback_e164" not in bodies[0]
    assert bodies[1]["fallback_e164"] == "+12025550199"
    assert bodies[2:] == [{"fallback_e164": "+12025550198"}, {"fallback_e164": None},
                          {"agent_id": "agent_1"}]


def test_a_change_answered_204_by_an_older_service_is_read_back(waits: list[float]) -> None:
    pinned = {**faults.NUMBER, "agent_id": "agent_2"}
    client, sent = mocked(httpx.Response(204), httpx.Response(200, json=pinned),
                          httpx.Response(204), httpx.Response(200, json=PROVIDER))
    number = client.telephony.numbers.pin(UUID, "agent_2")
    assert isinstance(number, PhoneNumber) and number.agent_id == "agent_2"
    raw = client.telephony.providers.with_raw_response.update(UUID, label="Twilio")
    assert raw.status_code == 204  # the PATCH's answer; parse() gives what was read back
    assert raw.parse() == Provider.from_json(PROVIDER)
    assert [(r.method, r.url.path) for r in sent] == [
        ("PATCH", f"/api/v1/telephony/numbers/{UUID}"),
        ("GET", f"/api/v1/telephony/numbers/{UUID}"),
        ("PATCH", f"/api/v1/telephony/providers/{UUID}"),
        ("GET", f"/api/v1/telephony/providers/{UUID}")]


def test_async_a_change_answered_204_is_read_back_too() -> None:
    def respond(seen: faults.Seen) -> faults.Answer:
        if seen.method == "PATCH":
            return (204, {}, "")
        return faults.OK

    async def main(base_url: str) -> tuple[PhoneNumber, PhoneNumber]:
        async with AsyncKataven(api_key="kvn_k", base_url=base_url) as client:
            numbers = client.telephony.numbers
            raw = await numbers.with_raw_response.unpin(UUID)
            return await numbers.update(UUID, inbound_enabled=True), raw.parse()

    with faults.LocalServer(respond) as server:
        updated, unpinned = asyncio.run(main(server.base_url))
    assert updated == unpinned == PhoneNumber.from_json(faults.NUMBER)
    assert [r.method for r in server.requests] == ["PATCH", "GET", "PATCH", "GET"]

def test_list_filters_leave_out_what_is_none(waits: list[float]) -> None:
    page = httpx.Response(200, json={"numbers": [faults.NUMBER], "next_cursor": None})
    client, sent = mocked(page)
    assert len(list(client.telephony.numbers.list(provider="twilio", limit=5))) == 1
    assert str(sent[0].url) == "http://hub.test/api/v1/telephony/numbers?provider=twilio&limit=5"

def test_ids_are_one_path_segment(waits: list[float]) -> None:
    client, sent = mocked(httpx.Response(404, text="phone number not found\n"))
    with pytest.raises(NotFoundError):
        client.telephony.numbers.get("../providers")
    assert sent[0].url.raw_path == b"/api/v1/telephony/numbers/..%2Fproviders"

def test_models_tolerate_fields_a_newer_server_adds() -> None:
    number = PhoneNumber.from_json({**faults.NUMBER, "label": "new", "region": {"x": 1}})
    assert number.id == UUID and not hasattr(number, "region")
    assert number.fallback_e164 is None  # faults.NUMBER is a number from before fallbacks
    provider = Provider.from_json({
        "id": UUID, "provider": "twilio", "label": "Twilio", "credential_keys": ["a", "b"],
        "sealing_key_id": "k", "created_at": "2026-11-28T17:02:03.123456Z",
        "updated_at": "2026-11-28T17:02:03.123456Z", "something_new": True})
    assert provider.verified_at is None and provider.credential_keys == ("a", "b")

def test_models_are_frozen_with_utc_datetimes() -> None:
    provider = Provider.from_json({
        "id": UUID, "provider": "plivo", "label": "Plivo", "credential_keys": [],
        "sealing_key_id": "k", "created_at": "2026-11-28T19:02:03.5+02:00",
        "updated_at": "2026-11-28T17:02:03Z", "verified_at": "2026-11-28T17:02:03.101112Z"})
    assert provider.created_at == datetime(2026, 11, 28, 17, 2, 3, 500000, tzinfo=timezone.utc)
    assert provider.created_at.tzinfo == timezone.utc
    assert provider.verified_at == datetime(2026, 11, 28, 17, 2, 3, 101112, tzinfo=timezone.utc)
    with pytest.raises(dataclasses.FrozenInstanceError):
        provider.label = "x"  # type: ignore[misc]
    assert parse_datetime("2026-11-28T17:02:03").tzinfo == timezone.utc

def test_not_given_is_falsy_and_named() -> None:
    assert not NOT_GIVEN and repr(NOT_GIVEN) == "NOT_GIVEN"



def test_an_answer_that_is_not_the_apis_json_is_a_kataven_error(waits: list[float]) -> None:
    client, _ = mocked(httpx.Response(200, text="<html>proxy</html>"),
                       httpx.Response(200, json={"id": UUID}))
    with pytest.raises(KatavenError, match="unreadable 200 answer to GET /api/v1/telephony"):
        client.telephony.numbers.get(UUID)
    with pytest.raises(KatavenError, match="KeyError"):
        client.telephony.numbers.get(UUID)
