"""client.telephony.events: who changed which credential or number, and when
(/telephony/events), newest first."""

from __future__ import annotations

from datetime import datetime, timezone

from ..._models import Event, EventType
from ..._resource import (
    AsyncAPIResource,
    RawMethods,
    SyncAPIResource,
    operation,
    to_async_raw_page,
    to_raw_page,
)
from ..._transport import Call
from ...pagination import AsyncPager, Page, SyncPager, page_parser

__all__ = ["Events", "AsyncEvents"]

# The operation of the service's document each method calls.
OPERATION_IDS = {"list": "listEvents"}

_page = page_parser("events", Event.from_json)


def _since(since: datetime | str | None) -> str | None:
    """An RFC 3339 time; a naive datetime is taken as UTC."""
    if isinstance(since, datetime):
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return since.isoformat()
    return since


def _list(object_id: str | None, type: EventType | None, since: datetime | str | None,
          limit: int | None) -> Call[Page[Event]]:
    return operation(OPERATION_IDS["list"], _page, params={
        "object_id": object_id, "type": type, "since": _since(since), "limit": limit})


class Events(SyncAPIResource):
    """The account's changes, as the service recorded them with each change."""

    operation_ids = OPERATION_IDS

    def list(self, *, object_id: str | None = None, type: EventType | None = None,
             since: datetime | str | None = None, limit: int | None = None,
             cursor: str | None = None) -> SyncPager[Event]:
        """Every matching event, newest first, a page (of `limit`) at a time: of one
        object, of one type (e.g. "number.updated"), at or after `since`."""
        return self._pager(_list(object_id, type, since, limit), cursor)

    @property
    def with_raw_response(self) -> EventsWithRawResponse:
        return EventsWithRawResponse(Events(self._transport, raw=True))


class AsyncEvents(AsyncAPIResource):
    """The account's changes, as the service recorded them with each change."""

    operation_ids = OPERATION_IDS

    def list(self, *, object_id: str | None = None, type: EventType | None = None,
             since: datetime | str | None = None, limit: int | None = None,
             cursor: str | None = None) -> AsyncPager[Event]:
        return self._pager(_list(object_id, type, since, limit), cursor)

    @property
    def with_raw_response(self) -> AsyncEventsWithRawResponse:
        return AsyncEventsWithRawResponse(AsyncEvents(self._transport, raw=True))


class EventsWithRawResponse(RawMethods):
    """`list` returning its first page's RawResponse."""

    def __init__(self, raw: Events) -> None:
        super().__init__(raw)
        self.list = to_raw_page(raw.list)


class AsyncEventsWithRawResponse(RawMethods):
    def __init__(self, raw: AsyncEvents) -> None:
        super().__init__(raw)
        self.list = to_async_raw_page(raw.list)
