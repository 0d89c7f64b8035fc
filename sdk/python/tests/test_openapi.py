"""The SDK's operations are the served OpenAPI document's, each with a method that sends it.

_operations.py is what the document says of each operation; every operation has an SDK
method, as the resources declare them (operation_ids), and none names an operation the
document lacks; each method sends its operation's HTTP method and path.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Mapping

import faults
import httpx
import pytest

from kataven import APIStatusError, AsyncKataven, Kataven
from kataven._operations import OPERATIONS
from kataven._resource import AsyncAPIResource, SyncAPIResource

GENERATOR = Path(__file__).resolve().parent.parent / "scripts" / "generate_operations.py"

ID = "0b6f7d7e-1f0e-4f51-8d6c-2a9d1f5e3c44"
E164 = "+12025550123"
# What a PATCH answers, by collection.
CHANGED = {"numbers": faults.NUMBER, "providers": {
    "id": ID, "provider": "twilio", "label": "Twilio", "credential_keys": [],
    "sealing_key_id": "k", "created_at": "2026-11-28T17:02:03Z",
    "updated_at": "2026-11-28T17:02:03Z"}}
# What each method is called with here; by default an id, or nothing for a list.
ARGUMENTS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "providers.create": ((), {"provider": "twilio", "credentials": {"auth_token": "t"}}),
    "providers.update": ((ID,), {"label": "x"}),
    "numbers.create": ((), {"e164": "+12025550123", "credentials_id": ID}),
    "numbers.update": ((ID,), {"agent_id": "a"}),
    "numbers.pin": ((ID, "agent_1"), {}),
    "routes.get": ((E164,), {}),
}


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_operations", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = load_generator()


def declared(client: Kataven | AsyncKataven) -> dict[str, str]:
    """Each method under client.telephony ("numbers.pin") -> the operationId it calls, as
    its resource declares it."""
    return {f"{name}.{method}": operation_id
            for name, resource in vars(client.telephony).items()
            if isinstance(resource, (SyncAPIResource, AsyncAPIResource))
            for method, operation_id in type(resource).operation_ids.items()}


def method_of(root: object, dotted: str) -> Callable[..., Any]:
    for name in dotted.split("."):
        root = getattr(root, name)
    assert callable(root), dotted
    return root


def test_operations_py_is_what_the_served_document_says(document: Mapping[str, Any]) -> None:
    committed = generator.OUTPUT.read_text()
    assert generator.generate(document) == committed, \
        "src/kataven/_operations.py differs from the served document: run `make sdk-types`"


def test_every_operation_of_the_served_document_has_an_sdk_method(
        document: Mapping[str, Any]) -> None:
    served = {operation_id for operation_id, _, _ in generator.operations(document)}
    with Kataven(api_key="kvn_unused") as client:
        methods = declared(client)
        for dotted in methods:
            method_of(client.telephony, dotted)
    named = set(methods.values())
    assert not served - named, f"operations with no SDK method: {sorted(served - named)}"
    unknown = sorted(dotted for dotted, operation_id in methods.items()
                     if operation_id not in served)
    assert not unknown, f"methods of operations the service does not document: {unknown}"


def recorded_call(dotted: str, asynchronous: bool = False) -> tuple[str, str]:
    """(HTTP method, path) the method sends, against a mock that answers 204, or 200 (a
    list's empty page, a change's object), or 500 to a get or create, whose answers are
    not of interest."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.method == "GET" and request.url.path.endswith("s"):
            return httpx.Response(200, json={"providers": [], "numbers": [], "events": [],
                                             "next_cursor": None})
        if request.method == "PATCH":  # the changed object, as Prefer asked
            return httpx.Response(200, json=CHANGED[request.url.path.split("/")[-2]])
        return httpx.Response(500 if request.method in ("GET", "POST") else 204)

    args, kwargs = ARGUMENTS.get(dotted, ((ID,) if not dotted.endswith("list") else (), {}))
    mock = httpx.MockTransport(handler)
    options: dict[str, Any] = {"api_key": "k", "base_url": "http://hub.test/api/v1",
                               "max_retries": 0}
    try:
        if asynchronous:
            asyncio.run(async_call(AsyncKataven(**options, http_client=httpx.AsyncClient(
                transport=mock)), dotted, args, kwargs))
        else:
            with Kataven(**options, http_client=httpx.Client(transport=mock)) as client:
                result = method_of(client.telephony, dotted)(*args, **kwargs)
                if dotted.endswith("list"):
                    list(result)
    except APIStatusError:
        pass  # the mock's 500
    assert len(sent) == 1, dotted
    path = sent[0].url.path.replace(ID, "{id}").replace(E164, "{e164}")
    return sent[0].method, path.removeprefix("/api/v1")


async def async_call(client: AsyncKataven, dotted: str, args: tuple[Any, ...],
                     kwargs: dict[str, Any]) -> None:
    async with client:
        result = method_of(client.telephony, dotted)(*args, **kwargs)
        if dotted.endswith("list"):
            [item async for item in result]
        else:
            await result


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
def test_each_method_sends_its_operation(asynchronous: bool) -> None:
    with Kataven(api_key="k") as client:
        methods = declared(client)
    for dotted, operation_id in methods.items():
        assert recorded_call(dotted, asynchronous) == OPERATIONS[operation_id], dotted


def test_the_async_client_has_the_same_methods_with_the_same_arguments() -> None:
    sync = Kataven(api_key="k")
    asynchronous = AsyncKataven(api_key="k")
    assert declared(asynchronous) == declared(sync)
    for dotted in declared(sync):
        a, b = method_of(sync.telephony, dotted), method_of(asynchronous.telephony, dotted)
        assert inspect.signature(a).parameters.keys() == inspect.signature(b).parameters.keys()
        assert inspect.iscoroutinefunction(b) != dotted.endswith("list"), dotted
        raw_a = method_of(sync.telephony, dotted.replace(".", ".with_raw_response."))
        raw_b = method_of(asynchronous.telephony, dotted.replace(".", ".with_raw_response."))
        assert callable(raw_a) and callable(raw_b)
    sync.close()
    asyncio.run(asynchronous.close())
