"""client.telephony.providers: carrier credentials (/telephony/providers)."""

from __future__ import annotations

from typing import Mapping

import httpx

from ..._models import Provider, ProviderName, SealedCredential
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

__all__ = ["Providers", "AsyncProviders"]

# The operation of the service's document each method calls.
OPERATION_IDS = {
    "create": "createProvider",
    "list": "listProviders",
    "get": "getProvider",
    "update": "updateProvider",
    "delete": "deleteProvider",
    "sealed": "getSealedProvider",
}


def _provider(response: httpx.Response) -> Provider:
    return Provider.from_json(response.json())


def _nothing(response: httpx.Response) -> None:
    return None


_page = page_parser("providers", Provider.from_json)


def _create(provider: ProviderName, credentials: Mapping[str, str], label: str | None,
            idempotency_key: str | None) -> Call[Provider]:
    body: dict[str, object] = {"provider": provider, "credentials": dict(credentials)}
    if label is not None:
        body["label"] = label
    return operation(OPERATION_IDS["create"], _provider, body=body,
                     idempotency_key=idempotency_key)


def _list(limit: int | None) -> Call[Page[Provider]]:
    return operation(OPERATION_IDS["list"], _page, params={"limit": limit})


def _item(provider_id: str) -> dict[str, str]:
    return {"id": path_id("provider_id", provider_id)}


def _get(provider_id: str) -> Call[Provider]:
    return operation(OPERATION_IDS["get"], _provider, path=_item(provider_id))


def _update(provider_id: str, label: str | None | NotGiven,
            credentials: Mapping[str, str] | NotGiven) -> Call[Provider]:
    """The PATCH, answering the credential as it left it; read back with a GET from a
    service too old to send it."""
    body = given(label=label, credentials=credentials if isinstance(credentials, NotGiven)
                 else dict(credentials))
    return operation(OPERATION_IDS["update"], _provider, path=_item(provider_id), body=body,
                     read_back=_get(provider_id))


def _delete(provider_id: str) -> Call[None]:
    return operation(OPERATION_IDS["delete"], _nothing, path=_item(provider_id))


def _sealed_credential(response: httpx.Response) -> SealedCredential:
    return SealedCredential.from_json(response.json())


def _sealed(provider_id: str, account_id: str | None) -> Call[SealedCredential]:
    return operation(OPERATION_IDS["sealed"], _sealed_credential, path=_item(provider_id),
                     account_id=account_id)


class Providers(SyncAPIResource):
    """Carrier credentials: sealed by the service, never readable through the API."""

    operation_ids = OPERATION_IDS

    def create(self, *, provider: ProviderName, credentials: Mapping[str, str],
               label: str | None = None, idempotency_key: str | None = None) -> Provider:
        """Add a credential. Every attempt sends the same Idempotency-Key (yours, or one
        made for this call), so a retry never stores it twice."""
        return self._run(_create(provider, credentials, label, idempotency_key))

    def list(self, *, limit: int | None = None, cursor: str | None = None
             ) -> SyncPager[Provider]:
        """Every credential of the account, oldest first, a page (of `limit`) at a time."""
        return self._pager(_list(limit), cursor)

    def get(self, provider_id: str) -> Provider:
        return self._run(_get(provider_id))

    def update(self, provider_id: str, *, label: str | None | NotGiven = NOT_GIVEN,
               credentials: Mapping[str, str] | NotGiven = NOT_GIVEN) -> Provider:
        """Change the label, or rotate the credentials in place (the numbers bound to
        it need no change). Fields left NOT_GIVEN are not sent.

        Returns the credential as the change left it, which the service sends back in
        the same answer (Prefer: return=representation). A service too old for that
        answers 204: the credential is then read back with a GET, one more request,
        which would also show a change someone made in between."""
        return self._run(_update(provider_id, label, credentials))

    def delete(self, provider_id: str) -> None:
        """Delete a credential; ConflictError while numbers use it."""
        return self._run(_delete(provider_id))

    def sealed(self, provider_id: str, *, account_id: str | None = None) -> SealedCredential:
        """The credential as stored, sealed, for the service that dials out: a platform
        key only (an account key raises PermissionDeniedError, code
        "platform_key_required"). `account_id` is the account it acts for on this call
        (a route's account_id), else the client's. The SDK does not open it: that takes
        the sealing private key (`sealed` is base64 of a libsodium sealed box)."""
        return self._run(_sealed(provider_id, account_id))

    @property
    def with_raw_response(self) -> ProvidersWithRawResponse:
        return ProvidersWithRawResponse(Providers(self._transport, raw=True))


class AsyncProviders(AsyncAPIResource):
    """Carrier credentials: sealed by the service, never readable through the API."""

    operation_ids = OPERATION_IDS

    async def create(self, *, provider: ProviderName, credentials: Mapping[str, str],
                     label: str | None = None, idempotency_key: str | None = None) -> Provider:
        return await self._run(_create(provider, credentials, label, idempotency_key))

    def list(self, *, limit: int | None = None, cursor: str | None = None
             ) -> AsyncPager[Provider]:
        return self._pager(_list(limit), cursor)

    async def get(self, provider_id: str) -> Provider:
        return await self._run(_get(provider_id))

    async def update(self, provider_id: str, *, label: str | None | NotGiven = NOT_GIVEN,
                     credentials: Mapping[str, str] | NotGiven = NOT_GIVEN) -> Provider:
        """As Providers.update: the credential as the change left it (read back with a
        GET from a service too old to send it)."""
        return await self._run(_update(provider_id, label, credentials))

    async def delete(self, provider_id: str) -> None:
        return await self._run(_delete(provider_id))

    async def sealed(self, provider_id: str, *, account_id: str | None = None
                     ) -> SealedCredential:
        """As Providers.sealed: the sealed credential, for a platform key."""
        return await self._run(_sealed(provider_id, account_id))

    @property
    def with_raw_response(self) -> AsyncProvidersWithRawResponse:
        return AsyncProvidersWithRawResponse(AsyncProviders(self._transport, raw=True))


class ProvidersWithRawResponse(RawMethods):
    """The same methods, returning a RawResponse (`.parse()` gives the result); `list`
    returns its first page's."""

    def __init__(self, raw: Providers) -> None:
        super().__init__(raw)
        self.create = to_raw(raw.create)
        self.list = to_raw_page(raw.list)
        self.get = to_raw(raw.get)
        self.update = to_raw(raw.update)
        self.delete = to_raw(raw.delete)
        self.sealed = to_raw(raw.sealed)


class AsyncProvidersWithRawResponse(RawMethods):
    def __init__(self, raw: AsyncProviders) -> None:
        super().__init__(raw)
        self.create = to_async_raw(raw.create)
        self.list = to_async_raw_page(raw.list)
        self.get = to_async_raw(raw.get)
        self.update = to_async_raw(raw.update)
        self.delete = to_async_raw(raw.delete)
        self.sealed = to_async_raw(raw.sealed)
