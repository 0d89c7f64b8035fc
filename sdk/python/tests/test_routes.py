"""The platform's own reads against the live service: a number's route (routes.get) and
a credential sealed (providers.sealed), with a platform key; an account key is refused."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Iterator

import pytest
from conftest import TWILIO, Made, Service, new_agent, new_e164
from nacl.public import PrivateKey, SealedBox

from kataven import (
    AsyncKataven,
    BadRequestError,
    Kataven,
    NotFoundError,
    PermissionDeniedError,
    Route,
    SealedCredential,
)

SEALED_BOX_OVERHEAD = 48  # crypto_box_SEALBYTES: the ephemeral public key and the MAC


@pytest.fixture
def router(service: Service) -> Iterator[Kataven]:
    """The platform's router: a platform key and no account (the number names its own)."""
    with Kataven(base_url=service.base_url, api_key=service.platform_key) as client:
        yield client


def test_a_route_names_the_numbers_account_agent_and_credential(
        client: Kataven, key_kind: str, made: Made, router: Kataven,
        service: Service) -> None:
    credential = client.telephony.providers.get(made.provider())
    agent, fallback = new_agent(), new_e164()
    number = client.telephony.numbers.create(e164=new_e164(), credentials_id=credential.id,
                                             agent_id=agent, outbound_enabled=False,
                                             fallback_e164=fallback)
    made.numbers.append(number.id)
    route = router.telephony.routes.get(number.e164)
    assert isinstance(route, Route)
    assert route == Route(
        e164=number.e164, account_id=route.account_id, number_id=number.id,
        provider="twilio", credentials_id=credential.id,
        sealing_key_id=credential.sealing_key_id, agent_id=agent, inbound_enabled=True,
        outbound_enabled=False, fallback_e164=fallback, inbound="agent")
    if key_kind == "platform":
        assert route.account_id == service.account_id
    # The account it names is the number's: acting for it, the platform key finds it.
    acting = router.with_options(account_id=route.account_id)
    assert acting.telephony.numbers.get(route.number_id) == number


# (agent pinned, inbound enabled, fallback set) -> the routing rule (CONTRACT section 11)
RULES = [
    (True, True, False, "agent"),
    (True, True, True, "agent"),  # the agent first; the fallback when it cannot take it
    (False, True, True, "fallback"),
    (False, True, False, "reject"),  # neither an agent nor a fallback
    (True, False, True, "reject"),  # inbound disabled
    (False, False, True, "reject"),
]


@pytest.mark.parametrize("pinned, inbound_enabled, with_fallback, inbound", RULES,
                         ids=[f"{'agent' if p else 'no-agent'}-{'in' if i else 'in-off'}-"
                              f"{'fallback' if f else 'no-fallback'}" for p, i, f, _ in RULES])
def test_the_routing_rule(made: Made, router: Kataven, pinned: bool, inbound_enabled: bool,
                          with_fallback: bool, inbound: str) -> None:
    number = made.client.telephony.numbers.get(made.number(
        made.provider(), agent_id=new_agent() if pinned else None,
        inbound_enabled=inbound_enabled, fallback_e164=new_e164() if with_fallback else None))
    route = router.telephony.routes.get(number.e164)
    assert (route.inbound, route.agent_id, route.inbound_enabled, route.fallback_e164) == (
        inbound, number.agent_id, inbound_enabled, number.fallback_e164)


def test_a_route_follows_every_change_to_its_number(made: Made, router: Kataven) -> None:
    numbers, routes = made.client.telephony.numbers, router.telephony.routes
    number = numbers.get(made.number(made.provider()))
    assert routes.get(number.e164).inbound == "reject"
    numbers.update(number.id, fallback_e164=new_e164())
    assert routes.get(number.e164).inbound == "fallback"
    numbers.pin(number.id, "agent_routed")
    assert (routes.get(number.e164).inbound, routes.get(number.e164).agent_id) == (
        "agent", "agent_routed")
    numbers.update(number.id, inbound_enabled=False)
    assert routes.get(number.e164).inbound == "reject"
    numbers.delete(number.id)
    with pytest.raises(NotFoundError):
        routes.get(number.e164)


def test_the_plus_is_sent_percent_encoded(made: Made, router: Kataven) -> None:
    number = made.client.telephony.numbers.get(made.number(made.provider()))
    raw = router.telephony.routes.with_raw_response.get(number.e164)
    assert raw.http_response.request.url.raw_path.endswith(
        b"/telephony/routes/%2B" + number.e164[1:].encode())
    assert raw.status_code == 200 and raw.parse().number_id == number.id


def test_an_unregistered_number_is_not_found(router: Kataven) -> None:
    with pytest.raises(NotFoundError) as missing:
        router.telephony.routes.get(new_e164())
    assert (missing.value.status_code, missing.value.code, missing.value.message) == (
        404, "not_found", "phone number not found")


def test_an_invalid_number_is_a_bad_request_naming_e164(router: Kataven) -> None:
    with pytest.raises(BadRequestError) as invalid:
        router.telephony.routes.get("+10000000000")
    assert (invalid.value.code, invalid.value.field, invalid.value.message) == (
        "invalid_parameter", "e164", "invalid e164: not a valid E.164 phone number")


def test_acting_for_another_account_a_number_is_not_found(made: Made, router: Kataven) -> None:
    number = made.client.telephony.numbers.get(made.number(made.provider()))
    other = router.with_options(account_id="sdk_not_the_numbers_account")
    with pytest.raises(NotFoundError):
        other.telephony.routes.get(number.e164)


def test_an_account_key_is_refused_with_its_code(service: Service, made: Made) -> None:
    credential = made.provider()
    number = made.client.telephony.numbers.get(made.number(credential))
    with Kataven(**service.credentials("account")) as account:
        with pytest.raises(PermissionDeniedError) as route:
            account.telephony.routes.get(number.e164)
        with pytest.raises(PermissionDeniedError) as sealed:
            account.telephony.providers.sealed(credential)
    assert (route.value.status_code, route.value.code, route.value.message) == (
        403, "platform_key_required", "routes need a platform key")
    assert (sealed.value.status_code, sealed.value.code, sealed.value.message) == (
        403, "platform_key_required", "sealed credentials need a platform key")


def test_the_sealed_credential_of_a_route_opens_with_the_private_key(
        made: Made, router: Kataven, sealing_private_key: str) -> None:
    credential = made.client.telephony.providers.get(made.provider())
    number = made.client.telephony.numbers.get(made.number(credential.id))
    # The dial-out service: the route names the credential and its account.
    route = router.telephony.routes.get(number.e164)
    sealed = router.telephony.providers.sealed(route.credentials_id, account_id=route.account_id)
    assert isinstance(sealed, SealedCredential)
    assert (sealed.id, sealed.provider, sealed.sealing_key_id) == (
        credential.id, "twilio", route.sealing_key_id)
    assert sealed.sealing_key_id == credential.sealing_key_id
    ciphertext = base64.b64decode(sealed.sealed, validate=True)  # valid base64, strictly
    plaintext = SealedBox(PrivateKey(base64.b64decode(sealing_private_key))).decrypt(ciphertext)
    assert json.loads(plaintext) == TWILIO
    assert len(ciphertext) == len(plaintext) + SEALED_BOX_OVERHEAD
    assert TWILIO["auth_token"] not in repr(sealed) and sealed.sealed not in repr(sealed)


def test_sealed_acts_for_the_client_account_or_the_calls(service: Service,
                                                         router: Kataven) -> None:
    with Kataven(**service.credentials("platform")) as platform:
        made = Made(platform)
        try:
            credential = made.provider()
            assert platform.telephony.providers.sealed(credential).id == credential
            with pytest.raises(NotFoundError) as elsewhere:
                platform.telephony.providers.sealed(credential, account_id="sdk_other_account")
            assert elsewhere.value.message == "credential not found"
            # The call's account, not the client's; the client's own is left as it was.
            assert router.telephony.providers.sealed(
                credential, account_id=service.account_id).id == credential
            raw = router.telephony.providers.with_raw_response.sealed(
                credential, account_id=service.account_id)
            assert raw.http_response.request.headers["X-Account-ID"] == service.account_id
            assert platform.account_id == service.account_id and router.account_id is None
        finally:
            made.cleanup()


def test_sealed_without_an_account_is_a_bad_request(made: Made, router: Kataven) -> None:
    with pytest.raises(BadRequestError) as missing:
        router.telephony.providers.sealed(made.provider())
    assert missing.value.code == "missing_account"


def test_async_route_and_sealed(made: Made, service: Service) -> None:
    credential = made.provider()
    number = made.client.telephony.numbers.get(made.number(credential, agent_id="agent_async"))

    async def main() -> tuple[Route, SealedCredential]:
        async with AsyncKataven(base_url=service.base_url, api_key=service.platform_key) as router:
            route = await router.telephony.routes.get(number.e164)
            raw = await router.telephony.providers.with_raw_response.sealed(
                route.credentials_id, account_id=route.account_id)
            assert raw.status_code == 200
            return route, raw.parse()

    route, sealed = asyncio.run(main())
    assert (route.number_id, route.inbound, route.agent_id) == (number.id, "agent", "agent_async")
    assert sealed.id == credential and base64.b64decode(sealed.sealed, validate=True)
