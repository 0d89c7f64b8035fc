"""client.telephony.routes: who answers a dialled number, and the credential to dial with
(/telephony/routes/{e164}); for the platform's router, with a platform key."""

from __future__ import annotations

import httpx

from ..._models import Route
from ..._resource import (
    AsyncAPIResource,
    RawMethods,
    SyncAPIResource,
    operation,
    path_id,
    to_async_raw,
    to_raw,
)
from ..._transport import Call

__all__ = ["Routes", "AsyncRoutes"]

# The operation of the service's document each method calls.
OPERATION_IDS = {"get": "getRoute"}


def _route(response: httpx.Response) -> Route:
    return Route.from_json(response.json())


def _get(e164: str) -> Call[Route]:
    # One path segment, "+" sent as %2B (a bare "+" in a path is a "+", but some proxies
    # read it as a space).
    return operation(OPERATION_IDS["get"], _route, path={"e164": path_id("e164", e164)})


class Routes(SyncAPIResource):
    """Numbers as the platform's router sees them: a platform key only (an account key
    raises PermissionDeniedError, code "platform_key_required")."""

    operation_ids = OPERATION_IDS

    def get(self, e164: str) -> Route:
        """The route of a registered number ("+12025550123"): its account, agent,
        credential and routing rule (`inbound`). The number names its account, so the
        client needs no account_id; a client that has one sends it, and a number of
        another account then raises NotFoundError, as an unregistered one does."""
        return self._run(_get(e164))

    @property
    def with_raw_response(self) -> RoutesWithRawResponse:
        return RoutesWithRawResponse(Routes(self._transport, raw=True))


class AsyncRoutes(AsyncAPIResource):
    """Numbers as the platform's router sees them: a platform key only."""

    operation_ids = OPERATION_IDS

    async def get(self, e164: str) -> Route:
        return await self._run(_get(e164))

    @property
    def with_raw_response(self) -> AsyncRoutesWithRawResponse:
        return AsyncRoutesWithRawResponse(AsyncRoutes(self._transport, raw=True))


class RoutesWithRawResponse(RawMethods):
    """`get` returning a RawResponse (`.parse()` gives the Route)."""

    def __init__(self, raw: Routes) -> None:
        super().__init__(raw)
        self.get = to_raw(raw.get)


class AsyncRoutesWithRawResponse(RawMethods):
    def __init__(self, raw: AsyncRoutes) -> None:
        super().__init__(raw)
        self.get = to_async_raw(raw.get)
