"""Every method against the live service, with an account key and with a platform key
acting for an account, sync and async."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from conftest import TWILIO, Made, Service, new_agent, new_e164

from kataven import (
    NOT_GIVEN,
    AsyncKataven,
    BadRequestError,
    Kataven,
    NotFoundError,
    PhoneNumber,
    Provider,
)


def recent(moment: datetime) -> bool:
    """An aware UTC datetime within a minute of now (the service's clock is ours)."""
    return (moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
            and abs(datetime.now(timezone.utc) - moment) < timedelta(minutes=1))


def test_providers_every_method(client: Kataven, made: Made) -> None:
    providers = client.telephony.providers
    created = providers.create(provider="twilio", credentials=TWILIO, label="SDK test")
    made.providers.append(created.id)
    assert isinstance(created, Provider)
    assert (created.provider, created.label) == ("twilio", "SDK test")
    assert created.credential_keys == ("account_sid", "auth_token")
    assert recent(created.created_at) and created.updated_at == created.created_at
    assert created.verified_at is None  # the test service stores credentials unchecked

    assert providers.get(created.id) == created
    assert created.id in [p.id for p in providers.list()]

    renamed = providers.update(created.id, label="Renamed")
    assert isinstance(renamed, Provider) and renamed == providers.get(created.id)
    assert renamed.label == "Renamed" and renamed.updated_at > created.updated_at

    rotated = providers.update(created.id, credentials={**TWILIO, "auth_token": "rotated"})
    assert rotated == providers.get(created.id)
    assert rotated.updated_at > renamed.updated_at
    assert rotated.label == "Renamed"  # NOT_GIVEN: left out of the PATCH

    assert providers.delete(created.id) is None
    with pytest.raises(NotFoundError):
        providers.get(created.id)


def test_numbers_every_method(client: Kataven, made: Made) -> None:
    credential = made.provider()
    numbers = client.telephony.numbers
    e164, agent = new_e164(), new_agent()
    created = numbers.create(e164=e164, credentials_id=credential, agent_id=agent,
                             inbound_enabled=True, outbound_enabled=False)
    made.numbers.append(created.id)
    assert isinstance(created, PhoneNumber)
    assert (created.e164, created.provider, created.credentials_id, created.agent_id,
            created.inbound_enabled, created.outbound_enabled) == (
        e164, "twilio", credential, agent, True, False)
    assert recent(created.created_at)

    assert numbers.get(created.id) == created
    assert [n.id for n in numbers.list(agent_id=agent)] == [created.id]
    assert [n.id for n in numbers.list(e164=e164, credentials_id=credential,
                                       provider="twilio")] == [created.id]

    updated = numbers.update(created.id, outbound_enabled=True)
    assert isinstance(updated, PhoneNumber) and updated == numbers.get(created.id)
    assert (updated.agent_id, updated.outbound_enabled) == (agent, True)
    assert updated.updated_at > created.updated_at

    other = new_agent()
    pinned = numbers.pin(created.id, other)
    assert pinned.agent_id == other and pinned == numbers.get(created.id)
    unpinned = numbers.unpin(created.id)
    assert unpinned.agent_id is None and unpinned == numbers.get(created.id)

    assert numbers.delete(created.id) is None
    with pytest.raises(NotFoundError):
        numbers.get(created.id)


def test_a_change_answers_the_object_in_one_request(service: Service, key_kind: str,
                                                   made: Made) -> None:
    number_id = made.number(made.provider())
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    with Kataven(**service.credentials(key_kind), http_client=http) as client:
        raw = client.telephony.numbers.with_raw_response.pin(number_id, "agent_one_request")
    assert [(r.method, r.headers["Prefer"]) for r in sent] == [
        ("PATCH", "return=representation")]
    assert raw.status_code == 200
    assert raw.headers["Preference-Applied"] == "return=representation"
    number = raw.parse()
    assert isinstance(number, PhoneNumber) and number.agent_id == "agent_one_request"


def test_create_number_takes_provider_and_defaults(client: Kataven, made: Made) -> None:
    credential = made.provider()
    number = client.telephony.numbers.create(e164=new_e164(), credentials_id=credential,
                                             provider="twilio")
    made.numbers.append(number.id)
    assert (number.agent_id, number.inbound_enabled, number.outbound_enabled) == (
        None, True, True)


def test_not_given_leaves_a_field_out_and_none_sends_null(client: Kataven, made: Made) -> None:
    agent = new_agent()
    number_id = made.number(made.provider(), agent_id=agent)
    numbers = client.telephony.numbers
    numbers.update(number_id, inbound_enabled=False, agent_id=NOT_GIVEN)
    assert numbers.get(number_id).agent_id == agent
    numbers.update(number_id, agent_id=None)
    number = numbers.get(number_id)
    assert (number.agent_id, number.inbound_enabled) == (None, False)


def test_fallback_e164_is_set_changed_left_alone_and_cleared(client: Kataven,
                                                             made: Made) -> None:
    credential, numbers = made.provider(), client.telephony.numbers
    fallback, other = new_e164(), new_e164()
    created = numbers.create(e164=new_e164(), credentials_id=credential, fallback_e164=fallback)
    made.numbers.append(created.id)
    assert created.fallback_e164 == fallback and numbers.get(created.id) == created
    assert numbers.update(created.id, fallback_e164=other).fallback_e164 == other
    kept = numbers.update(created.id, agent_id=new_agent(), fallback_e164=NOT_GIVEN)
    assert kept.fallback_e164 == other  # NOT_GIVEN: left out of the PATCH
    cleared = numbers.update(created.id, fallback_e164=None)
    assert cleared.fallback_e164 is None and cleared == numbers.get(created.id)
    assert numbers.get(made.number(credential)).fallback_e164 is None  # none given: none


def test_a_fallback_that_is_the_number_itself_is_refused_naming_it(client: Kataven,
                                                                   made: Made) -> None:
    number = client.telephony.numbers.get(made.number(made.provider()))
    with pytest.raises(BadRequestError) as refused:
        client.telephony.numbers.update(number.id, fallback_e164=number.e164)
    assert (refused.value.code, refused.value.field) == ("invalid_body", "fallback_e164")
    assert refused.value.message == "invalid body: fallback_e164: must differ from e164"


def test_provider_label_none_is_sent_as_null(client: Kataven, made: Made) -> None:
    provider_id = made.provider(label="Named")
    client.telephony.providers.update(provider_id, label=None)
    assert client.telephony.providers.get(provider_id).label == "Twilio"


async def every_method_async(client: AsyncKataven) -> None:
    providers, numbers = client.telephony.providers, client.telephony.numbers
    credential = await providers.create(provider="twilio", credentials=TWILIO)
    try:
        assert await providers.get(credential.id) == credential
        assert credential.id in [p.id async for p in providers.list(limit=1)]
        renamed = await providers.update(credential.id, label="Async")
        assert renamed.label == "Async" and renamed == await providers.get(credential.id)

        agent = new_agent()
        number = await numbers.create(e164=new_e164(), credentials_id=credential.id,
                                      agent_id=agent)
        try:
            assert await numbers.get(number.id) == number
            assert [n.id async for n in numbers.list(agent_id=agent)] == [number.id]
            assert not (await numbers.update(number.id, inbound_enabled=False)).inbound_enabled
            pinned = await numbers.pin(number.id, "agent_async_2")
            assert pinned == await numbers.get(number.id)
            assert (pinned.agent_id, pinned.inbound_enabled) == ("agent_async_2", False)
            assert (await numbers.unpin(number.id)).agent_id is None
            raw = await numbers.with_raw_response.update(number.id, outbound_enabled=False)
            assert raw.status_code == 200 and not raw.parse().outbound_enabled
        finally:
            await numbers.delete(number.id)
        with pytest.raises(NotFoundError):
            await numbers.get(number.id)
    finally:
        await providers.delete(credential.id)
    with pytest.raises(NotFoundError):
        await providers.get(credential.id)


def test_async_every_method(service: Service, key_kind: str) -> None:
    async def main() -> None:
        async with AsyncKataven(**service.credentials(key_kind)) as client:
            await every_method_async(client)

    asyncio.run(main())


def test_platform_key_sees_only_the_account_it_acts_for(service: Service) -> None:
    with Kataven(**service.credentials("platform")) as platform:
        made = Made(platform)
        try:
            provider_id = made.provider()
            other = platform.with_options(account_id="sdk_some_other_account")
            assert provider_id not in [p.id for p in other.telephony.providers.list()]
            with pytest.raises(NotFoundError):
                other.telephony.providers.get(provider_id)
            assert platform.telephony.providers.get(provider_id).id == provider_id
        finally:
            made.cleanup()
