"""The platform's own reads: who answers a dialled number (GET /routes/{e164}) and the
credential to dial with (GET /providers/{id}/sealed), for platform keys only."""

import base64
import json

import pytest

from app import sealing
from app.request import auth
from tests.support.api import (
    E164S,
    NUMBERS,
    PROVIDERS,
    TWILIO,
    add_number,
    add_provider,
    bearer,
    error,
    problem,
)

ROUTES = "/api/v1/telephony/routes"
FALLBACK = "+12025550199"


@pytest.fixture
def platform(platform_key):
    return bearer(platform_key)


@pytest.fixture
def credential(client, alice):
    return add_provider(client, alice)


@pytest.fixture
def number(client, alice, credential):
    return add_number(client, alice, credential["id"], agent_id="agent_1")


@pytest.fixture
def lines(app, monkeypatch):
    """The access log's lines, as written."""
    written = []
    monkeypatch.setitem(app.extensions, "access_log", written.append)
    return written


@pytest.fixture(params=["flask", "fast"])
def path(request, client, platform):
    """Each test runs twice: with the platform key new to the process (Flask answers)
    and known (the fast path answers)."""
    auth.KNOWN.clear()
    if request.param == "fast":
        client.get(f"{ROUTES}/{E164S[4]}", headers=platform)
    return request.param


def test_a_route_names_the_numbers_account_agent_and_credential(
        client, platform, credential, number, path):
    answer = client.get(f"{ROUTES}/{number['e164']}", headers=platform)
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert answer.json == {
        "e164": number["e164"], "account_id": "alice", "number_id": number["id"],
        "provider": "twilio", "credentials_id": credential["id"],
        "sealing_key_id": credential["sealing_key_id"], "agent_id": "agent_1",
        "inbound_enabled": True, "outbound_enabled": True, "fallback_e164": None,
        "inbound": "agent"}
    assert list(answer.json) == ["e164", "account_id", "number_id", "provider",
                                 "credentials_id", "sealing_key_id", "agent_id",
                                 "inbound_enabled", "outbound_enabled", "fallback_e164",
                                 "inbound"]


def test_the_plus_may_be_percent_encoded(client, platform, number, path):
    answer = client.get(f"{ROUTES}/%2B{number['e164'][1:]}", headers=platform)
    assert answer.status_code == 200
    assert answer.json["number_id"] == number["id"]


@pytest.mark.parametrize("changes, inbound", [
    ({}, "agent"),
    ({"fallback_e164": FALLBACK}, "agent"),
    ({"agent_id": None, "fallback_e164": FALLBACK}, "fallback"),
    ({"agent_id": None}, "reject"),
    ({"inbound_enabled": False}, "reject"),
    ({"inbound_enabled": False, "agent_id": None, "fallback_e164": FALLBACK}, "reject"),
])
def test_the_routing_rule(client, alice, platform, number, changes, inbound):
    if changes:
        patched = client.patch(f"{NUMBERS}/{number['id']}", json=changes, headers=alice)
        assert patched.status_code == 204
    route = client.get(f"{ROUTES}/{number['e164']}", headers=platform).json
    assert route["inbound"] == inbound
    assert route["agent_id"] == changes.get("agent_id", "agent_1")
    assert route["fallback_e164"] == changes.get("fallback_e164")
    assert route["inbound_enabled"] is changes.get("inbound_enabled", True)


def test_a_route_follows_every_change_to_its_number(client, alice, platform, number):
    client.patch(f"{NUMBERS}/{number['id']}", json={"agent_id": "agent_2"}, headers=alice)
    assert client.get(f"{ROUTES}/{number['e164']}", headers=platform).json["agent_id"] == "agent_2"
    client.delete(f"{NUMBERS}/{number['id']}", headers=alice)
    assert error(client.get(f"{ROUTES}/{number['e164']}", headers=platform)) == (
        404, "phone number not found")


def test_an_account_key_is_refused_with_its_code(client, alice, number):
    answer = client.get(f"{ROUTES}/{number['e164']}", headers=alice)
    assert error(answer) == (403, "routes need a platform key")
    answer = client.get(f"{ROUTES}/{number['e164']}",
                        headers={**alice, "Accept": "application/problem+json"})
    assert answer.status_code == 403
    assert problem(answer)["code"] == "platform_key_required"
    # Twice, so that a key the process knows is refused the same way.
    assert error(client.get(f"{ROUTES}/{number['e164']}", headers=alice))[0] == 403


@pytest.mark.parametrize("e164", ["12025550123", "+10000000000", "+1%20202%20555%200123",
                                  "%2B1202555012x", "+"])
def test_an_invalid_number_is_400_naming_e164(client, platform, e164, path):
    answer = client.get(f"{ROUTES}/{e164}", headers=platform)
    assert error(answer) == (400, "invalid e164: not a valid E.164 phone number")
    answer = client.get(f"{ROUTES}/{e164}",
                        headers={**platform, "Accept": "application/problem+json"})
    assert {k: problem(answer)[k] for k in ("code", "field")} == {
        "code": "invalid_parameter", "field": "e164"}


def test_an_unregistered_number_is_404(client, platform, path):
    assert error(client.get(f"{ROUTES}/{E164S[3]}", headers=platform)) == (
        404, "phone number not found")


def test_without_a_key_is_401(client, number):
    assert error(client.get(f"{ROUTES}/{number['e164']}")) == (401, "missing or invalid API key")


def test_x_account_id_of_another_account_answers_as_unregistered(
        client, platform_key, number, path):
    other = client.get(f"{ROUTES}/{number['e164']}", headers=bearer(platform_key, "bob"))
    assert error(other) == (404, "phone number not found")
    own = client.get(f"{ROUTES}/{number['e164']}", headers=bearer(platform_key, "alice"))
    assert own.status_code == 200
    invalid = client.get(f"{ROUTES}/{number['e164']}", headers=bearer(platform_key, "a b"))
    assert error(invalid)[0] == 400


def test_a_route_writes_no_event(client, platform, number, sql):
    before = sql.execute("SELECT count(*) AS n FROM events").fetchone()["n"]
    assert client.get(f"{ROUTES}/{number['e164']}", headers=platform).status_code == 200
    assert sql.execute("SELECT count(*) AS n FROM events").fetchone()["n"] == before


def test_its_log_line_names_the_numbers_account(client, platform, number, lines, path):
    lines.clear()
    assert client.get(f"{ROUTES}/{number['e164']}", headers=platform).status_code == 200
    assert [(line["status"], line["account_id"]) for line in lines] == [(200, "alice")]


def test_a_route_takes_no_query_parameters(client, platform, number):
    answer = client.get(f"{ROUTES}/{number['e164']}?account=alice", headers=platform)
    assert error(answer) == (400, "invalid query: account: unknown parameter")


# The credential to dial with.

def sealed_path(credential):
    return f"{PROVIDERS}/{credential['id']}/sealed"


def test_the_sealed_credential_opens_with_the_private_key(
        client, platform_key, credential, sealing_keys, path):
    answer = client.get(sealed_path(credential), headers=bearer(platform_key, "alice"))
    assert answer.status_code == 200
    body = answer.json
    assert list(body) == ["id", "provider", "sealing_key_id", "sealed"]
    assert (body["id"], body["provider"], body["sealing_key_id"]) == (
        credential["id"], "twilio", credential["sealing_key_id"])
    opened = sealing.open_sealed(sealing_keys[1], base64.b64decode(body["sealed"]))
    assert json.loads(opened) == TWILIO


def test_it_is_the_ciphertext_stored(client, platform_key, credential, sql):
    answer = client.get(sealed_path(credential), headers=bearer(platform_key, "alice"))
    stored = sql.execute("SELECT sealed_credentials FROM providers").fetchone()
    assert base64.b64decode(answer.json["sealed"]) == bytes(stored["sealed_credentials"])


def test_an_account_key_never_sees_the_ciphertext(client, alice, credential):
    answer = client.get(sealed_path(credential), headers=alice)
    assert error(answer) == (403, "sealed credentials need a platform key")
    answer = client.get(sealed_path(credential),
                        headers={**alice, "Accept": "application/problem+json"})
    assert problem(answer)["code"] == "platform_key_required"


def test_a_platform_key_acts_for_the_account_it_names(client, platform_key, credential, path):
    assert error(client.get(sealed_path(credential), headers=bearer(platform_key))) == (
        400, "missing X-Account-ID header")
    assert error(client.get(sealed_path(credential), headers=bearer(platform_key, "bob"))) == (
        404, "credential not found")
    unknown = {"id": "00000000-0000-4000-8000-000000000000"}
    assert error(client.get(sealed_path(unknown), headers=bearer(platform_key, "alice"))) == (
        404, "credential not found")
    assert error(client.get(f"{PROVIDERS}/not-a-uuid/sealed",
                            headers=bearer(platform_key, "alice"))) == (
        404, "credential not found")


def test_the_sealed_credential_is_logged_without_it(client, platform_key, credential, lines):
    answer = client.get(sealed_path(credential), headers=bearer(platform_key, "alice"))
    assert answer.json["sealed"] not in json.dumps(lines)
    assert [(line["status"], line["account_id"]) for line in lines] == [(200, "alice")]
