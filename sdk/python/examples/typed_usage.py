"""Every method of both clients, with the types a caller gets: `mypy --strict` checks this
file (tests/test_typing.py), and the tests run it against the live service.

Reads KATAVEN_API_KEY, KATAVEN_BASE_URL and KATAVEN_ACCOUNT_ID like any client.
"""

from __future__ import annotations

import asyncio
import random

from kataven import (
    NOT_GIVEN,
    AsyncKataven,
    AsyncPager,
    Event,
    InboundRule,
    Kataven,
    NotFoundError,
    Page,
    PhoneNumber,
    Provider,
    RawResponse,
    Route,
    SealedCredential,
    SyncPager,
)

TWILIO = {"account_sid": "AC" + "0123456789abcdef" * 2, "auth_token": "example-token"}


def e164() -> str:
    return f"+1202{random.SystemRandom().randint(2_000_000, 9_999_999)}"


def sync_example() -> None:
    with Kataven() as client:
        providers, numbers = client.telephony.providers, client.telephony.numbers
        cred: Provider = providers.create(provider="twilio", credentials=TWILIO,
                                          label="Typed example", idempotency_key=None)
        same: Provider = providers.get(cred.id)
        every: SyncPager[Provider] = providers.list(limit=10, cursor=None)
        assert same.id in [p.id for p in every]
        renamed: Provider = providers.update(cred.id, label="Typed example, renamed",
                                             credentials=NOT_GIVEN)
        assert renamed.label == "Typed example, renamed" and renamed.id == cred.id

        number: PhoneNumber = numbers.create(e164=e164(), credentials_id=cred.id,
                                             agent_id="agent_typed")
        listed: SyncPager[PhoneNumber] = numbers.list(agent_id="agent_typed", limit=1)
        pages: list[Page[PhoneNumber]] = list(listed.pages())
        cursor: str | None = pages[0].next_cursor  # where a later list could resume
        assert number.id in [n.id for n in numbers.list(credentials_id=cred.id, provider="twilio",
                                                        e164=number.e164, cursor=None)]
        changed: PhoneNumber = numbers.update(number.id, agent_id=None,
                                              inbound_enabled=NOT_GIVEN, outbound_enabled=False)
        assert changed.agent_id is None and not changed.outbound_enabled
        pinned: PhoneNumber = numbers.pin(number.id, "agent_typed_2")
        assert pinned.agent_id == "agent_typed_2"
        raw: RawResponse[PhoneNumber] = numbers.with_raw_response.get(number.id)
        assert raw.parse().agent_id == "agent_typed_2" and raw.status_code == 200
        first: RawResponse[Page[PhoneNumber]] = numbers.with_raw_response.list(limit=1)
        assert first.request_id is not None and len(first.parse().items) == 1
        assert [n.id for n in numbers.list(agent_id="agent_typed", cursor=cursor)] == []
        raw_unpin: RawResponse[PhoneNumber] = numbers.with_raw_response.unpin(number.id)
        assert raw_unpin.status_code == 200 and raw_unpin.parse().agent_id is None
        history: SyncPager[Event] = client.telephony.events.list(object_id=number.id, limit=10)
        changes: list[Event] = list(history)
        assert changes[-1].type == "number.created" and changes[0].actor.key_id
        newest: RawResponse[Page[Event]] = client.telephony.events.with_raw_response.list(
            type="number.updated", since=changes[-1].occurred_at, cursor=None)
        assert newest.parse().items[0].object_id == number.id
        # The platform's reads (this example runs with a platform key): the number's route
        # (unpinned, with a fallback: forwarded there), and the credential it names,
        # sealed, for the account it names.
        forwarded: PhoneNumber = numbers.update(number.id, fallback_e164=e164())
        fallback: str | None = forwarded.fallback_e164
        route: Route = client.telephony.routes.get(number.e164)
        rule: InboundRule = route.inbound
        assert rule == "fallback" and route.fallback_e164 == fallback and fallback is not None
        sealed: SealedCredential = providers.sealed(route.credentials_id,
                                                    account_id=route.account_id)
        assert sealed.sealing_key_id == route.sealing_key_id and sealed.sealed
        raw_route: RawResponse[Route] = client.telephony.routes.with_raw_response.get(number.e164)
        raw_sealed: RawResponse[SealedCredential] = providers.with_raw_response.sealed(cred.id)
        assert raw_route.parse().number_id == number.id and raw_sealed.parse().id == cred.id
        assert numbers.update(number.id, fallback_e164=None).fallback_e164 is None
        gone: RawResponse[None] = numbers.with_raw_response.delete(number.id)
        assert gone.status_code == 204 and gone.retries == 0
        try:
            client.with_options(timeout=5, max_retries=0).telephony.numbers.get(number.id)
        except NotFoundError as error:
            assert error.status_code == 404 and error.request_id
        providers.delete(cred.id)


async def async_example() -> None:
    async with AsyncKataven() as client:
        providers, numbers = client.telephony.providers, client.telephony.numbers
        cred: Provider = await providers.create(provider="twilio", credentials=TWILIO)
        assert (await providers.get(cred.id)).id == cred.id
        every: AsyncPager[Provider] = providers.list(limit=10)
        assert cred.id in [p.id async for p in every]
        renamed: Provider = await providers.update(cred.id, label="Async typed example")
        assert renamed.label == "Async typed example"
        number: PhoneNumber = await numbers.create(e164=e164(), credentials_id=cred.id)
        async for page in numbers.list(credentials_id=cred.id).pages():
            assert [n.id for n in page.items] == [number.id] and page.next_cursor is None
        changed: PhoneNumber = await numbers.update(number.id, inbound_enabled=False)
        assert not changed.inbound_enabled
        pinned: PhoneNumber = await numbers.pin(number.id, "agent_async")
        assert pinned.agent_id == "agent_async"
        raw: RawResponse[PhoneNumber] = await numbers.with_raw_response.get(number.id)
        assert raw.parse().agent_id == "agent_async" and not raw.replayed
        first: RawResponse[Page[PhoneNumber]] = await numbers.with_raw_response.list(limit=1)
        assert first.status_code == 200
        raw_unpin: RawResponse[PhoneNumber] = await numbers.with_raw_response.unpin(number.id)
        assert raw_unpin.parse().agent_id is None
        route: Route = await client.telephony.routes.get(number.e164)
        assert route.inbound == "reject" and route.number_id == number.id  # inbound is off
        sealed: SealedCredential = await providers.sealed(route.credentials_id,
                                                          account_id=route.account_id)
        assert sealed.id == cred.id
        raw_route: RawResponse[Route] = await client.telephony.routes.with_raw_response.get(
            number.e164)
        assert raw_route.status_code == 200
        events: AsyncPager[Event] = client.telephony.events.list(object_id=number.id)
        assert [e.type async for e in events][-1] == "number.created"
        await client.with_options(max_retries=0).telephony.numbers.delete(number.id)
        await providers.delete(cred.id)


if __name__ == "__main__":
    sync_example()
    asyncio.run(async_example())
    print("typed example: ok")
