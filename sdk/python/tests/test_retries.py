"""Retries for real: a proxy that loses the real service's answers, and local servers
answering 503 with Retry-After, always 503, never, or a 4xx that must not be retried."""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
import uuid

import faults
import pytest
from conftest import TWILIO, Made, Service, new_e164

from kataven import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncKataven,
    BadGatewayError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    Kataven,
    NotFoundError,
    RateLimitError,
    ServiceUnavailableError,
    UnprocessableEntityError,
)

SLACK = 1.0  # seconds a bound may be passed by on a busy machine
UUID = "0b6f7d7e-1f0e-4f51-8d6c-2a9d1f5e3c44"


def lose_first(method: str):  # type: ignore[no-untyped-def]
    """A proxy policy: lose the answer to the first request of this method."""
    lost: list[bool] = []

    def lose(seen: faults.Seen, count: int) -> bool:
        if seen.method == method and not lost:
            lost.append(True)
            return True
        return False

    return lose


def local(server: faults.LocalServer, **options: object) -> Kataven:
    return Kataven(base_url=server.base_url, api_key="kvn_test_key", **options)  # type: ignore[arg-type]


# --- a lost answer, against the real service ------------------------------------------

def test_a_create_whose_answer_is_lost_makes_exactly_one_number(client: Kataven, made: Made,
                                                                service: Service,
                                                                key_kind: str) -> None:
    credential = made.provider()
    e164 = new_e164()
    with faults.losing_proxy(service.base_url, lose_first("POST")) as proxy:
        via_proxy = Kataven(**{**service.credentials(key_kind), "base_url": proxy.base_url})
        with via_proxy:
            raw = via_proxy.telephony.numbers.with_raw_response.create(
                e164=e164, credentials_id=credential)
    number = raw.parse()
    made.numbers.append(number.id)
    assert (raw.status_code, raw.retries, raw.replayed) == (201, 1, True)
    posts = [r for r in proxy.requests if r.method == "POST"]
    assert len(posts) == 2
    key = posts[0].headers["Idempotency-Key"]
    assert uuid.UUID(key) and posts[1].headers["Idempotency-Key"] == key
    assert [n.id for n in client.telephony.numbers.list(e164=e164)] == [number.id]


def test_a_create_whose_answer_is_lost_makes_exactly_one_provider(client: Kataven,
                                                                  made: Made, service: Service,
                                                                  key_kind: str) -> None:
    label = key = f"lost-answer-{uuid.uuid4()}"
    with faults.losing_proxy(service.base_url, lose_first("POST")) as proxy:
        with Kataven(**{**service.credentials(key_kind), "base_url": proxy.base_url}) as c:
            created = c.telephony.providers.create(provider="twilio", credentials=TWILIO,
                                                   label=label, idempotency_key=key)
    made.providers.append(created.id)
    assert [r.headers["Idempotency-Key"] for r in proxy.requests] == [key, key]
    same = [p.id for p in client.telephony.providers.list() if p.label == label]
    assert same == [created.id]


def test_async_a_create_whose_answer_is_lost_makes_exactly_one(client: Kataven, made: Made,
                                                                service: Service,
                                                                key_kind: str) -> None:
    credential = made.provider()
    e164 = new_e164()

    async def main() -> str:
        options = {**service.credentials(key_kind), "base_url": proxy.base_url}
        async with AsyncKataven(**options) as via_proxy:
            raw = await via_proxy.telephony.numbers.with_raw_response.create(
                e164=e164, credentials_id=credential)
        assert (raw.retries, raw.replayed) == (1, True)
        return raw.parse().id

    with faults.losing_proxy(service.base_url, lose_first("POST")) as proxy:
        number_id = asyncio.run(main())
    made.numbers.append(number_id)
    assert [n.id for n in client.telephony.numbers.list(e164=e164)] == [number_id]


def test_a_delete_whose_answer_is_lost_has_succeeded_when_the_retry_finds_nothing(
        client: Kataven, made: Made, service: Service, key_kind: str) -> None:
    number_id = made.number(made.provider())
    with faults.losing_proxy(service.base_url, lose_first("DELETE")) as proxy:
        with Kataven(**{**service.credentials(key_kind), "base_url": proxy.base_url}) as c:
            raw = c.telephony.numbers.with_raw_response.delete(number_id)
    assert raw.parse() is None
    assert (raw.status_code, raw.retries) == (404, 1)
    assert [r.method for r in proxy.requests] == ["DELETE", "DELETE"]
    with pytest.raises(NotFoundError):
        client.telephony.numbers.get(number_id)


def test_a_delete_that_finds_nothing_at_once_is_not_found(client: Kataven) -> None:
    with pytest.raises(NotFoundError):
        client.telephony.numbers.delete(UUID)


def test_an_update_whose_answer_is_lost_is_retried(client: Kataven, made: Made,
                                                   service: Service, key_kind: str) -> None:
    number_id = made.number(made.provider())
    with faults.losing_proxy(service.base_url, lose_first("PATCH")) as proxy:
        with Kataven(**{**service.credentials(key_kind), "base_url": proxy.base_url}) as c:
            raw = c.telephony.numbers.with_raw_response.pin(number_id, "agent_after_loss")
    assert (raw.status_code, raw.retries) == (200, 1)
    assert raw.parse().agent_id == "agent_after_loss"
    assert client.telephony.numbers.get(number_id).agent_id == "agent_after_loss"


def test_with_no_retries_a_lost_answer_is_a_connection_error(client: Kataven, made: Made,
                                                             service: Service,
                                                             key_kind: str) -> None:
    credential = made.provider()
    e164 = new_e164()
    with faults.losing_proxy(service.base_url, lose_first("POST")) as proxy:
        with Kataven(**{**service.credentials(key_kind), "base_url": proxy.base_url},
                     max_retries=0) as c:
            with pytest.raises(APIConnectionError) as caught:
                c.telephony.numbers.create(e164=e164, credentials_id=credential)
    made.numbers += [n.id for n in client.telephony.numbers.list(e164=e164)]
    assert not isinstance(caught.value, APITimeoutError)
    assert len(proxy.requests) == 1 and len(made.numbers) == 1  # made, and never told


def test_a_replay_returns_the_created_object(client: Kataven, made: Made) -> None:
    credential = made.provider()
    e164 = new_e164()
    first = client.telephony.numbers.with_raw_response.create(
        e164=e164, credentials_id=credential, idempotency_key=f"replay-{e164}")
    made.numbers.append(first.parse().id)
    again = client.telephony.numbers.with_raw_response.create(
        e164=e164, credentials_id=credential, idempotency_key=f"replay-{e164}")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.parse() == first.parse()


# --- statuses, from local servers -----------------------------------------------------

def test_503_with_retry_after_waits_then_succeeds() -> None:
    with faults.scripted(faults.error(503, "busy", **{"Retry-After": "0.4"}),
                         faults.OK) as server, local(server) as client:
        started = time.monotonic()
        raw = client.telephony.numbers.with_raw_response.get(UUID)
        elapsed = time.monotonic() - started
    assert raw.parse().id == UUID and raw.retries == 1
    assert len(server.requests) == 2
    assert elapsed >= 0.4  # Retry-After honoured (the backoff alone would be under 0.5)
    assert elapsed < 0.4 + SLACK


@pytest.mark.parametrize("status, cls", [(429, RateLimitError), (500, InternalServerError),
                                         (502, BadGatewayError),
                                         (503, ServiceUnavailableError),
                                         (504, InternalServerError)])
def test_retried_statuses_take_max_retries_then_raise(status: int,
                                                      cls: type[APIStatusError]) -> None:
    answer = faults.error(status, f"status {status}", **{"Retry-After": "0"})
    with faults.scripted(answer) as server, local(server, max_retries=2) as client:
        with pytest.raises(cls) as caught:
            client.telephony.numbers.get(UUID)
    assert len(server.requests) == 3
    assert caught.value.status_code == status and caught.value.message == f"status {status}"


@pytest.mark.parametrize("status, cls", [(400, BadRequestError), (404, NotFoundError),
                                         (409, ConflictError),
                                         (422, UnprocessableEntityError)])
def test_other_4xx_are_never_retried(status: int, cls: type[APIStatusError]) -> None:
    with faults.scripted(faults.error(status, "no")) as server, local(server) as client:
        with pytest.raises(cls):
            client.telephony.numbers.get(UUID)
        with pytest.raises(cls):
            client.telephony.numbers.create(e164="+12025550123", credentials_id=UUID)
        with pytest.raises(cls):
            client.telephony.numbers.delete(UUID)
    assert [r.method for r in server.requests] == ["GET", "POST", "DELETE"]


def test_every_attempt_of_a_create_sends_the_same_idempotency_key() -> None:
    busy = faults.error(503, "busy", **{"Retry-After": "0"})
    created = (201, {"Content-Type": "application/json"}, faults.OK[2])
    with faults.scripted(busy, busy, created) as server, local(server) as client:
        client.telephony.numbers.create(e164="+12025550123", credentials_id=UUID)
        client.telephony.numbers.create(e164="+12025550123", credentials_id=UUID)
    keys = [r.headers["Idempotency-Key"] for r in server.requests]
    assert len(keys) == 4 and keys[0] == keys[1] == keys[2] != keys[3]


def test_a_server_that_always_answers_503_ends_within_the_budget() -> None:
    with faults.scripted(faults.error(503, "down")) as server:
        with local(server, timeout=2, max_retries=10) as client:
            started = time.monotonic()
            with pytest.raises(ServiceUnavailableError):
                client.telephony.numbers.get(UUID)
            elapsed = time.monotonic() - started
    assert len(server.requests) >= 3  # it retried: 0.5 s, then 1 s of backoff fit in 2 s
    assert elapsed < 2 + SLACK


def test_a_retry_after_longer_than_the_budget_is_not_waited_for() -> None:
    with faults.scripted(faults.error(503, "later", **{"Retry-After": "60"})) as server:
        with local(server, timeout=5) as client:
            started = time.monotonic()
            with pytest.raises(ServiceUnavailableError):
                client.telephony.numbers.get(UUID)
    assert time.monotonic() - started < SLACK
    assert len(server.requests) == 1


def test_a_server_that_never_answers_times_out_within_the_budget() -> None:
    with faults.never_answering() as server, local(server, timeout=1) as client:
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as caught:
            client.telephony.numbers.get(UUID)
        elapsed = time.monotonic() - started
    assert isinstance(caught.value, APIConnectionError)
    assert str(caught.value) == "no answer within the call's 1.0 s budget"
    assert 0.9 <= elapsed < 1 + SLACK


def test_a_slow_head_then_a_stalled_body_ends_within_the_budget() -> None:
    # The body's read may wait only what the head left of the budget, not a new one.
    with faults.slow_then_stalled(head_after=1.5) as server, local(server, timeout=2) as c:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            c.telephony.numbers.get(UUID)
        elapsed = time.monotonic() - started
    assert 1.9 <= elapsed < 2 + SLACK
    assert len(server.requests) == 1


def test_async_budget_holds_against_503_silence_and_a_stalled_body() -> None:
    async def call(server: faults.LocalServer, timeout: float) -> float:
        async with AsyncKataven(base_url=server.base_url, api_key="kvn_test_key",
                                timeout=timeout, max_retries=10) as client:
            started = time.monotonic()
            try:
                await client.telephony.numbers.get(UUID)
            except (ServiceUnavailableError, APITimeoutError):
                return time.monotonic() - started
            raise AssertionError("no error")

    with faults.scripted(faults.error(503, "down")) as down:
        assert asyncio.run(call(down, 2)) < 2 + SLACK
    assert len(down.requests) >= 3
    with faults.never_answering() as silent:
        assert asyncio.run(call(silent, 1)) < 1 + SLACK
    with faults.slow_then_stalled(head_after=1.5) as stalled:
        assert asyncio.run(call(stalled, 2)) < 2 + SLACK


def closed_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_connection_is_retried_then_raised(caplog: pytest.LogCaptureFixture) -> None:
    port = closed_port()
    caplog.set_level("DEBUG", logger="kataven")
    with Kataven(base_url=f"http://127.0.0.1:{port}/api/v1", api_key="kvn_test_key",
                 max_retries=1) as client:
        with pytest.raises(APIConnectionError) as caught:
            client.telephony.numbers.get(UUID)
    assert not isinstance(caught.value, APITimeoutError)
    assert str(caught.value) == (
        f"could not connect to 127.0.0.1:{port}: connection refused (ECONNREFUSED)")
    attempts = [r.getMessage() for r in caplog.records if r.name == "kataven"]
    assert len(attempts) == 2 and all("ConnectError" in line for line in attempts)
    assert attempts[0].startswith(f"GET /api/v1/telephony/numbers/{UUID} attempt 1: ")
    assert "; retry in " in attempts[0]
    assert attempts[1].endswith("attempt 2: ConnectError; raised; request id -")


def test_async_a_refused_connection_names_the_host_and_the_cause() -> None:
    port = closed_port()

    async def main() -> APIConnectionError:
        async with AsyncKataven(base_url=f"http://localhost:{port}/api/v1", api_key="k",
                                max_retries=0) as client:
            try:
                await client.telephony.numbers.get(UUID)
            except APIConnectionError as error:
                return error
        raise AssertionError("no error")

    error = asyncio.run(main())
    assert str(error) == f"could not connect to localhost:{port}: connection refused (ECONNREFUSED)"


def test_a_host_whose_name_does_not_resolve_is_named_with_the_cause() -> None:
    # A base URL left at a default that cannot be reached: the host, not just an errno.
    with Kataven(base_url="https://api.kataven.invalid/v1", api_key="k",
                 max_retries=0) as client:
        with pytest.raises(APIConnectionError) as caught:
            client.telephony.numbers.get(UUID)
    message = str(caught.value)
    assert message.startswith("could not connect to api.kataven.invalid:443: name not resolved (")
    assert "Errno" not in message


def test_a_connection_reset_before_the_answer_names_the_host_and_the_cause() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def reset() -> None:  # read the request, then close with RST instead of answering
            conn, _ = listener.accept()
            conn.recv(65536)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()

        server = threading.Thread(target=reset, daemon=True)
        server.start()
        with Kataven(base_url=f"http://127.0.0.1:{port}/api/v1", api_key="k",
                     max_retries=0) as client:
            with pytest.raises(APIConnectionError) as caught:
                client.telephony.numbers.get(UUID)
        server.join(timeout=5)
    assert str(caught.value) == f"no answer from 127.0.0.1:{port}: connection reset (ECONNRESET)"


def test_a_connection_closed_before_the_answer_says_so() -> None:
    with faults.LocalServer(lambda seen: None) as server, local(server, max_retries=0) as c:
        with pytest.raises(APIConnectionError) as caught:
            c.telephony.numbers.get(UUID)
    assert str(caught.value) == (f"no answer from 127.0.0.1:{server.port}: "
                                 "Server disconnected without sending a response")


def test_with_options_sets_the_retries_of_a_call() -> None:
    with faults.scripted(faults.error(503, "down", **{"Retry-After": "0"})) as server:
        with local(server) as client:
            with pytest.raises(ServiceUnavailableError):
                client.with_options(max_retries=0).telephony.numbers.get(UUID)
            assert len(server.requests) == 1
            with pytest.raises(ServiceUnavailableError):
                client.telephony.numbers.get(UUID)
            assert len(server.requests) == 1 + 3
