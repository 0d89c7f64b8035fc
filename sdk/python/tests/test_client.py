"""The clients themselves: configuration from arguments or the environment, the headers
they send, with_options, keep-alive connections closed by the context manager, and the
debug line of each attempt (never a key or a credential)."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys

import faults
import httpx
import pytest
from conftest import Service
from tests_support import wait_until

from kataven import (
    DEFAULT_BASE_URL,
    AsyncKataven,
    Kataven,
    KatavenError,
    SealedCredential,
    __version__,
)

UUID = faults.NUMBER["id"]
KEY = "kvn_test_secret_key_value"
SECRET = "carrier-secret-token-value"
PROVIDER = {"id": UUID, "provider": "twilio", "label": "Twilio",
            "credential_keys": ["account_sid", "auth_token"], "sealing_key_id": "abc",
            "created_at": "2026-11-28T17:02:03.123456Z",
            "updated_at": "2026-11-28T17:02:03.123456Z"}


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("KATAVEN_API_KEY", "KATAVEN_BASE_URL", "KATAVEN_ACCOUNT_ID", "KATAVEN_LOG"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_a_key_construction_names_kataven_api_key(environ: pytest.MonkeyPatch) -> None:
    with pytest.raises(KatavenError, match="KATAVEN_API_KEY"):
        Kataven()
    with pytest.raises(KatavenError, match="KATAVEN_API_KEY"):
        AsyncKataven()


def test_defaults(environ: pytest.MonkeyPatch) -> None:
    with Kataven(api_key=KEY) as client:
        assert (client.base_url, client.account_id, client.timeout, client.max_retries) == (
            DEFAULT_BASE_URL, None, 30.0, 2)
        assert DEFAULT_BASE_URL == "https://api.kataven.ai/v1"
        assert KEY not in repr(client)


def test_settings_come_from_the_environment(environ: pytest.MonkeyPatch) -> None:
    with faults.scripted(faults.OK) as server:
        environ.setenv("KATAVEN_API_KEY", KEY)
        environ.setenv("KATAVEN_BASE_URL", server.base_url)
        environ.setenv("KATAVEN_ACCOUNT_ID", "acct_env")
        with Kataven() as client:
            client.telephony.numbers.get(UUID)
    headers = server.requests[0].headers
    assert server.requests[0].path == f"/api/v1/telephony/numbers/{UUID}"
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert headers["X-Account-ID"] == "acct_env"


def test_arguments_win_over_the_environment(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("KATAVEN_API_KEY", "kvn_from_env")
    environ.setenv("KATAVEN_BASE_URL", "http://127.0.0.1:9/none")
    with faults.scripted(faults.OK) as server:
        with Kataven(api_key=KEY, base_url=server.base_url, account_id="acct_arg") as client:
            client.telephony.numbers.get(UUID)
    headers = server.requests[0].headers
    assert (headers["Authorization"], headers["X-Account-ID"]) == (f"Bearer {KEY}", "acct_arg")


def test_every_request_names_the_sdk_and_asks_for_json_or_problem_details() -> None:
    with faults.scripted(faults.OK) as server:
        with Kataven(api_key=KEY, base_url=server.base_url) as client:
            client.telephony.numbers.get(UUID)
    headers = server.requests[0].headers
    assert headers["User-Agent"] == f"kataven-python/{__version__}"
    assert headers["Accept"] == "application/json, application/problem+json"
    assert "X-Account-ID" not in headers


def test_with_options_changes_one_call_and_shares_the_connections() -> None:
    with faults.scripted(faults.OK) as server:
        with Kataven(api_key=KEY, base_url=server.base_url, account_id="acct_1") as client:
            other = client.with_options(account_id="acct_2", timeout=5, max_retries=0)
            assert (other.account_id, other.timeout, other.max_retries) == ("acct_2", 5, 0)
            other.telephony.numbers.get(UUID)
            client.with_options(account_id=None).telephony.numbers.get(UUID)
            other.close()  # a copy leaves the shared connections open
            client.telephony.numbers.get(UUID)
            assert (client.account_id, client.timeout) == ("acct_1", 30.0)
    assert [r.headers.get("X-Account-ID") for r in server.requests] == [
        "acct_2", None, "acct_1"]
    assert server.connections == 1


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="timeout"):
        Kataven(api_key=KEY, timeout=0)
    with pytest.raises(ValueError, match="max_retries"):
        Kataven(api_key=KEY).with_options(max_retries=-1)


def test_connections_are_kept_alive_and_the_context_manager_closes_them() -> None:
    with faults.scripted(faults.OK) as server:
        with Kataven(api_key=KEY, base_url=server.base_url) as client:
            for _ in range(3):
                client.telephony.numbers.get(UUID)
            assert (server.connections, server.closed) == (1, 0)
        wait_until(lambda: server.closed == 1)


def test_the_async_client_keeps_and_closes_its_connections_too() -> None:
    async def main(base_url: str) -> None:
        async with AsyncKataven(api_key=KEY, base_url=base_url) as client:
            for _ in range(3):
                await client.telephony.numbers.get(UUID)
            assert (server.connections, server.closed) == (1, 0)

    with faults.scripted(faults.OK) as server:
        asyncio.run(main(server.base_url))
        wait_until(lambda: server.closed == 1)


def test_a_debug_line_per_attempt_without_key_or_credentials(
        caplog: pytest.LogCaptureFixture) -> None:
    busy = faults.error(503, "busy", **{"Retry-After": "0", "X-Request-ID": "req_1"})
    created = (201, {"Content-Type": "application/json", "X-Request-ID": "req_2"},
               faults.json.dumps(PROVIDER))
    caplog.set_level(logging.DEBUG, logger="kataven")
    with faults.scripted(busy, created) as server:
        with Kataven(api_key=KEY, base_url=server.base_url) as client:
            client.telephony.providers.create(
                provider="twilio", credentials={"account_sid": "AC" + "0" * 32,
                                                "auth_token": SECRET})
    lines = [r.getMessage() for r in caplog.records if r.name == "kataven"]
    assert lines == [
        "POST /api/v1/telephony/providers attempt 1: 503 ServiceUnavailableError; "
        "retry in 0.00 s; request id req_1",
        "POST /api/v1/telephony/providers attempt 2: 201; done; request id req_2",
    ]
    assert all(r.levelno == logging.DEBUG for r in caplog.records)
    assert SECRET.encode() in server.requests[0].body  # sent, and never logged
    assert not any(KEY in line or SECRET in line for line in caplog.text.splitlines())


def test_kataven_log_debug_writes_the_lines_to_stderr() -> None:
    code = ("from kataven import Kataven\n"
            "Kataven().telephony.numbers.get('" + UUID + "')\n")
    with faults.scripted(faults.OK) as server:
        env = {**os.environ, "KATAVEN_LOG": "debug", "KATAVEN_API_KEY": KEY,
               "KATAVEN_BASE_URL": server.base_url}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"kataven DEBUG GET /api/v1/telephony/numbers/{UUID} attempt 1: 200; done" in done.stderr
    assert KEY not in done.stderr


def test_the_live_service_answers_the_sdk(service: Service, key_kind: str) -> None:
    with Kataven(**service.credentials(key_kind)) as client:
        raw = client.telephony.providers.with_raw_response.list(limit=1)
    assert raw.status_code == 200 and raw.request_id and raw.retries == 0
    assert not raw.replayed and raw.headers["Content-Type"] == "application/json"
    assert len(raw.parse().items) <= 1


def test_every_public_object_has_a_repr_that_says_what_it_is() -> None:
    pages = {None: {"numbers": [faults.NUMBER], "next_cursor": "c1"},
             "c1": {"numbers": [], "next_cursor": None}}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[request.url.params.get("cursor")])

    http = httpx.Client(transport=httpx.MockTransport(answer))
    base = "http://hub.test/api/v1"
    with Kataven(api_key=KEY, base_url=base, account_id="acct_1", timeout=5,
                 max_retries=1, http_client=http) as client:
        numbers = client.telephony.numbers
        listed = numbers.list(agent_id="agent_1", limit=50)
        assert repr(listed) == "<NumbersList agent_id='agent_1' limit=50 not started>"
        first = next(listed.pages())
        assert repr(listed) == "<NumbersList agent_id='agent_1' limit=50 next_cursor='c1'>"
        assert repr(first) == "<Page of 1 PhoneNumber next_cursor='c1'>"
        assert list(listed) and repr(listed) == "<NumbersList agent_id='agent_1' limit=50 done>"
        resumed = numbers.list(cursor="c1")
        assert repr(resumed) == "<NumbersList cursor='c1' not started>"
        seen = {
            client: f"<Kataven base_url='{base}' account_id='acct_1' timeout=5.0 max_retries=1>",
            client.telephony: f"<Telephony at {base}/telephony>",
            numbers: f"<Numbers at {base}/telephony/numbers>",
            client.telephony.providers: f"<Providers at {base}/telephony/providers>",
            client.telephony.events: f"<Events at {base}/telephony/events>",
            client.telephony.routes: f"<Routes at {base}/telephony/routes>",
            client.telephony.routes.with_raw_response:
                f"<RoutesWithRawResponse at {base}/telephony/routes>",
            SealedCredential(id=UUID, provider="twilio", sealing_key_id="9c2f4e1a7b3d5c60",
                             sealed="A" * 120):
                f"SealedCredential(id='{UUID}', provider='twilio', "
                "sealing_key_id='9c2f4e1a7b3d5c60', sealed=<120 chars>)",
            numbers.with_raw_response: f"<NumbersWithRawResponse at {base}/telephony/numbers>",
            client.telephony.events.list(type="number.created"):
                "<EventsList type='number.created' not started>",
            numbers.with_raw_response.get(UUID): "<RawResponse 200 request_id=None "
                                                  "replayed=False retries=0>",
        }
        for thing, shown in seen.items():
            assert repr(thing) == shown
        assert KEY not in repr(client) and KEY not in repr(client.with_options(timeout=1))
    async_client = AsyncKataven(api_key=KEY, base_url=base)
    assert repr(async_client) == (f"<AsyncKataven base_url='{base}' account_id=None "
                                  "timeout=30.0 max_retries=2>")
    assert repr(async_client.telephony.numbers.list(provider="twilio")) == (
        "<AsyncNumbersList provider='twilio' not started>")
    assert repr(async_client.telephony.providers.with_raw_response) == (
        f"<AsyncProvidersWithRawResponse at {base}/telephony/providers>")
    asyncio.run(async_client.close())
