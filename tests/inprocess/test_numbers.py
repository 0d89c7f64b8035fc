"""/numbers: register, list, get, pin and unpin, delete phone numbers."""

import pytest

from tests.support.api import NUMBERS, PROVIDERS, add_number, add_provider, error

NUMBER_FIELDS = {"id", "e164", "provider", "credentials_id", "agent_id", "inbound_enabled",
                 "outbound_enabled", "fallback_e164", "created_at", "updated_at"}
AGENT = "agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z"
AGENT_FORM = "must be 1 to 64 characters of A-Z a-z 0-9 _ -"


@pytest.fixture
def twilio(client, alice):
    return add_provider(client, alice, "twilio")


def test_register_answers_201_with_the_object_and_its_location(client, alice, twilio):
    answer = client.post(NUMBERS, json={
        "agent_id": AGENT, "credentials_id": twilio["id"], "e164": "+12025550123",
        "inbound_enabled": True, "outbound_enabled": True, "provider": "twilio",
    }, headers=alice)
    assert answer.status_code == 201
    body = answer.json
    assert set(body) == NUMBER_FIELDS
    assert body["e164"] == "+12025550123"
    assert body["provider"] == "twilio"
    assert body["credentials_id"] == twilio["id"]
    assert body["agent_id"] == AGENT
    assert body["inbound_enabled"] is True and body["outbound_enabled"] is True
    assert answer.headers["Location"] == f"{NUMBERS}/{body['id']}"


def test_register_defaults_provider_agent_and_directions(client, alice, twilio):
    body = add_number(client, alice, twilio["id"])
    assert body["provider"] == "twilio"
    assert body["agent_id"] is None
    assert body["inbound_enabled"] is True and body["outbound_enabled"] is True


@pytest.mark.parametrize("agent_id", [None, ""])
def test_register_with_null_or_empty_agent_pins_no_agent(client, alice, twilio, agent_id):
    assert add_number(client, alice, twilio["id"], agent_id=agent_id)["agent_id"] is None


def test_register_takes_the_directions_given(client, alice, twilio):
    body = add_number(client, alice, twilio["id"], inbound_enabled=False, outbound_enabled=False)
    assert body["inbound_enabled"] is False and body["outbound_enabled"] is False


@pytest.mark.parametrize("e164", ["+12025550123", "+442079460958", "+919876543210", "+33612345678"])
def test_valid_numbers_are_accepted(client, alice, twilio, e164):
    assert add_number(client, alice, twilio["id"], e164)["e164"] == e164


INVALID = [
    ({"e164": "+10000000000"}, "invalid body: e164: not a valid E.164 phone number"),
    ({"e164": "+1 202 555 0123"}, "invalid body: e164: not a valid E.164 phone number"),
    ({"e164": "12025550123"}, "invalid body: e164: not a valid E.164 phone number"),
    ({"e164": "+1202555012a"}, "invalid body: e164: not a valid E.164 phone number"),
    ({"e164": "+4402079460958"}, "invalid body: e164: not a valid E.164 phone number"),
    ({"e164": "+１２０２５５５０１２３"}, "invalid body: e164: not a valid E.164 phone number"),
    ({"e164": 12025550123}, "invalid body: e164: must be a string"),
    ({"e164": None}, "invalid body: e164: must not be null"),
    ({"e164": "+1" + "2" * 40}, "invalid body: e164: not a valid E.164 phone number"),
    ({"credentials_id": "prov_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z"},
     "invalid body: credentials_id: no such credential"),
    ({"credentials_id": "6f1c0d3e-8a5b-4b8e-9a53-3f5f2b0c7d11"},
     "invalid body: credentials_id: no such credential"),
    ({"credentials_id": 5}, "invalid body: credentials_id: must be a string"),
    ({"provider": "plivo"},
     "invalid body: provider: does not match the credential's provider (twilio)"),
    ({"provider": "TWILIO"}, "invalid body: provider: must be one of plivo, twilio, vobiz"),
    ({"agent_id": "agent 1"}, f"invalid body: agent_id: {AGENT_FORM}"),
    ({"agent_id": "a" * 65}, f"invalid body: agent_id: {AGENT_FORM}"),
    ({"agent_id": 7}, "invalid body: agent_id: must be a string"),
    ({"inbound_enabled": "yes"}, "invalid body: inbound_enabled: must be true or false"),
    ({"inbound_enabled": 1}, "invalid body: inbound_enabled: must be true or false"),
    ({"outbound_enabled": "true"}, "invalid body: outbound_enabled: must be true or false"),
    ({"outbound_enabled": None}, "invalid body: outbound_enabled: must be true or false"),
    ({"agent": AGENT}, "invalid body: agent: unknown field"),
]


@pytest.mark.parametrize("change, message", INVALID)
def test_invalid_register_bodies_answer_400_naming_the_field(client, alice, twilio, sql, change,
                                                             message):
    body = {"e164": "+12025550123", "credentials_id": twilio["id"], **change}
    assert error(client.post(NUMBERS, json=body, headers=alice)) == (400, message)
    assert sql.execute("SELECT count(*) AS n FROM numbers").fetchone()["n"] == 0


@pytest.mark.parametrize("missing", ["e164", "credentials_id"])
def test_required_fields(client, alice, twilio, missing):
    body = {"e164": "+12025550123", "credentials_id": twilio["id"]}
    del body[missing]
    assert error(client.post(NUMBERS, json=body, headers=alice)) == (
        400, f"invalid body: {missing}: required")


def test_a_number_is_registered_once(client, alice, twilio):
    add_number(client, alice, twilio["id"], "+12025550123")
    again = client.post(NUMBERS, json={"e164": "+12025550123", "credentials_id": twilio["id"]},
                        headers=alice)
    assert error(again) == (400, "duplicate number: +12025550123 is already registered")


def test_a_number_is_registered_once_across_accounts(client, alice, bob, twilio):
    add_number(client, alice, twilio["id"], "+12025550123")
    bobs = add_provider(client, bob, "twilio")
    again = client.post(NUMBERS, json={"e164": "+12025550123", "credentials_id": bobs["id"]},
                        headers=bob)
    assert error(again) == (400, "duplicate number: +12025550123 is already registered")


def test_a_deleted_number_can_be_registered_again(client, alice, twilio):
    first = add_number(client, alice, twilio["id"])
    client.delete(f"{NUMBERS}/{first['id']}", headers=alice)
    assert add_number(client, alice, twilio["id"])["id"] != first["id"]


def test_get_answers_the_object(client, alice, twilio):
    created = add_number(client, alice, twilio["id"])
    answer = client.get(f"{NUMBERS}/{created['id']}", headers=alice)
    assert answer.status_code == 200
    assert answer.json == created


@pytest.mark.parametrize("number_id", ["0b6f7d7e-1f0e-4f51-8d6c-2a9d1f5e3c44", "agent_01HZ2N"])
def test_missing_or_malformed_ids_answer_404(client, alice, number_id):
    assert error(client.get(f"{NUMBERS}/{number_id}", headers=alice)) == (
        404, "phone number not found")
    assert error(client.patch(f"{NUMBERS}/{number_id}", json={"agent_id": AGENT},
                              headers=alice)) == (404, "phone number not found")
    assert error(client.delete(f"{NUMBERS}/{number_id}", headers=alice)) == (
        404, "phone number not found")


def test_pin_and_unpin(client, alice, twilio):
    created = add_number(client, alice, twilio["id"])
    url = f"{NUMBERS}/{created['id']}"
    pinned = client.patch(url, json={"agent_id": AGENT}, headers=alice)
    assert pinned.status_code == 204 and pinned.data == b""
    after_pin = client.get(url, headers=alice).json
    assert after_pin["agent_id"] == AGENT
    assert after_pin["updated_at"] > created["updated_at"]
    client.patch(url, json={"agent_id": None}, headers=alice)
    assert client.get(url, headers=alice).json["agent_id"] is None
    client.patch(url, json={"agent_id": AGENT}, headers=alice)
    client.patch(url, json={"agent_id": ""}, headers=alice)
    assert client.get(url, headers=alice).json["agent_id"] is None


def test_patch_directions_only_leaves_the_agent(client, alice, twilio):
    created = add_number(client, alice, twilio["id"], agent_id=AGENT)
    url = f"{NUMBERS}/{created['id']}"
    assert client.patch(url, json={"outbound_enabled": False}, headers=alice).status_code == 204
    now = client.get(url, headers=alice).json
    assert now["agent_id"] == AGENT
    assert now["outbound_enabled"] is False and now["inbound_enabled"] is True


@pytest.mark.parametrize("body, message", [
    ({}, "invalid body: nothing to update"),
    ({"id": "x", "updated_at": "y"}, "invalid body: nothing to update"),
    ({"e164": "+12025550124"}, "invalid body: e164: unknown field"),
    ({"agent_id": "bad id"}, f"invalid body: agent_id: {AGENT_FORM}"),
    ({"inbound_enabled": "false"}, "invalid body: inbound_enabled: must be true or false"),
])
def test_invalid_patch_bodies_answer_400(client, alice, twilio, body, message):
    created = add_number(client, alice, twilio["id"])
    assert error(client.patch(f"{NUMBERS}/{created['id']}", json=body, headers=alice)) == (
        400, message)
    assert client.get(f"{NUMBERS}/{created['id']}", headers=alice).json == created


def test_delete_answers_204_then_404(client, alice, twilio):
    created = add_number(client, alice, twilio["id"])
    assert client.delete(f"{NUMBERS}/{created['id']}", headers=alice).status_code == 204
    assert client.get(f"{NUMBERS}/{created['id']}", headers=alice).status_code == 404


def test_deleting_the_numbers_frees_the_credential(client, alice, twilio):
    created = add_number(client, alice, twilio["id"])
    assert client.delete(f"{PROVIDERS}/{twilio['id']}", headers=alice).status_code == 409
    client.delete(f"{NUMBERS}/{created['id']}", headers=alice)
    assert client.delete(f"{PROVIDERS}/{twilio['id']}", headers=alice).status_code == 204


def test_list_and_its_filters(client, alice, twilio):
    plivo = add_provider(client, alice, "plivo")
    a = add_number(client, alice, twilio["id"], "+12025550123", agent_id=AGENT)
    b = add_number(client, alice, plivo["id"], "+12025550124", agent_id="agent_other")
    c = add_number(client, alice, twilio["id"], "+12025550125")

    def listed(query=""):
        answer = client.get(f"{NUMBERS}{query}", headers=alice)
        assert answer.status_code == 200, answer.text
        assert answer.json["next_cursor"] is None
        return [n["id"] for n in answer.json["numbers"]]

    assert listed() == [a["id"], b["id"], c["id"]]
    assert listed(f"?agent_id={AGENT}") == [a["id"]]
    assert listed(f"?credentials_id={twilio['id']}") == [a["id"], c["id"]]
    assert listed(f"?credentials_id={twilio['id'].upper()}") == [a["id"], c["id"]]
    assert listed("?provider=plivo") == [b["id"]]
    assert listed("?e164=%2B12025550125") == [c["id"]]
    assert listed("?e164=+12025550125") == [c["id"]]  # an unencoded + arrives as a space
    assert listed(f"?provider=twilio&agent_id={AGENT}") == [a["id"]]
    assert listed("?agent_id=nobody") == []


@pytest.mark.parametrize("query, message", [
    ("?credentials_id=prov_1", "invalid query: credentials_id: not a valid UUID"),
    ("?provider=sip", "invalid query: provider: must be one of plivo, twilio, vobiz"),
    ("?agent_id=bad%20id", f"invalid query: agent_id: {AGENT_FORM}"),
    ("?e164=12025550123", "invalid query: e164: must be + followed by 2 to 15 digits"),
    ("?agentid=x", "invalid query: agentid: unknown parameter"),
    ("?provider=twilio&provider=plivo", "invalid query: provider: given more than once"),
])
def test_invalid_list_queries_answer_400_naming_the_parameter(client, alice, query, message):
    assert error(client.get(f"{NUMBERS}{query}", headers=alice)) == (400, message)
