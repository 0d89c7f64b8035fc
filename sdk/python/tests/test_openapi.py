"""The SDK follows the service: every operation of the served OpenAPI document has an SDK
method, and each method sends its operation's HTTP method and path."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Callable

import httpx

from conftest import Service
from kataven import APIStatusError, AsyncKataven, Kataven

# operationId -> (HTTP method, path below the base URL, SDK method under client.telephony).
# A new operation in the service fails the test below until it is added here, with its
# method in resources/.
OPERATIONS = {
    "listProviders": ("GET", "/telephony/providers", "providers.list"),
    "createProvider": ("POST", "/telephony/providers", "providers.create"),
    "getProvider": ("GET", "/telephony/providers/{id}", "providers.get"),
    "updateProvider": ("PATCH", "/telephony/providers/{id}", "providers.update"),
    "deleteProvider": ("DELETE", "/telephony/providers/{id}", "providers.delete"),
    "listNumbers": ("GET", "/telephony/numbers", "numbers.list"),
    "createNumber": ("POST", "/telephony/numbers", "numbers.create"),
    "getNumber": ("GET", "/telephony/numbers/{id}", "numbers.get"),
    "updateNumber": ("PATCH", "/telephony/numbers/{id}", "numbers.update"),
    "deleteNumber": ("DELETE", "/telephony/numbers/{id}", "numbers.delete"),
    "listEvents": ("GET", "/telephony/events", "events.list"),
}
# Methods beyond the document's operations: the seed's "pin or unpin", as updateNumber.
EXTRA = {"numbers.pin": "updateNumber", "numbers.unpin": "updateNumber"}

ID = "0b6f7d7e-1f0e-4f51-8d6c-2a9d1f5e3c44"
ARGUMENTS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "providers.create": ((), {"provider": "twilio", "credentials": {"auth_token": "t"}}),
    "providers.update": ((ID,), {"label": "x"}),
    "numbers.create": ((), {"e164": "+12025550123", "credentials_id": ID}),
    "numbers.update": ((ID,), {"agent_id": "a"}),
    "numbers.pin": ((ID, "agent_1"), {}),
}


def method_of(root: object, dotted: str) -> Callable[..., Any]:
    for name in dotted.split("."):
        root = getattr(root, name)
    assert callable(root), dotted
    return root


def test_every_operation_of_the_served_document_has_an_sdk_method(service: Service) -> None:
    document = httpx.get(f"{service.base_url}/openapi.json", timeout=30).json()
    served = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                served[operation["operationId"]] = (method.upper(), path)
    missing = sorted(set(served) - set(OPERATIONS))
    assert not missing, f"operations with no SDK method: {', '.join(missing)}"
    for operation_id, (method, path, _) in OPERATIONS.items():
        assert served.get(operation_id) == (method, f"/api/v1{path}"), operation_id
    with Kataven(api_key="kvn_unused", base_url=service.base_url) as client:
        for operation_id, (_, _, dotted) in OPERATIONS.items():
            method_of(client.telephony, dotted)


def recorded_call(dotted: str) -> tuple[str, str]:
    """(HTTP method, path) the sync method sends, against a mock that answers 204/200."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.method == "GET" and request.url.path.endswith("s"):
            return httpx.Response(200, json={"providers": [], "numbers": [], "events": [],
                                             "next_cursor": None})
        return httpx.Response(500 if request.method in ("GET", "POST") else 204)

    client = Kataven(api_key="k", base_url="http://hub.test/api/v1", max_retries=0,
                     http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    args, kwargs = ARGUMENTS.get(dotted, ((ID,) if not dotted.endswith("list") else (), {}))
    try:
        result = method_of(client.telephony, dotted)(*args, **kwargs)
        if dotted.endswith("list"):
            list(result)
    except APIStatusError:
        pass  # the mock's 500 to a get or create: only the request matters here
    assert len(sent) == 1, dotted
    return sent[0].method, sent[0].url.path.replace(ID, "{id}").removeprefix("/api/v1")


def test_each_method_sends_its_operation() -> None:
    for operation_id, (method, path, dotted) in OPERATIONS.items():
        assert recorded_call(dotted) == (method, path), operation_id
    for dotted, operation_id in EXTRA.items():
        assert recorded_call(dotted) == OPERATIONS[operation_id][:2], dotted


def test_the_async_client_has_the_same_methods_with_the_same_arguments() -> None:
    sync = Kataven(api_key="k")
    asynchronous = AsyncKataven(api_key="k")
    for dotted in [*(d for _, _, d in OPERATIONS.values()), *EXTRA]:
        a, b = method_of(sync.telephony, dotted), method_of(asynchronous.telephony, dotted)
        assert inspect.signature(a).parameters.keys() == inspect.signature(b).parameters.keys()
        assert inspect.iscoroutinefunction(b) != dotted.endswith("list"), dotted
        raw_a = method_of(sync.telephony, dotted.replace(".", ".with_raw_response."))
        raw_b = method_of(asynchronous.telephony, dotted.replace(".", ".with_raw_response."))
        assert callable(raw_a) and callable(raw_b)
    sync.close()
    asyncio.run(asynchronous.close())
