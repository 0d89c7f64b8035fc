"""Lists against the live service: every item across pages, fetched lazily; pages with
their next_cursor; resuming from a cursor; the async forms."""

from __future__ import annotations

import asyncio
import itertools

import httpx
from conftest import Made, Service, new_agent

from kataven import AsyncKataven, Kataven, Page


def counting_client(service: Service, kind: str) -> tuple[Kataven, list[httpx.URL]]:
    """A client whose requests are recorded, to see when pages are fetched."""
    sent: list[httpx.URL] = []
    http = httpx.Client(event_hooks={"request": [lambda request: sent.append(request.url)]})
    return Kataven(**service.credentials(kind), http_client=http), sent


def five_numbers(made: Made, agent: str) -> list[str]:
    credential = made.provider()
    return [made.number(credential, agent_id=agent) for _ in range(5)]


def test_list_iterates_every_item_across_pages_oldest_first(client: Kataven, made: Made) -> None:
    agent = new_agent()
    ids = five_numbers(made, agent)
    assert [n.id for n in client.telephony.numbers.list(agent_id=agent, limit=2)] == ids


def test_list_fetches_a_page_only_when_it_is_reached(service: Service, made: Made,
                                                    key_kind: str) -> None:
    agent = new_agent()
    ids = five_numbers(made, agent)
    counting, sent = counting_client(service, key_kind)
    with counting:
        pager = counting.telephony.numbers.list(agent_id=agent, limit=2)
        assert sent == []  # nothing before iterating
        iterator = iter(pager)
        assert [n.id for n in itertools.islice(iterator, 2)] == ids[:2]
        assert len(sent) == 1
        assert next(iterator).id == ids[2]
        assert len(sent) == 2 and "cursor=" in str(sent[1])
        assert [n.id for n in iterator] == ids[3:]
        assert len(sent) == 3
        assert sent[0].params["agent_id"] == agent and sent[0].params["limit"] == "2"


def test_pages_give_items_and_next_cursor(client: Kataven, made: Made) -> None:
    agent = new_agent()
    ids = five_numbers(made, agent)
    pages = list(client.telephony.numbers.list(agent_id=agent, limit=2).pages())
    assert all(isinstance(p, Page) for p in pages)
    assert [[n.id for n in p.items] for p in pages] == [ids[0:2], ids[2:4], ids[4:]]
    assert pages[0].next_cursor and pages[1].next_cursor and pages[2].next_cursor is None


def test_a_list_resumes_from_a_cursor(client: Kataven, made: Made) -> None:
    agent = new_agent()
    ids = five_numbers(made, agent)
    first = next(client.telephony.numbers.list(agent_id=agent, limit=3).pages())
    assert [n.id for n in first] == ids[:3]
    rest = client.telephony.numbers.list(agent_id=agent, limit=3, cursor=first.next_cursor)
    assert [n.id for n in rest] == ids[3:]


def test_providers_list_pages_and_resumes(client: Kataven, made: Made) -> None:
    mine = [made.provider(label=f"p{i}") for i in range(3)]
    every = [p.id for p in client.telephony.providers.list(limit=1)]
    assert [i for i in every if i in mine] == mine
    first = next(client.telephony.providers.list(limit=1).pages())
    assert len(first.items) == 1 and first.next_cursor
    rest = [p.id for p in client.telephony.providers.list(limit=2, cursor=first.next_cursor)]
    assert [first.items[0].id, *rest] == every


def test_an_empty_list_is_one_request_and_no_items(client: Kataven) -> None:
    pages = list(client.telephony.numbers.list(agent_id=new_agent()).pages())
    assert [(p.items, p.next_cursor) for p in pages] == [([], None)]


def test_async_lists_and_pages(service: Service, made: Made, key_kind: str) -> None:
    agent = new_agent()
    ids = five_numbers(made, agent)

    async def main() -> None:
        async with AsyncKataven(**service.credentials(key_kind)) as client:
            numbers = client.telephony.numbers
            assert [n.id async for n in numbers.list(agent_id=agent, limit=2)] == ids
            pages = [p async for p in numbers.list(agent_id=agent, limit=2).pages()]
            assert [len(p.items) for p in pages] == [2, 2, 1]
            resumed = numbers.list(agent_id=agent, limit=2, cursor=pages[0].next_cursor)
            assert [n.id async for n in resumed] == ids[2:]

    asyncio.run(main())


def test_events_list_newest_first_with_filters(client: Kataven, made: Made) -> None:
    credential = made.provider()
    number = made.number(credential, agent_id=None)
    client.telephony.numbers.pin(number, "agent_events")
    client.telephony.numbers.unpin(number)
    events = list(client.telephony.events.list(object_id=number, limit=1))
    assert [e.type for e in events] == ["number.updated", "number.updated", "number.created"]
    assert events[0].data == {"agent_id": {"from": "agent_events", "to": None}}
    assert events[0].actor.kind in ("account", "platform")
    assert events[0].occurred_at.tzinfo is not None
    since = events[-1].occurred_at
    created = list(client.telephony.events.list(type="number.created", since=since))
    assert number in [e.object_id for e in created]
    page = client.telephony.events.with_raw_response.list(object_id=number)
    assert page.status_code == 200 and len(page.parse().items) == 3


def test_async_events_list(service: Service, made: Made, key_kind: str) -> None:
    number = made.number(made.provider(), agent_id="agent_async_events")

    async def run() -> list[str]:
        async with AsyncKataven(**service.credentials(key_kind)) as client:
            return [e.type async for e in client.telephony.events.list(object_id=number)]

    assert asyncio.run(run()) == ["number.created"]
