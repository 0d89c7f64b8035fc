"""What every resource shares: its methods' operations as Calls, running them on the
client's transport, lists as pagers, and the with_raw_response form of its methods."""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any, Awaitable, Callable, ClassVar, Mapping, ParamSpec, TypeVar, cast
from urllib.parse import quote

import httpx

from ._operations import OPERATIONS
from ._transport import AsyncTransport, Call, RawResponse, Transport
from ._types import NotGiven
from .pagination import AsyncPager, Page, SyncPager

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


def path_id(name: str, value: str) -> str:
    """An id as one path segment; an empty one would name the list instead."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, not {value!r}")
    return quote(value, safe="")


def operation(operation_id: str, parse: Callable[[httpx.Response], T], *,
              path: Mapping[str, str] | None = None, body: Mapping[str, Any] | None = None,
              params: Mapping[str, Any] | None = None,
              idempotency_key: str | None = None, read_back: Call[T] | None = None,
              account_id: str | None = None) -> Call[T]:
    """A Call of an operation of the service's document, with the HTTP method and path
    the document gives it (_operations.py); `path` fills in the path's {names}, each
    value already one segment (path_id). A change given `read_back` (the object's get)
    answers the object it changed. `account_id`: the account this call acts for, when
    not the client's."""
    method, template = OPERATIONS[operation_id]
    return Call(method, template.format_map(path or {}), parse, body=body, params=params,
                idempotency_key=idempotency_key, read_back=read_back, account_id=account_id)


def given(**fields: Any) -> dict[str, Any]:
    """A PATCH body: the fields not NOT_GIVEN (None stays, and is sent as null)."""
    return {k: v for k, v in fields.items() if not isinstance(v, NotGiven)}


class _Operations:
    """What a resource declares: the operation of the service's document each of its
    methods calls (method name -> operationId). The tests find each operation's method
    here, and hold the methods to it."""

    operation_ids: ClassVar[Mapping[str, str]] = {}
    _raw = False

    def _base_url(self) -> str:
        raise NotImplementedError

    def _location(self) -> str:
        """Where the resource is: the shortest of its operations' paths, without the
        {name} of an item (routes have no path of their own but /routes/{e164})."""
        path = min((OPERATIONS[o][1] for o in self.operation_ids.values()), key=len)
        return self._base_url().rstrip("/") + re.sub(r"/\{[^}/]+\}$", "", path)

    def __repr__(self) -> str:
        """<Numbers at https://api.kataven.ai/v1/telephony/numbers>"""
        return f"<{type(self).__name__}{' (raw)' if self._raw else ''} at {self._location()}>"

    def _list_name(self) -> str:
        """What its lists are called in their repr: NumbersList, AsyncNumbersList."""
        return f"{type(self).__name__}List"


def _filters(call: Call[Any]) -> dict[str, Any]:
    return {k: v for k, v in (call.params or {}).items() if v is not None}


class SyncAPIResource(_Operations):
    def __init__(self, transport: Transport, *, raw: bool = False) -> None:
        self._transport = transport
        self._raw = raw  # the with_raw_response twin: calls give their RawResponse

    def _run(self, call: Call[T]) -> T:
        response = self._transport.send(call)
        if self._raw:
            return cast(T, response)  # typed by the WithRawResponse class
        return response.parse()

    def _pager(self, first: Call[Page[T]], cursor: str | None) -> SyncPager[T]:
        send = self._transport.send
        params = dict(first.params or {})

        def fetch(at: str | None) -> RawResponse[Page[T]]:
            return send(dataclasses.replace(first, params={**params, "cursor": at}))

        return SyncPager(fetch, cursor, name=self._list_name(), filters=_filters(first))

    def _base_url(self) -> str:
        return self._transport.settings.base_url


class AsyncAPIResource(_Operations):
    def __init__(self, transport: AsyncTransport, *, raw: bool = False) -> None:
        self._transport = transport
        self._raw = raw

    async def _run(self, call: Call[T]) -> T:
        response = await self._transport.send(call)
        if self._raw:
            return cast(T, response)
        return response.parse()

    def _pager(self, first: Call[Page[T]], cursor: str | None) -> AsyncPager[T]:
        send = self._transport.send
        params = dict(first.params or {})

        def fetch(at: str | None) -> Awaitable[RawResponse[Page[T]]]:
            return send(dataclasses.replace(first, params={**params, "cursor": at}))

        return AsyncPager(fetch, cursor, name=self._list_name(), filters=_filters(first))

    def _base_url(self) -> str:
        return self._transport.settings.base_url


class RawMethods:
    """A resource's with_raw_response form: its methods, each returning the RawResponse
    (a list: its first page's)."""

    def __init__(self, raw: SyncAPIResource | AsyncAPIResource) -> None:
        self._resource = raw

    def __repr__(self) -> str:
        return f"<{type(self).__name__} at {self._resource._location()}>"


def to_raw(method: Callable[P, R]) -> Callable[P, RawResponse[R]]:
    """A method of a raw twin (its calls return their RawResponse), typed as such."""
    return cast(Callable[P, RawResponse[R]], method)


def to_async_raw(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[RawResponse[R]]]:
    return cast(Callable[P, Awaitable[RawResponse[R]]], method)


def to_raw_page(method: Callable[P, SyncPager[T]]) -> Callable[P, RawResponse[Page[T]]]:
    """A list as its first page's request, with the HTTP details."""

    @functools.wraps(method)
    def first_page(*args: P.args, **kwargs: P.kwargs) -> RawResponse[Page[T]]:
        return method(*args, **kwargs).first_page_raw()

    return first_page


def to_async_raw_page(method: Callable[P, AsyncPager[T]]
                      ) -> Callable[P, Awaitable[RawResponse[Page[T]]]]:
    @functools.wraps(method)
    def first_page(*args: P.args, **kwargs: P.kwargs) -> Awaitable[RawResponse[Page[T]]]:
        return method(*args, **kwargs).first_page_raw()

    return first_page

