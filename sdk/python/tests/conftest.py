"""The live service the tests run against, named by the environment:

    KATAVEN_TEST_BASE_URL       e.g. http://127.0.0.1:8000/api/v1 (`make run`)
    KATAVEN_TEST_API_KEY        an account key
    KATAVEN_TEST_PLATFORM_KEY   a platform key
    KATAVEN_TEST_ACCOUNT_ID     the account the platform key acts for
    KATAVEN_TEST_SEALING_PRIVATE_KEY
                                the private key the service seals to (SEALING_PRIVATE_KEY;
                                `make run` keeps it in .localdb/sealing.env), for the tests
                                that open a sealed credential as the dial-out service does

The project's `make test` starts gunicorn on its test database and sets them
(tests/test_sdk_python.py at the repository's root). Tests that need no service
(faults, parsing, typing) run without them.
"""

from __future__ import annotations

import os
import random
import uuid
from dataclasses import dataclass
from typing import Any, Iterator

import httpx
import pytest

from kataven import Kataven, NotFoundError

TWILIO = {"account_sid": "AC" + "0123456789abcdef" * 2, "auth_token": "sdk-test-secret-token"}
_random = random.SystemRandom()


@dataclass(frozen=True)
class Service:
    base_url: str
    api_key: str
    platform_key: str
    account_id: str

    def credentials(self, kind: str) -> dict[str, str]:
        """Client arguments for an account key, or a platform key acting for account_id."""
        if kind == "account":
            return {"base_url": self.base_url, "api_key": self.api_key}
        return {"base_url": self.base_url, "api_key": self.platform_key,
                "account_id": self.account_id}


@pytest.fixture(scope="session")
def service() -> Service:
    names = ["KATAVEN_TEST_BASE_URL", "KATAVEN_TEST_API_KEY", "KATAVEN_TEST_PLATFORM_KEY",
             "KATAVEN_TEST_ACCOUNT_ID"]
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        pytest.fail(f"this test needs a live service: set {', '.join(missing)}")
    return Service(*(os.environ[n] for n in names))


@pytest.fixture(scope="session")
def sealing_private_key() -> str:
    """The base64 private key the service seals credentials to."""
    key = os.environ.get("KATAVEN_TEST_SEALING_PRIVATE_KEY")
    if not key:
        pytest.fail("this test opens sealed credentials: set KATAVEN_TEST_SEALING_PRIVATE_KEY "
                    "to the service's SEALING_PRIVATE_KEY")
    return key


@pytest.fixture(scope="session")
def document(service: Service) -> dict[str, Any]:
    """The service's OpenAPI document, as it serves it."""
    answer = httpx.get(f"{service.base_url}/openapi.json", timeout=30)
    answer.raise_for_status()
    document: dict[str, Any] = answer.json()
    return document


@pytest.fixture(params=["account", "platform"])
def key_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(service: Service, key_kind: str) -> Iterator[Kataven]:
    with Kataven(**service.credentials(key_kind)) as client:
        yield client


def new_e164() -> str:
    """A valid number no other run has registered (numbers are unique service-wide)."""
    return f"+1202{_random.randint(2_000_000, 9_999_999)}"


def new_agent() -> str:
    return f"agent_{uuid.uuid4().hex[:16]}"


class Made:
    """What a test made on the live service, deleted afterwards (numbers first)."""

    def __init__(self, client: Kataven) -> None:
        self.client = client
        self.numbers: list[str] = []
        self.providers: list[str] = []

    def provider(self, **fields: object) -> str:
        provider = self.client.telephony.providers.create(
            provider="twilio", credentials=TWILIO, **fields)  # type: ignore[arg-type]
        self.providers.append(provider.id)
        return provider.id

    def number(self, credentials_id: str, **fields: object) -> str:
        number = self.client.telephony.numbers.create(
            e164=new_e164(), credentials_id=credentials_id, **fields)  # type: ignore[arg-type]
        self.numbers.append(number.id)
        return number.id

    def cleanup(self) -> None:
        for number_id in self.numbers:
            try:
                self.client.telephony.numbers.delete(number_id)
            except NotFoundError:
                pass
        for provider_id in self.providers:
            try:
                self.client.telephony.providers.delete(provider_id)
            except NotFoundError:
                pass


@pytest.fixture
def made(client: Kataven) -> Iterator[Made]:
    made = Made(client)
    yield made
    made.cleanup()
