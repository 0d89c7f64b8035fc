"""client.telephony.numbers: phone numbers and their agents (/telephony/numbers)."""

from __future__ import annotations

import httpx

from ..._models import PhoneNumber, ProviderName
from ..._resource import (
    AsyncAPIResource,
    RawMethods,
    SyncAPIResource,
    given,
    operation,
    path_id,
    to_async_raw,
    to_async_raw_page,
    to_raw,
    to_raw_page,
)
from ..._transport import Call
from ..._types import NOT_GIVEN, NotGiven
from ...pagination import AsyncPager, Page, SyncPager, page_parser

__all__ = ["Numbers", "AsyncNumbers"]

# The operation of the service's document each method calls; pin and unpin are updates.
OPERATION_IDS = {
    "create": "createNumber",
    "list": "listNumbers",
    "get": "getNumber",
    "update": "updateNumber",
    "pin": "updateNumber",
    "unpin": "updateNumber",
    "delete": "deleteNumber",
}


def _number(response: httpx.Response) -> PhoneNumber:
    return PhoneNumber.from_json(response.json())


def _nothing(response: httpx.Response) -> None:
    return None


_page = page_parser("numbers", PhoneNumber.from_json)


def _create(e164: str, credentials_id: str, provider: ProviderName | None, agent_id: str | None,
            inbound_enabled: bool, outbound_enabled: bool, fallback_e164: str | None,
            idempotency_key: str | None) -> Call[PhoneNumber]:
    body: dict[str, object] = {"e164": e164, "credentials_id": credentials_id,
                               "inbound_enabled": inbound_enabled,
                               "outbound_enabled": outbound_enabled}
    if provider is not None:
        body["provider"] = provider
    if agent_id is not None:
        body["agent_id"] = agent_id
    if fallback_e164 is not None:  # left out: none, and a service that predates it accepts it
        body["fallback_e164"] = fallback_e164
    return operation(OPERATION_IDS["create"], _number, body=body,
                     idempotency_key=idempotency_key)


def _list(agent_id: str | None, credentials_id: str | None, provider: ProviderName | None,
          e164: str | None, limit: int | None) -> Call[Page[PhoneNumber]]:
    return operation(OPERATION_IDS["list"], _page, params={
        "agent_id": agent_id, "credentials_id": credentials_id, "provider": provider,
        "e164": e164, "limit": limit})


def _item(number_id: str) -> dict[str, str]:
    return {"id": path_id("number_id", number_id)}


def _get(number_id: str) -> Call[PhoneNumber]:
    return operation(OPERATION_IDS["get"], _number, path=_item(number_id))


def _update(name: str, number_id: str, **fields: str | bool | None | NotGiven
            ) -> Call[PhoneNumber]:
    """The PATCH of method `name` (update, pin or unpin), answering the number as it left
    it; read back with a GET from a service too old to send it."""
    return operation(OPERATION_IDS[name], _number, path=_item(number_id),
                     body=given(**fields), read_back=_get(number_id))


def _delete(number_id: str) -> Call[None]:
    return operation(OPERATION_IDS["delete"], _nothing, path=_item(number_id))


class Numbers(SyncAPIResource):
    """Phone numbers registered against a credential, each pinned to an agent or none."""

    operation_ids = OPERATION_IDS

    def create(self, *, e164: str, credentials_id: str, provider: ProviderName | None = None,
               agent_id: str | None = None, inbound_enabled: bool = True,
               outbound_enabled: bool = True, fallback_e164: str | None = None,
               idempotency_key: str | None = None) -> PhoneNumber:
        """Register a number. Every attempt sends the same Idempotency-Key (yours, or
        one made for this call), so a retry never registers it twice. fallback_e164 is
        where an inbound call goes when no agent can take it (another number)."""
        return self._run(_create(e164, credentials_id, provider, agent_id, inbound_enabled,
                                 outbound_enabled, fallback_e164, idempotency_key))

    def list(self, *, agent_id: str | None = None, credentials_id: str | None = None,
             provider: ProviderName | None = None, e164: str | None = None,
             limit: int | None = None, cursor: str | None = None) -> SyncPager[PhoneNumber]:
        """Every matching number, oldest first, a page (of `limit`) at a time."""
        return self._pager(_list(agent_id, credentials_id, provider, e164, limit), cursor)

    def get(self, number_id: str) -> PhoneNumber:
        return self._run(_get(number_id))

    def update(self, number_id: str, *, agent_id: str | None | NotGiven = NOT_GIVEN,
               inbound_enabled: bool | NotGiven = NOT_GIVEN,
               outbound_enabled: bool | NotGiven = NOT_GIVEN,
               fallback_e164: str | None | NotGiven = NOT_GIVEN) -> PhoneNumber:
        """Change what is given: agent_id=None unpins, fallback_e164=None clears the
        fallback; NOT_GIVEN fields are not sent.

        Returns the number as the change left it, which the service sends back in the
        same answer (Prefer: return=representation). A service too old for that answers
        204: the number is then read back with a GET, one more request, which would also
        show a change someone made in between. The same holds for pin and unpin."""
        return self._run(_update("update", number_id, agent_id=agent_id,
                                 inbound_enabled=inbound_enabled,
                                 outbound_enabled=outbound_enabled,
                                 fallback_e164=fallback_e164))

    def pin(self, number_id: str, agent_id: str) -> PhoneNumber:
        """Route the number's calls to an agent; returns the number as it left it."""
        return self._run(_update("pin", number_id, agent_id=agent_id))

    def unpin(self, number_id: str) -> PhoneNumber:
        """Pin the number to no agent; returns the number as it left it."""
        return self._run(_update("unpin", number_id, agent_id=None))

    def delete(self, number_id: str) -> None:
        return self._run(_delete(number_id))

    @property
    def with_raw_response(self) -> NumbersWithRawResponse:
        return NumbersWithRawResponse(Numbers(self._transport, raw=True))


class AsyncNumbers(AsyncAPIResource):
    """Phone numbers registered against a credential, each pinned to an agent or none."""

    operation_ids = OPERATION_IDS

    async def create(self, *, e164: str, credentials_id: str, provider: ProviderName | None = None,
                     agent_id: str | None = None, inbound_enabled: bool = True,
                     outbound_enabled: bool = True, fallback_e164: str | None = None,
                     idempotency_key: str | None = None) -> PhoneNumber:
        return await self._run(_create(e164, credentials_id, provider, agent_id,
                                       inbound_enabled, outbound_enabled, fallback_e164,
                                       idempotency_key))

    def list(self, *, agent_id: str | None = None, credentials_id: str | None = None,
             provider: ProviderName | None = None, e164: str | None = None,
             limit: int | None = None, cursor: str | None = None) -> AsyncPager[PhoneNumber]:
        return self._pager(_list(agent_id, credentials_id, provider, e164, limit), cursor)

    async def get(self, number_id: str) -> PhoneNumber:
        return await self._run(_get(number_id))

    async def update(self, number_id: str, *, agent_id: str | None | NotGiven = NOT_GIVEN,
                     inbound_enabled: bool | NotGiven = NOT_GIVEN,
                     outbound_enabled: bool | NotGiven = NOT_GIVEN,
                     fallback_e164: str | None | NotGiven = NOT_GIVEN) -> PhoneNumber:
        """As Numbers.update: the number as the change left it (read back with a GET
        from a service too old to send it)."""
        return await self._run(_update("update", number_id, agent_id=agent_id,
                                       inbound_enabled=inbound_enabled,
                                       outbound_enabled=outbound_enabled,
                                       fallback_e164=fallback_e164))

    async def pin(self, number_id: str, agent_id: str) -> PhoneNumber:
        return await self._run(_update("pin", number_id, agent_id=agent_id))

    async def unpin(self, number_id: str) -> PhoneNumber:
        return await self._run(_update("unpin", number_id, agent_id=None))

    async def delete(self, number_id: str) -> None:
        return await self._run(_delete(number_id))

    @property
    def with_raw_response(self) -> AsyncNumbersWithRawResponse:
        return AsyncNumbersWithRawResponse(AsyncNumbers(self._transport, raw=True))


class NumbersWithRawResponse(RawMethods):
    """The same methods, returning a RawResponse (`.parse()` gives the result); `list`
    returns its first page's."""

    def __init__(self, raw: Numbers) -> None:
        super().__init__(raw)
        self.create = to_raw(raw.create)
        self.list = to_raw_page(raw.list)
        self.get = to_raw(raw.get)
        self.update = to_raw(raw.update)
        self.pin = to_raw(raw.pin)
        self.unpin = to_raw(raw.unpin)
        self.delete = to_raw(raw.delete)


class AsyncNumbersWithRawResponse(RawMethods):
    def __init__(self, raw: AsyncNumbers) -> None:
        super().__init__(raw)
        self.create = to_async_raw(raw.create)
        self.list = to_async_raw_page(raw.list)
        self.get = to_async_raw(raw.get)
        self.update = to_async_raw(raw.update)
        self.pin = to_async_raw(raw.pin)
        self.unpin = to_async_raw(raw.unpin)
        self.delete = to_async_raw(raw.delete)
