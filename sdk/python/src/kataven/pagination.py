"""Lists: every item across pages, fetched only when needed, or a page at a time.

The service pages by keyset: each page names the cursor of the next (`next_cursor`,
None on the last). `list(...)` returns a pager at once, before any request:

    for number in client.telephony.numbers.list():            # every item, lazily
    for page in client.telephony.numbers.list().pages():      # page.items, page.next_cursor
    client.telephony.numbers.list(cursor=page.next_cursor)    # resume where a page ended

Each page is one call, with its own time budget and retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable, Generic, Iterator, Mapping, TypeVar

import httpx

from ._transport import RawResponse

__all__ = ["Page", "SyncPager", "AsyncPager"]

T = TypeVar("T")


@dataclass(frozen=True, repr=False)
class Page(Generic[T]):
    """One page of a list: its items and the cursor of the next page (None: the last)."""

    items: list[T]
    next_cursor: str | None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        kind = type(self.items[0]).__name__ if self.items else "items"
        return f"<Page of {len(self.items)} {kind} next_cursor={self.next_cursor!r}>"


def page_parser(field: str, item: Callable[[Mapping[str, Any]], T]
                ) -> Callable[[httpx.Response], Page[T]]:
    """Reads a list answer, e.g. {"numbers": [...], "next_cursor": null}."""

    def parse(response: httpx.Response) -> Page[T]:
        data = response.json()
        return Page([item(x) for x in data[field]], data.get("next_cursor"))

    return parse


class _Position:
    """Where a list stands, for its repr: what it lists, by which filters, and how far
    its pages have been read."""

    def __init__(self, name: str, filters: Mapping[str, Any] | None,
                 cursor: str | None) -> None:
        self.name = name
        self.filters = dict(filters or {})
        self.start = cursor
        self.read = False  # whether a page has been read
        self.next_cursor: str | None = None

    def reached(self, page: Page[Any]) -> None:
        self.read = True
        self.next_cursor = page.next_cursor

    def __repr__(self) -> str:
        """<NumbersList agent_id='agent_1' limit=50 next_cursor='...'>; before the first
        page `not started` (from `cursor=`, when given), after the last `done`."""
        words = [f"{k}={v!r}" for k, v in self.filters.items()]
        if not self.read:
            words += ([f"cursor={self.start!r}"] if self.start is not None else [])
            words.append("not started")
        elif self.next_cursor is None:
            words.append("done")
        else:
            words.append(f"next_cursor={self.next_cursor!r}")
        return f"<{self.name} {' '.join(words)}>"


class SyncPager(Generic[T]):
    """Iterates over every item of a list, fetching each page when it is reached."""

    def __init__(self, fetch: Callable[[str | None], RawResponse[Page[T]]],
                 cursor: str | None, *, name: str = "List",
                 filters: Mapping[str, Any] | None = None) -> None:
        self._fetch = fetch
        self._cursor = cursor
        self._position = _Position(name, filters, cursor)

    def __repr__(self) -> str:
        return repr(self._position)

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[Page[T]]:
        """The pages, one request each, from the list's cursor to the last."""
        cursor = self._cursor
        while True:
            page = self._fetch(cursor).parse()
            self._position.reached(page)
            yield page
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def first_page_raw(self) -> RawResponse[Page[T]]:
        """The first page's request, with its HTTP details (with_raw_response.list)."""
        return self._fetch(self._cursor)


class AsyncPager(Generic[T]):
    """`async for` over every item of a list, fetching each page when it is reached."""

    def __init__(self, fetch: Callable[[str | None], Awaitable[RawResponse[Page[T]]]],
                 cursor: str | None, *, name: str = "List",
                 filters: Mapping[str, Any] | None = None) -> None:
        self._fetch = fetch
        self._cursor = cursor
        self._position = _Position(name, filters, cursor)

    def __repr__(self) -> str:
        return repr(self._position)

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncIterator[Page[T]]:
        """The pages, one request each, from the list's cursor to the last."""
        cursor = self._cursor
        while True:
            page = (await self._fetch(cursor)).parse()
            self._position.reached(page)
            yield page
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    async def first_page_raw(self) -> RawResponse[Page[T]]:
        """The first page's request, with its HTTP details (with_raw_response.list)."""
        return await self._fetch(self._cursor)
